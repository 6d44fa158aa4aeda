"""Log lines: JSON in production, plain in development, and never a token or a secret in either."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.log import log_response

from config.logging import JsonFormatter, RedactSecrets, redact
from tests.conftest import PROJECT_DIR

PRODUCTION_SECRET_KEY = "k-" + "p" * 60 + "-x9!Q"


class Captured:
    """A logger whose handler is set up like the production one, and the lines it wrote."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(JsonFormatter())
        self.handler.addFilter(RedactSecrets())
        self.logger = logging.getLogger("tests.config.logging")

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]


@pytest.fixture
def captured():
    """Capture what one logger writes through the production handler."""
    capture = Captured()
    capture.logger.addHandler(capture.handler)
    capture.logger.propagate = False
    yield capture
    capture.logger.removeHandler(capture.handler)
    capture.logger.propagate = True


@pytest.fixture
def emit(captured):
    """Log one record; answer every line written so far."""

    def lines(*args, level=logging.WARNING, **kwargs) -> list[dict]:
        captured.logger.log(level, *args, **kwargs)
        return captured.lines()

    return lines


def test_bearer_tokens_and_client_secrets_never_reach_the_output(emit):
    [line] = emit("pulling with Bearer abc.def and client_secret=xyz from the peer")
    assert "abc.def" not in json.dumps(line) and "xyz" not in json.dumps(line)
    assert line["message"] == "pulling with Bearer [redacted] and client_secret=[redacted] from the peer"


def test_secrets_in_the_arguments_are_redacted_too(emit):
    [line] = emit("token answer %s for %s", {"access_token": "tok123", "expires_in": 3600}, "Bearer abc.def")
    assert "tok123" not in line["message"] and "abc.def" not in line["message"]
    assert "3600" in line["message"]


def test_a_json_line_has_time_level_logger_and_message(emit):
    [line] = emit("sync of %s failed", "https://hub.example.de")
    assert set(line) == {"time", "level", "logger", "message"}
    assert (line["level"], line["logger"], line["message"]) == (
        "WARNING", "tests.config.logging", "sync of https://hub.example.de failed"
    )
    assert line["time"].endswith("+00:00")


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
        ("{'HTTP_AUTHORIZATION': 'Bearer eyJhbGciOi.payload.sig'}", "eyJhbGciOi"),
        ('{"client_id": "abc", "client_secret": "s3cr3t-value"}', "s3cr3t-value"),
        ("grant_type=refresh_token&refresh_token=r3fr3sh&client_id=x", "r3fr3sh"),
        ("stadtlabor-invitation:eyJ2IjoxLCJzZWNyZXQiOiJ4In0", "eyJ2IjoxLCJzZWNyZXQiOiJ4In0"),
        ('"POST /api/registrations/o92POln7Ng8bT93J0yHqmNAoEkS4bWsLHoOjVO_olio/confirm HTTP/1.1" 200',
         "o92POln7Ng8bT93J0yHqmNAoEkS4bWsLHoOjVO_olio"),
        ("Not Found: /registrations/o92POln7Ng8bT93J0yHqmNAoEkS4bWsLHoOjVO_olio", "o92POln7Ng8bT93J0yHqmNAoEkS4bWsLHoOjVO_olio"),
    ],
)
def test_authorization_values_credentials_and_invitations_are_redacted(text, secret):
    assert secret not in redact(text)
    assert "[redacted]" in redact(text)


def test_the_django_secret_key_is_redacted(emit, settings):
    settings.SECRET_KEY = "django-insecure-" + "q" * 50
    [line] = emit("settings: %s", settings.SECRET_KEY)
    assert settings.SECRET_KEY not in line["message"]


def test_a_traceback_comes_as_one_redacted_string(emit):
    try:
        raise ValueError("the peer refused Bearer abc.def")
    except ValueError:
        [line] = emit("sync crashed", exc_info=True, level=logging.ERROR)
    assert line["exc_info"].startswith("Traceback") and "ValueError" in line["exc_info"]
    assert "abc.def" not in line["exc_info"]


def test_a_django_request_record_names_method_path_and_status(captured):
    request = RequestFactory().get("/metrics?secret=x")
    response = HttpResponse(status=403)
    log_response("Forbidden: %s", request.path, response=response, request=request, logger=captured.logger)
    [line] = captured.lines()
    assert (line["message"], line["method"], line["path"], line["status"]) == ("Forbidden: /metrics", "GET", "/metrics", 403)
    assert "secret" not in json.dumps(line)


def test_the_development_log_keeps_plain_lines_and_redacts_them(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert (handler["formatter"], handler["filters"]) == ("plain", ["redact_secrets"])
    root = logging.getLogger()
    assert any(isinstance(f, RedactSecrets) for h in root.handlers for f in h.filters)


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_", "DATABASE_URL", "CELERY_"))}
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, env=clean | env,
                          capture_output=True, text=True, check=False, timeout=120)


def test_a_production_node_logs_json_lines_on_stdout_without_secrets(tmp_path):
    env = {"HUB_BASE_URL": "https://hub.example.de", "DJANGO_SECRET_KEY": PRODUCTION_SECRET_KEY,
           "HUB_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = (
        "import django, logging; django.setup(); from django.conf import settings\n"
        "log = logging.getLogger('federation.sync')\n"
        "log.warning('peer said Bearer abc.def, client_secret=xyz')\n"
        "log.error('key is %s', settings.SECRET_KEY)\n"
        "logging.getLogger('django.request').error('Internal Server Error: /x')\n"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["logger"] for line in lines] == ["federation.sync", "federation.sync", "django.request"]
    for secret in ("abc.def", "xyz", PRODUCTION_SECRET_KEY):
        assert secret not in result.stdout + result.stderr


def test_gunicorn_logs_its_access_lines_as_redacted_json(tmp_path):
    code = (
        "import logging, logging.config\n"
        "from config.logging import gunicorn_logconfig\n"
        "logging.config.dictConfig(gunicorn_logconfig())\n"
        "atoms = {'h': '203.0.113.7', 'r': 'GET /api/labs?access_token=leaked HTTP/1.1', 's': 200}\n"
        "logging.getLogger('gunicorn.access').info('%(h)s \"%(r)s\" %(s)s', atoms)\n"
        "logging.getLogger('gunicorn.error').info('Booting worker with pid: 7')\n"
    )
    result = run_python(code, {"HUB_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    access, error = (json.loads(line) for line in result.stdout.splitlines())
    assert access["logger"] == "gunicorn.access" and access["message"].startswith('203.0.113.7 "GET /api/labs?')
    assert "leaked" not in result.stdout
    assert error["message"] == "Booting worker with pid: 7"


def test_the_plain_formatter_also_shows_a_redacted_traceback():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactSecrets())
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed with %s", ("client_secret=xyz",), None)
    try:
        raise RuntimeError("Authorization: Bearer abc.def")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    handler.handle(record)
    assert "xyz" not in stream.getvalue() and "abc.def" not in stream.getvalue()
    assert "RuntimeError" in stream.getvalue()
