"""No overbooking, ever: 200 people confirm at the same moment for 20 seats, over real HTTP to a live server.

The server is gunicorn as a node runs it (two worker processes of eight threads) on this test's
database, so confirmations really run side by side in separate processes and connections, on SQLite
and on PostgreSQL alike. Exactly 20 get a seat, the other 180 wait at places 1 to 180 without a gap
or a repeat; then 5 of the seated cancel at the same moment and exactly the first 5 waiting move up.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from events.models import Event, Registration
from tests.conftest import PROJECT_DIR, database_url_of_test_database, free_port
from tests.events.factories import registered, seated_event, token_of

PEOPLE, SEATS, LEAVING = 200, 20, 5


@pytest.fixture
def server(transactional_db, tmp_path):
    """gunicorn serving this test's database on a port of its own; its tasks go to a broker of its own."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_", "DATABASE_URL", "CELERY_"))}
    env |= {"DATABASE_URL": database_url_of_test_database(), "HUB_DATA_DIR": str(tmp_path / "server"),
            "HUB_THROTTLE": "off"}
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--config", "python:config.gunicorn_runnode",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "8"],
        cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if post(port, "/healthz", method="GET")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=30)


def post(port: int, path: str, method: str = "POST") -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, headers={"Content-Length": "0"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def all_at_once(port: int, paths: list[str]) -> list[tuple[int, dict]]:
    """POST every path from its own thread, all released at the same moment."""
    start = threading.Barrier(len(paths))

    def send(path: str) -> tuple[int, dict]:
        start.wait()
        return post(port, path)

    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        return list(pool.map(send, paths))


def test_200_confirmations_for_20_seats_then_5_cancellations(server, lab, tasks_at_once):
    event = seated_event(lab, capacity=SEATS, waiting_list=True)
    tokens = [token_of(registered(event, number, confirm=False)) for number in range(PEOPLE)]

    started = time.perf_counter()
    answers = all_at_once(server, [f"/api/registrations/{token}/confirm" for token in tokens])
    seconds = time.perf_counter() - started
    assert [status for status, _ in answers] == [200] * PEOPLE, answers
    seated = [token for token, (_, body) in zip(tokens, answers, strict=True) if body["status"] == "confirmed"]
    places = {token: body["position"] for token, (_, body) in zip(tokens, answers, strict=True) if body["status"] == "waiting"}
    assert len(seated) == SEATS and sorted(places.values()) == list(range(1, PEOPLE - SEATS + 1))
    event.refresh_from_db()
    assert (event.seats_confirmed, event.waiting_count) == (SEATS, PEOPLE - SEATS)
    print(f"\n{PEOPLE} concurrent confirmations in {seconds:.2f} s: {len(seated)} confirmed, "
          f"{len(places)} waiting at places {min(places.values())}–{max(places.values())} without gaps")

    first_waiting = sorted(places, key=places.get)[:LEAVING]
    answers = all_at_once(server, [f"/api/registrations/{token}/cancel" for token in seated[:LEAVING]])
    assert [body["status"] for _, body in answers] == ["cancelled"] * LEAVING
    states = {token: post(server, f"/api/registrations/{token}", method="GET")[1] for token in tokens}
    assert sorted(token for token, state in states.items() if state["status"] == "confirmed") == sorted(
        seated[LEAVING:] + first_waiting)
    assert sorted(state["position"] for state in states.values() if state["status"] == "waiting") == list(
        range(1, PEOPLE - SEATS - LEAVING + 1))
    counts = Event.objects.values_list("seats_confirmed", "waiting_count").get(pk=event.pk)
    assert counts == (SEATS, PEOPLE - SEATS - LEAVING)
    assert Registration.objects.filter(event=event, status="confirmed").count() == SEATS
    print(f"{LEAVING} concurrent cancellations promoted the first {LEAVING} waiting; "
          f"{PEOPLE - SEATS - LEAVING} wait at places 1–{PEOPLE - SEATS - LEAVING}")
