"""A node with labs and items of every visibility, as the open data tests read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from events.models import Event
from hub.choices import License
from hub.models import Lab
from hub.roles import SYSTEM
from hub.services import lab_create, lab_update
from methods.models import MethodCard
from tests.api.factories import START, make_event, make_method, mirrored_event, mirrored_method

WIESBADEN_ARS, MAINZ_AGS = "064140000000", "07315000"
SECRET = "Geheimsache"  # every title, name and text of an item or lab the public must not see starts so


@dataclass
class Holdings:
    """What the node holds: the labs whose datasets the catalog lists, and what it must never show."""

    wiesbaden: Lab
    mainz: Lab
    unkeyed: Lab
    hidden_lab: Lab
    draft_lab: Lab
    public_events: list[Event]
    public_methods: list[MethodCard]


@pytest.fixture
def holdings(lab, remote_lab) -> Holdings:
    wiesbaden = lab_update(lab=lab, actor=SYSTEM, name="Zukunftswerk Wiesbaden", city="Wiesbaden",
                           regional_key=WIESBADEN_ARS, email="zukunftswerk@wiesbaden.example",
                           website="https://zukunftswerk.example", latitude=Decimal("50.082500"),
                           longitude=Decimal("8.240000"), address="Marktplatz 1, 65183 Wiesbaden")
    mainz = lab_create(actor=SYSTEM, slug="stadtlabor-mainz", name="Stadtlabor Mainz", city="Mainz",
                       regional_key=MAINZ_AGS, data_license=License.CC0)
    unkeyed = lab_create(actor=SYSTEM, slug="kiezlabor", name="Kiezlabor", city="Teststadt")
    hidden_lab = lab_create(actor=SYSTEM, slug="innenrevision", name=f"{SECRET} Innenrevision", city="Teststadt",
                            visibility="network", email="innenrevision@stadt.example")
    draft_lab = lab_create(actor=SYSTEM, slug="entwurfslabor", name=f"{SECRET} Entwurfslabor", city="Teststadt",
                           visibility="draft")
    events = [
        make_event(wiesbaden, title="Offene Werkstatt", keywords=["Reparieren"]),
        make_event(wiesbaden, title="=HYPERLINK(\"http://evil.example\";\"Zukunftsforum\")",
                   start=START + timedelta(days=30), end=START + timedelta(days=30, hours=3),
                   description="-Mitmachen +Gestalten @Wiesbaden", place_name="@Rathaus"),
        make_event(unkeyed, title="Kiezspaziergang", start=START - timedelta(days=400),
                   end=START - timedelta(days=400, hours=-2)),
    ]
    methods = [
        make_method(wiesbaden, title="Persona-Werkstatt", license=License.BY_SA, steps=[{"title": "Einladen"}]),
        make_method(wiesbaden, title="Zukunftstheater", slug="zukunftstheater", license=License.BY_NC_SA),
        make_method(mainz, title="Stadtspaziergang", slug="stadtspaziergang", license=License.BY_SA),
        make_method(mainz, title="Kartenabfrage", slug="kartenabfrage", license=License.BY_ND),
    ]
    # Never in the catalog: network-only and draft items, items of network-only and draft labs, mirrored items.
    make_event(wiesbaden, title=f"{SECRET} Netzwerktreffen", visibility="network")
    make_event(wiesbaden, title=f"{SECRET} Entwurf", visibility="draft", start=START + timedelta(days=900),
               end=START + timedelta(days=900, hours=1))
    make_method(wiesbaden, title=f"{SECRET} Netzwerkmethode", slug="netzwerkmethode", visibility="network",
                license=License.BY_NC_ND)
    make_method(mainz, title=f"{SECRET} Entwurfsmethode", slug="entwurfsmethode", visibility="draft")
    make_event(hidden_lab, title=f"{SECRET} Revisionstag")
    make_method(hidden_lab, title=f"{SECRET} Revisionsmethode", slug="revision")
    make_event(draft_lab, title=f"{SECRET} Entwurfstag", visibility="draft")
    # A public item in a draft lab: no service makes one, the catalog must still hide it.
    Event.objects.create(iri=f"{draft_lab.iri}-event", origin=draft_lab.origin, lab=draft_lab, start=START,
                         end=START + timedelta(hours=1), title=f"{SECRET} Entwurfsfest", place_name="Hof")
    mirrored_event(remote_lab, title=f"{SECRET} Fernfest")
    mirrored_method(remote_lab, title=f"{SECRET} Fernmethode")
    return Holdings(wiesbaden=wiesbaden, mainz=mainz, unkeyed=unkeyed, hidden_lab=hidden_lab, draft_lab=draft_lab,
                    public_events=events, public_methods=methods)
