"""Ideas through their services: submitting without an account, moderating by the lab's staff, erasure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hub.choices import Visibility
from hub.models import ChangeLogEntry
from hub.roles import SYSTEM
from ideas.models import TEXT_MAX, Idea
from ideas.services import (
    erase_expired_authors,
    idea_answer,
    idea_decline,
    idea_delete,
    idea_link,
    idea_publish,
    idea_submit,
)
from tests.ideas.conftest import AUTHOR_EMAIL

pytestmark = pytest.mark.django_db


def refused_fields(make) -> set[str]:
    with pytest.raises(ValidationError) as refused:
        make()
    return set(refused.value.message_dict)


def test_a_submitted_idea_waits_as_a_draft_that_no_document_holds(idea):
    assert (idea.status, idea.visibility, idea.version) == ("submitted", "draft", 1)
    assert idea.iri.endswith(f"/ideas/{idea.uuid}") and idea.is_local
    assert not ChangeLogEntry.objects.filter(iri=idea.iri).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "Zwei\nZeilen"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"text": ""}, "text"),
        ({"text": "x" * (TEXT_MAX + 1)}, "text"),
        ({"district": "Nord\rstadt"}, "district"),
        ({"author_name": "Anna\nBcc: spam@example.org"}, "name"),
        ({"author_email": "keine-adresse"}, "email"),
    ],
)
def test_a_submission_is_refused_naming_the_field(submit, fields, field):
    assert refused_fields(lambda: submit(**fields)) == {field}
    assert not Idea.objects.exists()


def test_ideas_go_only_to_published_labs_of_this_node(submit, lab, remote_lab):
    assert refused_fields(lambda: submit(lab=remote_lab)) == {"lab"}
    lab.visibility = Visibility.DRAFT
    lab.save()
    assert refused_fields(lambda: submit(lab=lab)) == {"lab"}


def test_text_keeps_its_line_breaks_and_loses_surrounding_space(submit):
    idea = submit(text="  Erste Zeile\r\nZweite Zeile  \n", language="xx")
    assert idea.text == "Erste Zeile\nZweite Zeile" and idea.author_language == "de"


def test_publishing_signs_a_document_without_the_authors_contact(idea, editor):
    idea = idea_publish(idea=idea, actor=editor, answer="Wir prüfen den Standort.")
    entry = ChangeLogEntry.objects.get(iri=idea.iri)
    assert (entry.item_type, entry.version, idea.status, idea.visibility) == ("Idea", 2, "published", "public")
    assert "Trinkbrunnen" in entry.document and "Wir prüfen den Standort." in entry.document
    assert AUTHOR_EMAIL not in entry.document and "Anna" not in entry.document


def test_only_the_labs_editors_and_node_administrators_moderate(idea, other_editor, person):
    for actor in (other_editor, person("niemand")):
        with pytest.raises(PermissionDenied):
            idea_publish(idea=idea, actor=actor)
        with pytest.raises(PermissionDenied):
            idea_decline(idea=idea, actor=actor, reason="Nein")
    admin = person("ada", "node-admin")
    assert idea_publish(idea=idea, actor=admin).status == "published"


def test_a_decline_needs_a_reason_and_stays_on_this_node(idea, editor):
    assert refused_fields(lambda: idea_decline(idea=idea, actor=editor, reason="  ")) == {"reason"}
    declined = idea_decline(idea=idea, actor=editor, reason="Dafür ist die Stadtverwaltung zuständig.")
    assert (declined.status, declined.visibility) == ("declined", "draft")
    assert not ChangeLogEntry.objects.filter(iri=idea.iri).exists()
    assert refused_fields(lambda: idea_publish(idea=declined, actor=editor)) == {"status"}


def test_answers_and_links_are_for_published_ideas(idea, editor):
    assert refused_fields(lambda: idea_answer(idea=idea, actor=editor, answer="Danke")) == {"answer"}
    assert refused_fields(lambda: idea_link(idea=idea, actor=editor, event_iris=[], method_iris=[])) == {"status"}
    published = idea_publish(idea=idea, actor=editor)
    assert refused_fields(lambda: idea_answer(idea=published, actor=editor, answer="")) == {"answer"}
    answered = idea_answer(idea=published, actor=editor, answer="Wir laden zur Werkstatt ein.")
    assert answered.answered_at is not None and answered.version == 3


def test_linking_takes_an_idea_up_and_unlinking_returns_it(idea, editor):
    published = idea_publish(idea=idea, actor=editor)
    event = "http://127.0.0.1:8000/events/0f6e8a2c-5b1d-4e3f-9a7b-2c4d6e8f0a1b"
    taken = idea_link(idea=published, actor=editor, event_iris=[event], method_iris=[])
    assert (taken.status, taken.event_iris) == ("taken-up", [event])
    assert '"takenUpInEvent":["' + event in ChangeLogEntry.objects.get(iri=idea.iri).document
    assert idea_link(idea=taken, actor=editor, event_iris=[], method_iris=[]).status == "published"
    assert refused_fields(lambda: idea_link(idea=taken, actor=editor, event_iris=[event, event], method_iris=[])) == {
        "event_iris"
    }


def test_deleting_a_published_idea_leaves_a_tombstone_and_a_waiting_one_no_trace(submit, editor):
    published = idea_publish(idea=submit(), actor=editor)
    waiting = submit(title="Bänke im Park")
    idea_delete(idea=published, actor=editor)
    idea_delete(idea=waiting, actor=editor)
    assert ChangeLogEntry.objects.get(iri=published.iri).deleted
    assert not ChangeLogEntry.objects.filter(iri=waiting.iri).exists() and not Idea.objects.exists()


def test_the_authors_contact_is_erased_a_set_time_after_the_labs_last_answer(submit, settings):
    settings.HUB_IDEA_RETENTION_DAYS = 90
    now = timezone.now()
    answered_long_ago = idea_publish(idea=submit(), actor=SYSTEM, answer="Danke")
    answered_recently = idea_decline(idea=submit(), actor=SYSTEM, reason="Doppelt")
    never_moderated = submit()
    Idea.objects.filter(pk=answered_long_ago.pk).update(moderated_at=now - timedelta(days=91))
    Idea.objects.filter(pk=answered_recently.pk).update(moderated_at=now - timedelta(days=89))
    Idea.objects.filter(pk=never_moderated.pk).update(date_created=now - timedelta(days=91))

    assert erase_expired_authors(now=now) == 2
    contacts = dict(Idea.objects.values_list("pk", "author_email"))
    assert contacts == {answered_long_ago.pk: "", answered_recently.pk: AUTHOR_EMAIL, never_moderated.pk: ""}
    kept = Idea.objects.get(pk=answered_long_ago.pk)
    assert (kept.author_name, kept.answer, kept.status, kept.author_erased_at) == ("", "Danke", "published", now)
    assert erase_expired_authors(now=now) == 0


def test_a_citizen_needs_no_account_but_a_mirrored_idea_is_never_written(idea, editor, remote_lab):
    mirrored = Idea.objects.create(iri=f"{remote_lab.origin.base_url}/ideas/{idea.uuid.hex}", origin=remote_lab.origin,
                                   lab=remote_lab, title="Fern", text="Fern", status="published")
    with pytest.raises(PermissionDenied):
        idea_answer(idea=mirrored, actor=SYSTEM, answer="Nein")
    assert idea_submit(lab=idea.lab, title="Ohne Konto", text="Geht.").author_email == ""


def test_the_demo_brings_an_idea_waiting_one_answered_and_one_taken_up(node):
    from ops.demo import demo_seed

    demo_seed()
    statuses = dict(Idea.objects.values_list("title", "status"))
    assert statuses == {"Trinkbrunnen am Nordplatz": "published", "Behördenbriefe, die man versteht": "taken-up",
                        "Mehr Bänke auf dem Weg zum Bürgeramt": "submitted"}
    taken = Idea.objects.get(status="taken-up")
    assert taken.method_iris and taken.answer
    assert not Idea.objects.exclude(author_email="").exists()
    assert ChangeLogEntry.objects.filter(item_type="Idea").count() == 2


def test_published_ideas_are_found_by_their_words_but_never_by_their_authors(submit, editor, client):
    idea_publish(idea=submit(title="Trinkbrunnen am Marktplatz", text="Wasser für alle."), actor=editor,
                 answer="Wir prüfen den Standort.")
    found = {word: [i["title"] for i in client.get(f"/api/ideas/?q={word}").json()["results"]]
             for word in ("Trinkbrunnen", "wasser", "Standort", "Altstadt", "Anna", "anna.beispiel")}
    assert found == {"Trinkbrunnen": ["Trinkbrunnen am Marktplatz"], "wasser": ["Trinkbrunnen am Marktplatz"],
                     "Standort": ["Trinkbrunnen am Marktplatz"], "Altstadt": ["Trinkbrunnen am Marktplatz"],
                     "Anna": [], "anna.beispiel": []}


def test_a_lab_with_ideas_is_not_deleted(idea, lab):
    from django.utils import translation

    from hub.services.labs import lab_delete

    with translation.override("en"), pytest.raises(ValidationError, match="still has method cards, events or ideas"):
        lab_delete(lab=lab, actor=SYSTEM)
    assert Idea.objects.filter(lab=lab).exists()
