"""A lab followed from the fediverse by an independent implementation: bovine (PyPI), in a process of its own.

bovine looks the lab up by WebFinger, fetches its actor with a signed GET and sends a signed Follow;
the node answers with an Accept, then delivers a new event, its cancellation and nothing after Undo,
each delivery's signature verified by bovine's own checker against the key it fetches from the lab's
actor. bovine runs from a virtualenv of its own (``tests/network/bovine/requirements.txt``), made once
with pip: it pins libraries older than the project's. The WebFinger answer, the actor and the delivered
Create are written to ``fediverse-examples.json`` in the test's folder (and to $HUB_FEDIVERSE_EXAMPLES).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import OutputWatcher, free_port, require_service
from tests.network.harness import wait_for

BOVINE_DIR = Path(__file__).resolve().parent / "bovine"
REQUIREMENTS = BOVINE_DIR / "requirements.txt"


@pytest.fixture(scope="session")
def bovine_python() -> Path:
    """The interpreter of bovine's virtualenv, made (once, under a lock) from the pinned requirements."""
    venv = BOVINE_DIR / ".venv"
    stamp = venv / f".installed-{hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:12]}"
    with open(BOVINE_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stamp.exists():
            try:
                subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True, timeout=300)
                subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                "-r", str(REQUIREMENTS)], check=True, capture_output=True, timeout=900)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
                require_service(f"bovine from PyPI ({error})")
            stamp.touch()
    return venv / "bin" / "python"


@pytest.fixture
def bovine(bovine_python, tmp_path):
    """A bovine follower serving on its own port until the test ends."""
    port = free_port()
    process = subprocess.Popen([str(bovine_python), str(BOVINE_DIR / "follower.py"), str(port)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    watcher = OutputWatcher(process)
    watcher.wait_for("bovine follower ready", timeout=60)
    wait_for(lambda: _reachable(f"http://127.0.0.1:{port}/received"), what="bovine's server answering")
    yield Bovine(f"http://127.0.0.1:{port}", watcher)
    process.terminate()
    process.wait(timeout=20)


class Bovine:
    def __init__(self, base_url: str, watcher: OutputWatcher) -> None:
        self.base_url, self.watcher = base_url, watcher

    def call(self, path: str, payload: dict) -> dict:
        request = urllib.request.Request(self.base_url + path, data=json.dumps(payload).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def received(self) -> list[dict]:
        with urllib.request.urlopen(self.base_url + "/received", timeout=10) as response:
            return json.loads(response.read())

    def wait_for(self, what: str, test) -> dict:
        return wait_for(lambda: next((each for each in self.received() if test(each["activity"])), None), what=what)


def _reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def test_bovine_follows_a_lab_and_verifies_the_accept_and_a_new_event(network, bovine, tmp_path):
    node = network("Zukunftswerk Wiesbaden", "Wiesbaden", worker=True)
    slug = node.python("""
        import json
        from hub.models import Lab
        print(json.dumps(Lab.objects.get(origin__is_local=True).slug))
    """)
    actor = f"{node.base_url}/ap/labs/{slug}"

    followed = bovine.call("/follow", {"account": f"{slug}@127.0.0.1:{node.port}", "webfinger": f"{node.base_url}/.well-known/webfinger"})
    assert followed["status"] == 202, followed["answer"]
    assert followed["actor_url"] == actor and followed["jrd"]["subject"] == f"acct:{slug}@127.0.0.1:{node.port}"
    assert followed["actor"]["type"] == "Organization" and followed["actor"]["name"] == "Zukunftswerk Wiesbaden"
    assert followed["actor"]["publicKey"]["owner"] == actor

    accept = bovine.wait_for("the Accept", lambda activity: activity["type"] == "Accept")
    assert accept["verified_owner"] == actor, "bovine could not verify the Accept's signature"
    assert accept["activity"]["object"]["id"] == followed["follow"]["id"]

    node.python(f"""
        import json
        from datetime import datetime
        from zoneinfo import ZoneInfo
        from events.services import event_create
        from hub.models import Lab
        from hub.roles import SYSTEM
        berlin = ZoneInfo("Europe/Berlin")
        event = event_create(actor=SYSTEM, lab=Lab.objects.get(slug={slug!r}), title="Reparaturcafé im Quartier",
                             description="Wir **reparieren** gemeinsam.", start=datetime(2030, 5, 14, 18, tzinfo=berlin),
                             end=datetime(2030, 5, 14, 20, tzinfo=berlin), place_name="Stadtteilzentrum Biebrich",
                             place_address="Rathausstraße 63, 65203 Wiesbaden", latitude="50.043100", longitude="8.236400",
                             languages=["de"], registration="node", capacity=20)
        print(json.dumps(event.iri))
    """)
    create = bovine.wait_for("the Create of the new event", lambda activity: activity["type"] == "Create")
    assert create["verified_owner"] == actor, "bovine could not verify the Create's signature"
    event = create["activity"]["object"]
    assert (event["type"], event["name"], event["startTime"], event["endTime"]) == (
        "Event", "Reparaturcafé im Quartier", "2030-05-14T18:00:00+02:00", "2030-05-14T20:00:00+02:00")
    assert event["location"]["address"]["streetAddress"] == "Rathausstraße 63, 65203 Wiesbaden"
    assert (event["joinMode"], event["maximumAttendeeCapacity"], event["remainingAttendeeCapacity"]) == ("external", 20, 20)
    assert event["summary"].startswith("Stadtteilzentrum Biebrich, 14. Mai 2030, 18:00")

    examples = {"webfinger": followed["jrd"], "actor": followed["actor"], "delivered_create": create["activity"],
                "delivered_signature": create["signature"]}
    text = json.dumps(examples, indent=2, ensure_ascii=False)
    (tmp_path / "fediverse-examples.json").write_text(text)
    if os.environ.get("HUB_FEDIVERSE_EXAMPLES"):
        Path(os.environ["HUB_FEDIVERSE_EXAMPLES"]).write_text(text)

    node.python("""
        from events.models import Event
        from events.services import event_cancel
        from hub.roles import SYSTEM
        event_cancel(event=Event.objects.get(title="Reparaturcafé im Quartier"), actor=SYSTEM)
        print("null")
    """)
    update = bovine.wait_for("the Update of the cancelled event", lambda activity: activity["type"] == "Update")
    note = bovine.wait_for("the cancellation note", lambda activity: activity["type"] == "Create" and activity["object"]["type"] == "Note")
    assert update["verified_owner"] == note["verified_owner"] == actor
    assert update["activity"]["object"]["eventStatus"] == "CANCELLED"
    assert note["activity"]["to"] == [f"{actor}/followers"] and "Reparaturcafé im Quartier" in note["activity"]["object"]["content"]

    undone = bovine.call("/undo", {"follow": followed["follow"], "inbox": followed["actor"]["inbox"]})
    assert undone["status"] == 202, undone["answer"]
    assert node.python("""
        from fediverse.models import Follower
        print(Follower.objects.count())
    """) == 0
