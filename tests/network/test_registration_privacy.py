"""Registrants stay on the node of their event: a mirror learns the seats left, never who registered."""

from __future__ import annotations

import json
import subprocess
import urllib.request

from tests.network.harness import POSTGRES

NAME, EMAIL = "Erika Registrantin", "erika.registrantin@example.org"


def post(url: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body or {}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, json.loads(response.read())


def database_text(node) -> str:
    """Everything the node's database holds, as text: a dump on PostgreSQL, the files on SQLite."""
    if node.database:
        dump = subprocess.run(["pg_dump", f"{POSTGRES}/{node.database}"], capture_output=True, check=True, timeout=120)
        return dump.stdout.decode("utf-8", "replace")
    return "".join(path.read_bytes().decode("utf-8", "replace") for path in node.data_dir.glob("hub.sqlite3*"))


def test_a_mirror_shows_the_seats_left_and_holds_nothing_of_the_registrant(network, tmp_path):
    a, b = network("Zukunftswerk Wiesbaden", "Wiesbaden"), network("CityLAB Berlin", "Berlin")
    b.join(a)
    event = a.python(
        """
        import json
        from datetime import timedelta
        from django.utils import timezone
        from events.services import event_create
        from hub.models import Lab
        from hub.roles import SYSTEM
        start = timezone.now() + timedelta(days=7)
        event = event_create(actor=SYSTEM, title="Zukunftswerkstatt", start=start, end=start + timedelta(hours=2),
                             place_name="Rathaus", lab=Lab.objects.filter(origin__is_local=True).first(),
                             registration="node", capacity=5)
        print(json.dumps({"id": event.pk, "uuid": str(event.uuid), "iri": event.iri}))
        """
    )
    status, answer = post(f"{a.base_url}/api/events/{event['uuid']}/registrations/",
                          {"name": NAME, "email": EMAIL, "consent": True, "answer": "Ich bringe Kuchen mit"})
    assert (status, answer) == (202, {"status": "pending"})
    token = a.python(
        """
        import json
        from events.models import Registration
        from events.registrations.tokens import registration_token
        print(json.dumps(registration_token(Registration.objects.get())))
        """
    )
    assert post(f"{a.base_url}/api/registrations/{token}/confirm")[1]["status"] == "confirmed"
    a.python(f"from events.services import event_seats_publish; event_seats_publish(event_id={event['id']}); print('null')")
    b.sync()

    mirrored = b.python(
        f"""
        import json
        from events.models import Event
        event = Event.objects.get(iri={event['iri']!r})
        print(json.dumps([event.registration, event.capacity, event.seats_left, event.registrations.count()]))
        """
    )
    assert mirrored == ["node", 5, 4, 0]
    with urllib.request.urlopen(f"{b.base_url}/events/{event['uuid']}", timeout=20) as response:
        page = response.read().decode()
    assert f'href="{event["iri"]}#register"' in page and "4 Plätze frei" in page

    a.manage("export", str(tmp_path / "bundle.json"))
    with urllib.request.urlopen(f"{a.base_url}/api/events/{event['uuid']}/", timeout=20) as response:
        api = response.read().decode()
    places = {"mirror's database": database_text(b), "origin's signed document": json.dumps(a.served(event["iri"])),
              "mirror's document": json.dumps(b.document(event["iri"])), "export bundle": (tmp_path / "bundle.json").read_text(),
              "event in the API": api, "origin's log": a.log(), "mirror's log": b.log()}
    assert '"remainingAttendeeCapacity": 4' in places["mirror's document"]
    assert '"POST /api/registrations/[redacted]/confirm HTTP/1.1" 200' in places["origin's log"]
    for where, text in places.items():
        for private in (EMAIL, "registrantin", "Registrantin", "Kuchen", token):
            assert private not in text, f"{private!r} in the {where}"
