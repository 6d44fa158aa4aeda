"""No registrant's or idea author's name or e-mail address reaches the open data catalog or its downloads."""

from __future__ import annotations

from datetime import timedelta

import pytest

from events.registrations.services import registration_confirm, registration_request
from hub.roles import SYSTEM
from ideas.services import idea_publish, idea_submit
from tests.api.factories import START, make_event

pytestmark = pytest.mark.django_db
NAME, EMAIL = "Erika Beispielperson", "erika.beispielperson@example.org"


def test_no_registrant_or_idea_author_appears_in_the_catalog_or_a_download(client, holdings):
    lab = holdings.wiesbaden
    event = make_event(lab, title="Zukunftswerkstatt mit Anmeldung", registration="node", capacity=20,
                       start=START + timedelta(days=3), end=START + timedelta(days=3, hours=2))
    registration_confirm(registration=registration_request(event=event, name=NAME, email=EMAIL, consent=True,
                                                           answer=f"Bitte an {EMAIL} schreiben"))
    idea_publish(idea=idea_submit(lab=lab, title="Trinkbrunnen", text="Im Sommer fehlt Wasser.", district="Altstadt",
                                  author_name=NAME, author_email=EMAIL, language="de"), actor=SYSTEM)
    addresses = ["/catalog.ttl", "/catalog.rdf", "/catalog.jsonld", f"/catalog/{lab.slug}/events"]
    addresses += [f"/catalog/{lab.slug}/events.{extension}" for extension in ("csv", "jsonld", "ics")]
    addresses += [f"/catalog/{lab.slug}/methods.{extension}" for extension in ("csv", "jsonld")]
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        body = response.content.decode()
        if address.startswith(f"/catalog/{lab.slug}/events."):  # the event is published, its registrants not
            assert "Zukunftswerkstatt mit Anmeldung" in body, address
        assert EMAIL not in body and "Beispielperson" not in body and "Erika" not in body, address
