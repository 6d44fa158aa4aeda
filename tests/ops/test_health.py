"""/healthz says the process answers; /readyz says the database and the broker do too."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from ops import health
from tests.conftest import free_port

LEAKY_ERROR = 'connection to server at "db.internal" (10.0.0.5) failed: password=hunter2 for user "hub"'


class BrokenConnection:
    """A database connection whose every cursor fails like an unreachable server."""

    def cursor(self):
        raise OperationalError(LEAKY_ERROR)


def test_healthz_answers_ok_without_touching_the_database(client):
    response = client.get("/healthz")  # without the db fixture, any query would raise
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_answers_ok_when_database_and_broker_are_reachable(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_answers_503_naming_the_database_without_its_error(client, monkeypatch, caplog):
    monkeypatch.setattr(health, "connections", {"default": BrokenConnection()})
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "failed", "broker": "ok"},
                               "failed": ["database"]}
    assert b"db.internal" not in response.content and b"hunter2" not in response.content
    assert "the database is not reachable" in caplog.text


@pytest.mark.django_db
def test_readyz_answers_503_when_the_redis_broker_refuses_connections(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert str(settings.CELERY_BROKER_URL.split("//")[1]).encode() not in response.content


@pytest.mark.django_db
def test_readyz_answers_503_when_the_file_system_broker_has_no_folders(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    missing = str(tmp_path / "gone")
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": missing, "data_folder_out": missing,
                                                "processed_folder": missing, "control_folder": missing}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]


def test_the_file_system_broker_is_ready_when_its_folders_are_writable(settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    folders = {name: tmp_path / name for name in ("in", "processed", "control")}
    for folder in folders.values():
        folder.mkdir()
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(folders["in"]), "data_folder_out": str(folders["in"]),
        "processed_folder": str(folders["processed"]), "control_folder": str(folders["control"]),
    }
    assert health.broker_reachable()


@pytest.mark.django_db
def test_both_probes_need_no_login_even_where_login_is_required_everywhere(client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_the_probes_only_answer_reading_methods(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
    assert client.head("/healthz").status_code == 200
