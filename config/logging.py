"""Log lines for production: one JSON object a line, and a filter that keeps secrets out of every line.

Nothing here imports Django at module level, so gunicorn's configuration (``deploy/gunicorn.conf.py``)
can use the same formatter and filter for its own error and access logs before Django is loaded.
"""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import UTC, datetime

REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 8

# Each pattern keeps its first group (the name) and replaces the rest (the value).
SECRET_PATTERNS = (
    # An Authorization header in any spelling: "Authorization: Basic …", "'HTTP_AUTHORIZATION': '…'".
    re.compile(r"""(?i)((?<![a-z0-9])(?:http_)?authorization["']?\s*[:=]\s*["']?)[^"'\r\n]+"""),
    # A bearer token wherever it stands.
    re.compile(r"(?i)(\bbearer\s+)[a-z0-9\-._~+/]+=*"),
    # Credentials as form fields, query parameters or JSON members: client_secret=…, "access_token": "…".
    re.compile(
        r"""(?i)((?<![a-z0-9])(?:client_secret|access_token|refresh_token|id_token|code_verifier|password|secret)"""
        r"""["']?\s*[:=]\s*["']?)[^\s"'&,;}]+"""
    ),
    # An invitation carries the secret that lets another node peer with this one.
    re.compile(r"(stadtlabor-invitation:)[a-z0-9_\-=]+", re.IGNORECASE),
    # A registration's link ends in its secret token (/registrations/TOKEN, /api/registrations/TOKEN/confirm).
    re.compile(r"(/registrations/)[A-Za-z0-9_-]{20,}"),
)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """The text with bearer tokens, credentials, Authorization values and the given secrets replaced."""
    for secret in secrets:
        if len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, REDACTED)
    for pattern in SECRET_PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    return text


def configured_secrets() -> tuple[str, ...]:
    """The secret values never to be logged: Django's SECRET_KEY (or DJANGO_SECRET_KEY before Django is set up)."""
    values = {os.environ.get("DJANGO_SECRET_KEY", "").strip()}
    try:
        from django.conf import settings

        if settings.configured:
            values.add(settings.SECRET_KEY)
    except ImportError:  # pragma: no cover - Django is always installed with the node
        pass
    return tuple(value for value in values if value)


class RedactSecrets(logging.Filter):
    """Render each record's message and traceback once, with secrets redacted, before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; never drops a record."""
        secrets = configured_secrets()
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001  (a malformed record: keep what can be shown without its arguments)
            message = str(record.msg)
        record.msg, record.args = redact(message, secrets), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message; request method, path and status; the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON."""
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(_request_fields(record))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exc_info"] = record.exc_text
        if record.stack_info:
            line["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def _request_fields(record: logging.LogRecord) -> dict:
    """Method, path (never the query string) and status of the request a Django log record is about."""
    fields = {}
    request = getattr(record, "request", None)
    method, path = getattr(request, "method", None), getattr(request, "path", None)
    if isinstance(method, str) and isinstance(path, str):
        fields.update(method=method, path=path)
    status = getattr(record, "status_code", None)
    if isinstance(status, int):
        fields["status"] = status
    return fields


def gunicorn_logconfig(*, plain: bool = False) -> dict:
    """gunicorn's own logging (its errors and the access log) as redacted JSON lines on stdout (plain lines on stderr)."""
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "plain" if plain else "json",
        "filters": ["redact_secrets"],
        "stream": "ext://sys.stderr" if plain else "ext://sys.stdout",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact_secrets": {"()": "config.logging.RedactSecrets"}},
        "formatters": {"json": {"()": "config.logging.JsonFormatter"}, "plain": {"format": "%(message)s"}},
        "handlers": {"console": handler},
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }
