"""Importing the handbook "Öffentliches Gestalten": mapping rules, chapters, translations, re-runs, bad files."""

from __future__ import annotations

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from hub.choices import License
from hub.models import ChangeLogEntry
from hub.roles import SYSTEM
from methods.importers import handbook_import, handbook_source, imported_method
from methods.importers.handbook_fields import difficulty_parse, duration_parse, list_split
from methods.models import MethodCard
from methods.services import method_create, method_update

HANDBOOK = Path(__file__).resolve().parents[1] / "data" / "handbook"
EXCERPT = Path(__file__).resolve().parents[3] / "shared" / "data" / "oeffentliches-gestalten"
METHODS = "src/assets/methods/"


def card(name: str) -> MethodCard:
    """The card imported from one method file of a handbook."""
    return imported_method(handbook_source(METHODS + name))


@pytest.fixture
def report(lab):
    """The made-up handbook imported once into the node's first lab (service messages in English)."""
    with translation.override("en"):
        return handbook_import(paths=[HANDBOOK], lab=lab)


# --- the excerpt of the real handbook ---------------------------------------------------------


def chapter_phases(root: Path) -> dict[str, str]:
    """The phase of every method file, read from the folder of the chapters that import it."""
    phases = {}
    chapters = [*root.glob("docs/*/*.mdx"), *root.glob("i18n/*/docusaurus-plugin-content-docs/current/*/*.mdx")]
    for chapter in chapters:
        phase = chapter.parent.name.split("-", 1)[1]
        for path in re.findall(r"from ['\"]@site/(src/assets/methods/[^'\"]+)['\"]", chapter.read_text()):
            phases.setdefault(path, phase)
    return phases


@pytest.mark.django_db
def test_the_excerpt_imports_all_eleven_methods_with_their_phases_and_translations_paired(lab):
    if not EXCERPT.is_dir():
        pytest.skip(f"the excerpt of the handbook is not at {EXCERPT}")
    result = handbook_import(paths=[EXCERPT], lab=lab)
    assert result.counts() == {"imported": 11, "updated": 0, "unchanged": 0, "skipped": 0}
    assert MethodCard.objects.count() == 11
    phases = chapter_phases(EXCERPT)
    assert len(phases) == 11
    for path, phase in phases.items():
        assert imported_method(handbook_source(path)).phase == phase, path
    pairs = {
        ("mitspielerinnen-kartieren.md", "en/map-out-players.md"), ("teamprofil.md", "en/team-profile.md"),
        ("visuelle-abstimmung.md", "en/visual-vote.md"),
        ("mehrwert-aufwand-matrix.md", "en/value-added-effort-matrix.md"),
        ("zukunftstheater.md", "en/future-theater.md"),
    }
    for german, english in pairs:
        assert card(german).translations == [card(english).iri]
        assert card(english).translations == [card(german).iri]
    assert card("kulturen-wandeln.md").translations == []


# --- the mapping rules, one by one ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minimum", "maximum", "rest"),
    [
        ("90 – 150 Minuten", 90, 150, ""),
        ("10 - 15 minutes", 10, 15, ""),
        ("10-20 min", 10, 20, ""),
        ("1 – 2 Stunden", 60, 120, ""),
        ("30 Minuten – 2 Stunden", 30, 120, ""),
        ("1,5 Stunden", 90, 90, ""),
        ("45 Minuten", 45, 45, ""),
        ("2 hours", 120, 120, ""),
        ("bis zu 60 Minuten", None, 60, ""),
        ("ab 30 Minuten", 30, None, ""),
        ("10 - 60 Minuten je nach Kontext", 10, 60, "je nach Kontext"),
    ],
)
def test_durations_are_read_in_minutes_from_ranges_hours_single_values_and_any_dash(text, minimum, maximum, rest):
    duration = duration_parse(text)
    assert (duration.minimum, duration.maximum, duration.rest) == (minimum, maximum, rest)


@pytest.mark.parametrize("text", ["ein halber Tag", "150 – 90 Minuten", "flexibel", ""])
def test_a_time_that_is_no_duration_is_not_understood(text):
    assert duration_parse(text) is None


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Einfach", "low"), ("Simple", "low"), ("Mäßig", "medium"), ("Mäßig – Mittel", "medium"),
        ("Moderate – Medium", "medium"), ("Mittel – Hoch", "high"), ("Einfach bis Mittel", "medium"),
        ("sehr unterschiedlich", None), ("", None),
    ],
)
def test_a_level_maps_to_a_difficulty_and_a_range_to_its_upper_end(text, level):
    assert difficulty_parse(text) == level


def test_lists_split_at_commas_outside_brackets_and_keep_clauses_with_their_entry():
    assert list_split("Stadtplan (gedruckt, A3), Stifte, Kamera, um Eindrücke festzuhalten.") == [
        "Stadtplan (gedruckt, A3)", "Stifte", "Kamera, um Eindrücke festzuhalten",
    ]
    assert list_split(["Pinnwand", "Karten"]) == ["Pinnwand", "Karten"]


# --- the made-up handbook in tests/data/handbook ------------------------------------------------


@pytest.mark.django_db
def test_every_method_file_is_imported_or_skipped_with_a_reason(report):
    outcomes = {file.path.removeprefix(METHODS): file.outcome for file in report.files}
    assert outcomes == {
        "stadtteilspaziergang.md": "imported", "wunschbaum.md": "imported", "ideenwand.md": "imported",
        "probelauf.md": "imported", "rueckblick.md": "imported", "en/neighbourhood-walk.md": "imported",
        "en/idea-wall.md": "imported", "en/retrospective.md": "imported", "zeitreise.md": "skipped",
        "kaputt-yaml.md": "skipped", "ohne-titel.md": "skipped", "ohne-zusammenfassung.md": "skipped",
    }
    assert all(file.problems for file in report.files if file.outcome == "skipped")


@pytest.mark.django_db
def test_front_matter_and_sections_become_the_card_fields(report, lab):
    walk = card("stadtteilspaziergang.md")
    assert (walk.title, walk.language, walk.phase, walk.lab_id) == ("Stadtteilspaziergang", "de", "erkunden", lab.iri)
    assert (walk.duration_min, walk.duration_max, walk.difficulty) == (60, 120, "low")
    assert walk.materials == ["Stadtplan (gedruckt, A3)", "Stifte", "Kamera oder Smartphone, um Eindrücke festzuhalten"]
    assert walk.roles == ["Moderation", "Zeitwache", "Ortskundige Begleitung"]
    assert walk.tips == (
        "Den Weg vorher einmal allein abgehen und Pausenorte einplanen.\n\n"
        "Bei Regen einen überdachten Treffpunkt vereinbaren."
    )
    assert walk.background.startswith("Stadtteilspaziergänge sind in der Gemeinwesenarbeit")
    assert walk.background.endswith("CC BY-NC-SA 4.0; für diese Methodenkarte in ihre Felder aufgeteilt.")
    assert walk.summary.startswith("Beim **Stadtteilspaziergang** geht")
    assert walk.added_value.endswith("Fragen für das nächste Nachbarschaftstreffen.")
    assert walk.body.startswith("### Varianten\n\nEin Spaziergang")
    assert "Vor- und Nachteile" in walk.body and "sammelt der Wunschbaum;" in walk.body
    assert "[Beispielstadt](https://example.org/spaziergang)" in walk.body
    assert walk.license == License.BY_NC_SA
    assert walk.source == (
        "https://github.com/technologiestiftung/oeffentliches-gestalten-docusaurus/blob/main/"
        "src/assets/methods/stadtteilspaziergang.md"
    )


@pytest.mark.django_db
def test_english_labels_and_sections_map_like_the_german_ones(report):
    walk = card("en/neighbourhood-walk.md")
    assert (walk.language, walk.phase, walk.difficulty) == ("en", "erkunden", "low")
    assert (walk.duration_min, walk.duration_max) == (60, 120)
    assert walk.materials == ["Printed map", "pens", "a camera or phone"]
    assert walk.roles == ["Facilitation", "timekeeping", "local guide"]
    assert walk.tips.endswith("\n\nAgree on a sheltered meeting point in case of rain.")
    assert walk.summary.startswith("On a **Neighbourhood Walk**")
    assert "cross-departmental teams" in walk.added_value
    assert walk.background.endswith("divided into the fields of this method card.")


@pytest.mark.django_db
def test_single_durations_yaml_lists_and_levels_in_other_words_are_mapped(report):
    wall, tree, trial = card("ideenwand.md"), card("wunschbaum.md"), card("probelauf.md")
    assert (wall.duration_min, wall.duration_max, wall.difficulty) == (45, 45, "high")
    assert wall.materials == ["Pinnwand", "Karten in zwei Farben"]
    assert "Beteiligungsformate" in wall.summary
    assert (tree.duration_min, tree.duration_max, tree.difficulty) == (10, 20, "medium")
    assert tree.tips == "Den Baum dort aufstellen, wo ohnehin Menschen warten."
    assert (trial.duration_min, trial.duration_max, trial.difficulty) == (120, 120, "high")


@pytest.mark.django_db
def test_steps_come_from_the_numbered_procedure_the_chapter_shows_after_the_method(report):
    steps = [(step.title, step.text) for step in card("stadtteilspaziergang.md").steps.all()]
    assert [title for title, _ in steps] == [
        "Treffpunkt und Strecke festlegen",
        "Teilnehmende einladen, z.B. über den Nachbarschaftstreff",
        "Unterwegs Auffälligkeiten notieren",
        "Zum Abschluss gemeinsam die drei wichtigsten Beobachtungen auswählen und festhalten",
    ]
    assert steps[0][1] == "Die Strecke sollte in einer Stunde zu schaffen sein."
    assert steps[2][1] == (
        "- was gefällt,\n- was stört,\n- was fehlt.\n\n"
        "**Hinweis:** Fotos nur mit Einverständnis der abgebildeten Personen machen."
    )
    assert steps[3][1].endswith("auch wenn nicht alle dabei waren.\n\nDie Ergebnisse gehen an alle Teilnehmenden.")
    assert "Beispiele" not in "".join(text for _, text in steps)
    assert [step.title for step in card("en/retrospective.md").steps.all()] == [
        "Draw three columns: good, bad, change", "Collect points and weigh them",
    ]
    assert card("probelauf.md").steps.count() == 0


@pytest.mark.django_db
def test_every_value_without_a_place_on_the_card_is_reported_per_file(report):
    walk = report.file(METHODS + "stadtteilspaziergang.md")
    assert walk.not_mapped == [
        "front matter “sidebar_position”: “3”",
        "attribute “Ort”: “draußen im Quartier”",
        "heading “Vorbereitung” inside the procedure",
        "heading “Unterwegs” inside the procedure",
        "text before the first step: “Vorab die Strecke festlegen.”",
    ]
    assert report.file(METHODS + "rueckblick.md").not_mapped == ["attribute “Niveau”: “sehr unterschiedlich”"]
    assert report.file(METHODS + "probelauf.md").not_mapped == [
        "time “2 Stunden je nach Gruppe”: “je nach Gruppe” is not kept",
    ]


@pytest.mark.django_db
def test_language_versions_are_paired_by_import_name_then_order_then_duration(report):
    pairs = [
        ("stadtteilspaziergang.md", "en/neighbourhood-walk.md"),  # the same import name
        ("ideenwand.md", "en/idea-wall.md"),  # other names, one import each: by order
        ("rueckblick.md", "en/retrospective.md"),  # other names, two against one: by duration
    ]
    for german, english in pairs:
        assert card(german).translations == [card(english).iri]
        assert card(english).translations == [card(german).iri]
        assert report.file(METHODS + german).translations == [METHODS + english]
    # The English chapter imports the German Wunschbaum, which has no English version.
    assert card("wunschbaum.md").translations == [] and card("probelauf.md").translations == []


@pytest.mark.django_db
def test_bad_files_are_reported_and_skipped_without_writing_anything(report):
    bad = ("kaputt-yaml.md", "ohne-titel.md", "ohne-zusammenfassung.md")
    problems = {name: report.file(METHODS + name).problems for name in bad}
    assert problems["kaputt-yaml.md"][0].startswith("front matter is not valid YAML:")
    assert problems["ohne-titel.md"] == ["has no title in its front matter"]
    assert problems["ohne-zusammenfassung.md"] == [
        "refused by the method services: summary: This field cannot be blank.",
    ]
    for name in problems:
        assert card(name) is None
    assert not MethodCard.objects.filter(title="Ohne Zusammenfassung").exists()
    assert ChangeLogEntry.objects.filter(item_type="MethodCard").count() == 8


@pytest.mark.django_db
def test_a_file_that_no_chapter_with_a_phase_imports_needs_the_phase_option(report, lab):
    assert report.file(METHODS + "zeitreise.md").problems == [
        "no chapter with a phase imports it; give --phase to import it anyway",
    ]
    again = handbook_import(paths=[HANDBOOK / METHODS / "zeitreise.md"], lab=lab, phase="erkunden")
    journey = again.file(METHODS + "zeitreise.md")
    assert journey.outcome == "imported"
    assert journey.not_mapped == ["time “ein halber Tag”: not a duration in minutes or hours"]
    method = card("zeitreise.md")
    assert (method.phase, method.duration_min, method.difficulty) == ("erkunden", None, "medium")
    assert [step.title for step in method.steps.all()] == ["Erzählrunde eröffnen", "Vorher und nachher aufzeichnen"]


@pytest.mark.django_db
def test_running_again_changes_nothing_and_duplicates_nothing(report, lab):
    before = dict(ChangeLogEntry.objects.values_list("iri", "position"))
    versions = dict(MethodCard.objects.values_list("iri", "version"))
    again = handbook_import(paths=[HANDBOOK], lab=lab)
    assert again.counts() == {"imported": 0, "updated": 0, "unchanged": 8, "skipped": 4}
    assert dict(MethodCard.objects.values_list("iri", "version")) == versions
    assert dict(ChangeLogEntry.objects.values_list("iri", "position")) == before


@pytest.mark.django_db
def test_a_changed_file_updates_its_card_in_place_and_keeps_what_staff_added(report, lab, tmp_path):
    walk = card("stadtteilspaziergang.md")
    method_update(actor=SYSTEM, method=walk, keywords=["Quartier"], visibility="network")
    copy = shutil.copytree(HANDBOOK, tmp_path / "handbook")
    changed = copy / METHODS / "stadtteilspaziergang.md"
    changed.write_text(changed.read_text().replace('"1 – 2 Stunden"', '"2 – 3 Stunden"'))
    again = handbook_import(paths=[copy], lab=lab)
    assert again.file(METHODS + "stadtteilspaziergang.md").outcome == "updated"
    assert again.counts()["updated"] == 1
    updated = card("stadtteilspaziergang.md")
    assert (updated.iri, updated.version) == (walk.iri, walk.version + 2)
    assert (updated.duration_min, updated.duration_max) == (120, 180)
    assert (updated.keywords, updated.visibility) == (["Quartier"], "network")


@pytest.mark.django_db
def test_a_single_file_takes_the_phase_of_its_chapter_and_is_linked_to_its_imported_partner(lab):
    first = handbook_import(paths=[HANDBOOK / METHODS / "stadtteilspaziergang.md"], lab=lab)
    assert [(file.path, file.outcome) for file in first.files] == [(METHODS + "stadtteilspaziergang.md", "imported")]
    assert card("stadtteilspaziergang.md").phase == "erkunden"
    assert card("stadtteilspaziergang.md").translations == []
    second = handbook_import(paths=[HANDBOOK / METHODS / "en" / "neighbourhood-walk.md"], lab=lab)
    assert [(file.path, file.outcome) for file in second.files] == [
        (METHODS + "en/neighbourhood-walk.md", "imported"), (METHODS + "stadtteilspaziergang.md", "updated"),
    ]
    assert card("stadtteilspaziergang.md").translations == [card("en/neighbourhood-walk.md").iri]
    assert card("en/neighbourhood-walk.md").translations == [card("stadtteilspaziergang.md").iri]
    assert MethodCard.objects.count() == 2


@pytest.mark.django_db
def test_a_single_file_outside_a_handbook_checkout_is_skipped(lab, tmp_path):
    loose = shutil.copy(HANDBOOK / METHODS / "wunschbaum.md", tmp_path / "wunschbaum.md")
    result = handbook_import(paths=[Path(loose)], lab=lab)
    assert result.counts()["skipped"] == 1
    assert "not a method file of a handbook checkout" in result.files[0].problems[0]
    assert not MethodCard.objects.exists()


@pytest.mark.django_db
def test_the_command_prints_the_report_per_file_and_a_summary(lab):
    out = StringIO()
    call_command("import_methods", str(HANDBOOK), "--lab", lab.slug, stdout=out)
    text = out.getvalue()
    assert text.rstrip().endswith("12 files: 8 imported, 0 updated, 0 unchanged, 4 skipped.")
    assert f"imported   {METHODS}stadtteilspaziergang.md\n" in text
    assert "           not mapped: attribute “Ort”: “draußen im Quartier”\n" in text
    assert "           problem: refused by the method services: summary: This field cannot be blank.\n" in text


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_lab_and_a_folder_that_is_no_handbook(lab, tmp_path):
    with pytest.raises(CommandError, match="no lab “nirgendwo”"):
        call_command("import_methods", str(HANDBOOK), "--lab", "nirgendwo", stdout=StringIO())
    with pytest.raises(CommandError, match="is not a handbook checkout"):
        call_command("import_methods", str(tmp_path), stdout=StringIO())
    assert not MethodCard.objects.exists()


@pytest.mark.django_db
def test_two_cards_claiming_the_same_source_are_reported_and_neither_is_changed(report, lab):
    walk = card("stadtteilspaziergang.md")
    twin = method_create(actor=SYSTEM, title="Zwilling", summary="Gleiche Quelle", phase="erkunden", lab=lab, source=walk.source)
    again = handbook_import(paths=[HANDBOOK / METHODS / "stadtteilspaziergang.md"], lab=lab)
    assert again.files[0].problems == [
        f"several method cards of this node have the source {walk.source}; keep one of them",
    ]
    assert MethodCard.objects.get(pk=twin.pk).version == 1
