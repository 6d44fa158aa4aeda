"""Writing method cards through the services: versions, the change log, guards and validation."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from hub.models import ChangeLogEntry
from hub.roles import SYSTEM
from hub.services import MirroredItemError
from methods.models import MethodCard
from methods.services import method_adapt, method_create, method_delete, method_update


def make_method(lab, **fields):
    values = {"title": "Persona-Werkstatt", "summary": "Wer nutzt den Dienst?", "phase": "erkennen", "lab": lab}
    return method_create(actor=SYSTEM, **(values | fields))


@pytest.mark.django_db
def test_created_method_has_version_one_an_iri_under_the_base_url_and_a_log_entry(lab, settings):
    method = make_method(lab, steps=[{"title": "Einladen", "text": "Wen?"}, {"title": "Skizzieren"}])
    assert method.version == 1
    assert method.iri == f"{settings.HUB_BASE_URL}/methods/{method.uuid}"
    assert [step.title for step in method.steps.all()] == ["Einladen", "Skizzieren"]
    entry = ChangeLogEntry.objects.get(iri=method.iri)
    assert (entry.item_type, entry.version, entry.deleted) == ("MethodCard", 1, False)


@pytest.mark.django_db
def test_update_bumps_the_version_and_moves_the_item_to_the_end_of_the_log(lab):
    first = make_method(lab)
    second = make_method(lab, title="Zukunftstheater")
    updated = method_update(actor=SYSTEM, method=first, summary="Neu", steps=[{"title": "Nur ein Schritt"}])
    assert updated.version == 2
    assert updated.steps.count() == 1
    positions = dict(ChangeLogEntry.objects.values_list("iri", "position"))
    assert positions[first.iri] > positions[second.iri]


@pytest.mark.django_db
def test_delete_leaves_a_tombstone_one_version_higher(lab):
    method = make_method(lab)
    method_update(actor=SYSTEM, method=method, summary="Zweite Fassung")
    method_delete(actor=SYSTEM, method=MethodCard.objects.get(pk=method.pk))
    assert not MethodCard.objects.filter(iri=method.iri).exists()
    entry = ChangeLogEntry.objects.get(iri=method.iri)
    assert (entry.deleted, entry.version) == (True, 3)


@pytest.mark.django_db
def test_drafts_stay_off_the_log_until_published(lab):
    method = make_method(lab, visibility="draft")
    assert not ChangeLogEntry.objects.filter(iri=method.iri).exists()
    method_update(actor=SYSTEM, method=method, visibility="network")
    assert ChangeLogEntry.objects.get(iri=method.iri).visibility == "network"


@pytest.mark.django_db
def test_a_published_method_cannot_become_a_draft_again(lab):
    method = make_method(lab)
    with pytest.raises(ValidationError) as error:
        method_update(actor=SYSTEM, method=method, visibility="draft")
    assert "visibility" in error.value.message_dict
    assert MethodCard.objects.get(pk=method.pk).version == 1


@pytest.mark.django_db
def test_a_deleted_draft_leaves_no_tombstone(lab):
    method = make_method(lab, visibility="draft")
    method_delete(actor=SYSTEM, method=method)
    assert not ChangeLogEntry.objects.filter(iri=method.iri).exists()


@pytest.mark.django_db
def test_writing_a_mirrored_method_is_refused_naming_its_origin(remote_lab, remote_node):
    mirrored = MethodCard.objects.create(
        iri=f"{remote_node.base_url}/methods/x", origin=remote_node, title="Fremd", slug="fremd",
        summary="s", phase="erkunden", lab=remote_lab,
    )
    with pytest.raises(MirroredItemError, match=remote_node.iri):
        method_update(actor=SYSTEM, method=mirrored, title="Übernommen")
    with pytest.raises(MirroredItemError):
        method_delete(actor=SYSTEM, method=mirrored)
    assert MethodCard.objects.get(pk=mirrored.pk).title == "Fremd"


@pytest.mark.django_db
def test_adapting_a_mirrored_method_creates_a_local_copy_based_on_it(lab, remote_lab, remote_node):
    mirrored = MethodCard.objects.create(
        iri=f"{remote_node.base_url}/methods/y", origin=remote_node, title="Stadtspaziergang",
        slug="stadtspaziergang", summary="Gehen und fragen", phase="erkunden", lab=remote_lab,
    )
    mirrored.steps.create(position=1, title="Route planen")
    adapted = method_adapt(actor=SYSTEM, original=mirrored, lab=lab)
    assert adapted.is_local and adapted.based_on == mirrored.iri and adapted.lab == lab
    assert [step.title for step in adapted.steps.all()] == ["Route planen"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"duration_min": 90, "duration_max": 30}, "duration_max"),
        ({"group_size_min": 12, "group_size_max": 3}, "group_size_max"),
        ({"phase": "traeumen"}, "phase"),
        ({"target_groups": ["older-people", "aliens"]}, "target_groups"),
        ({"source": "javascript:alert(1)"}, "source"),
        ({"based_on": "javascript:alert(1)"}, "based_on"),
        ({"language": "Deutsch"}, "language"),
        ({"license": "https://example.org/my-licence"}, "license"),
        ({"steps": [{"title": ""}]}, "steps"),
        ({"colour": "blau"}, "colour"),
    ],
)
def test_invalid_input_is_refused_naming_the_field(lab, fields, field):
    with pytest.raises(ValidationError) as error:
        make_method(lab, **fields)
    assert field in error.value.message_dict
    assert not MethodCard.objects.exists()


@pytest.mark.django_db
def test_slug_clash_is_refused_on_the_slug_field(lab):
    make_method(lab, slug="persona")
    with pytest.raises(ValidationError) as error:
        make_method(lab, title="Andere Persona", slug="persona")
    assert "slug" in error.value.message_dict


@pytest.mark.django_db
def test_slug_derived_from_the_title_avoids_clashes(lab):
    first, second = make_method(lab), make_method(lab)
    assert (first.slug, second.slug) == ("persona-werkstatt", "persona-werkstatt-2")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Die längste Dauer darf nicht kürzer sein als die kürzeste."),
        ("en", "The longest duration must not be shorter than the shortest."),
    ],
)
def test_messages_are_in_the_language_of_the_request(lab, language, expected):
    with pytest.raises(ValidationError) as error:
        make_method(lab, duration_min=90, duration_max=30)
    with translation.override(language):
        assert error.value.message_dict["duration_max"] == [expected]
