"""Roles in the kernel and the services: ``manage.py grant``, and every write service asks who acts."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from events.models import Event
from events.services import event_create, event_delete, event_update
from federation.blocklists import blocklist_subscribe
from federation.blocks import origin_allow, origin_block, origin_unblock
from federation.models import AllowedOrigin, Block, Invitation, Peer
from federation.peering import peer_invite, peer_join, peer_remove
from hub.models import Lab, LabEditor
from hub.roles import SYSTEM, grants_of
from hub.services.labs import lab_create, lab_delete, lab_update
from methods.services import method_create
from tests.api.factories import START

pytestmark = pytest.mark.django_db


def grant(*args: str) -> str:
    out = io.StringIO()
    call_command("grant", *args, stdout=out)
    return out.getvalue()


def event_fields(lab) -> dict:
    return {"title": "Werkstatt", "start": START, "end": START + timedelta(hours=2), "place_name": "Saal", "lab": lab}


def test_grant_makes_a_lab_editor_of_one_or_more_labs_and_revoke_takes_it_back(person, lab, second_lab):
    person("anna")
    assert "lab editor of Testlabor Teststadt" in grant("anna", "lab-editor", "--lab", lab.slug)
    grant("anna", "lab-editor", "--lab", second_lab.slug)
    assert set(LabEditor.objects.filter(user__username="anna").values_list("lab__slug", flat=True)) == {
        lab.slug, second_lab.slug,
    }
    assert "no longer" in grant("anna", "lab-editor", "--lab", lab.slug, "--revoke")
    assert list(LabEditor.objects.values_list("lab__slug", flat=True)) == [second_lab.slug]


def test_grant_makes_node_administrators_and_coordinators_with_django_groups(person):
    anna = person("anna", is_staff=False)
    grant("anna", "node-admin")
    grant("anna", "coordinator")
    assert sorted(anna.groups.values_list("name", flat=True)) == ["Coordinators", "Node administrators"]
    anna.refresh_from_db()
    assert anna.is_staff, "a role lets its holder into the admin"
    grant("anna", "node-admin", "--revoke")
    assert list(anna.groups.values_list("name", flat=True)) == ["Coordinators"]


@pytest.mark.parametrize(("args", "message"), [
    (["niemand", "coordinator"], "There is no user 'niemand'"),
    (["anna", "kaiser"], "invalid choice: 'kaiser'"),
    (["anna", "lab-editor"], "--lab"),
    (["anna", "coordinator", "--lab", "testlabor-teststadt"], "only for lab-editor"),
    (["anna", "lab-editor", "--lab", "gibtsnicht"], "no lab 'gibtsnicht'"),
    (["anna", "lab-editor", "--lab", "fernlabor"], "no lab 'fernlabor'"),
])
def test_grant_refuses_what_it_cannot_do_clearly(person, lab, remote_lab, args, message):
    person("anna")
    with pytest.raises(CommandError, match=message):
        grant(*args)
    assert not LabEditor.objects.exists()


def test_superusers_count_as_node_administrators():
    root = User.objects.create_superuser("root", "root@example.org", "x")
    assert grants_of(root).node_admin


def test_an_inactive_account_holds_no_role(person, lab):
    anna = person("anna", "lab-editor", "node-admin", lab=lab)
    anna.is_active = False
    anna.save()
    assert not grants_of(User.objects.get(pk=anna.pk)).reads_network


def test_the_event_services_refuse_an_editor_of_another_lab(person, lab, second_lab):
    anna = person("anna", "lab-editor", lab=lab)
    theirs = event_create(actor=SYSTEM, **event_fields(second_lab))
    with pytest.raises(PermissionDenied, match="Zweitlabor"):
        event_update(event=theirs, actor=anna, title="Gekapert")
    with pytest.raises(PermissionDenied):
        event_delete(event=theirs, actor=anna)
    with pytest.raises(PermissionDenied):
        event_create(actor=anna, **event_fields(second_lab))
    assert Event.objects.get().title == "Werkstatt"


@pytest.mark.parametrize("actor", [None, "coordinator", "staff"])
def test_the_write_services_refuse_people_without_a_writing_role(person, lab, actor):
    who = None if actor is None else person("jemand", *([actor] if actor != "staff" else []))
    with pytest.raises(PermissionDenied):
        method_create(actor=who, title="Karten", summary="x", phase="erkunden", lab=lab)
    with pytest.raises(PermissionDenied):
        event_create(actor=who, **event_fields(lab))


def test_labs_are_written_only_by_node_administrators(person, lab):
    anna = person("anna", "lab-editor", lab=lab)
    with pytest.raises(PermissionDenied, match="nur die Knotenadministration"):
        lab_update(lab=lab, actor=anna, name="Umbenannt")
    with pytest.raises(PermissionDenied):
        lab_create(actor=anna, name="Drittlabor", city="Teststadt", slug="drittlabor")
    with pytest.raises(PermissionDenied):
        lab_delete(lab=lab, actor=anna)
    chef = person("chef", "node-admin")
    assert lab_update(lab=lab, actor=chef, name="Umbenannt").name == "Umbenannt"
    assert Lab.objects.filter(origin__is_local=True).count() == 1


def test_blocking_and_the_allow_list_are_for_node_administrators_only(person, lab):
    for who in (person("anna", "lab-editor", lab=lab), person("kora", "coordinator"), person("nurstaff")):
        for service, arguments in [
            (origin_block, {"origin": "https://spam.example", "reason": "Spam"}),
            (origin_allow, {"origin": "https://freund.example"}),
            (origin_unblock, {"origin": "https://spam.example"}),
            (blocklist_subscribe, {"url": "https://koordination.example"}),
        ]:
            with pytest.raises(PermissionDenied, match="nur die Knotenadministration"):
                service(actor=who, **arguments)
    assert not Block.objects.exists() and not AllowedOrigin.objects.exists()
    assert origin_block(origin="https://spam.example", reason="Spam", actor=person("chef", "node-admin")).created_by == "chef"


def test_peering_is_for_node_administrators_only(person, lab, remote_node):
    for who in (person("anna", "lab-editor", lab=lab), person("kora", "coordinator"), person("nurstaff")):
        with pytest.raises(PermissionDenied, match="nur die Knotenadministration"):
            peer_invite(actor=who)
        with pytest.raises(PermissionDenied):
            peer_join(invitation="stadtlabor-invitation:xyz", actor=who)
    peer = Peer.objects.create(node=remote_node, client_id="x", client_secret="y")
    with pytest.raises(PermissionDenied):
        peer_remove(peer=peer, actor=person("berta", "lab-editor", lab=lab))
    assert not Invitation.objects.exists() and Peer.objects.exists()
    assert peer_invite(actor=person("chef", "node-admin")).startswith("stadtlabor-invitation:")
