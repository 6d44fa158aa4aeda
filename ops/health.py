"""Liveness and readiness for process supervisors, load balancers and monitoring.

``/healthz`` says the web process answers and touches nothing else. ``/readyz`` says the node can do
its work: the database answers and the Celery broker accepts a connection. Neither needs a login,
and neither ever shows an address, a user name or an error text: the reasons go to the log.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2.0


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: 200 whenever the process can answer; no database, no broker."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database and the broker are reachable, else 503 naming what failed."""
    checks = {"database": database_reachable(), "broker": broker_reachable()}
    failed = [name for name, ok in checks.items() if not ok]
    body = {
        "status": "unavailable" if failed else "ok",
        "checks": {name: "ok" if ok else "failed" for name, ok in checks.items()},
    }
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)


def database_reachable() -> bool:
    """Whether the default database answers ``SELECT 1``."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001  (any driver or configuration error means "not ready")
        logger.warning("Readiness: the database is not reachable (%s: %s)", type(error).__name__, error)
        return False
    return True


def broker_reachable() -> bool:
    """Whether the Celery broker accepts a connection; for the file-system broker, whether its folders are writable."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        return _broker_folders_writable()
    try:
        with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS,
                        transport_options=getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None)) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                                     timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as error:  # noqa: BLE001  (a broker down, refusing, or misconfigured: "not ready")
        logger.warning("Readiness: the Celery broker is not reachable (%s: %s)", type(error).__name__, error)
        return False
    return True


def _broker_folders_writable() -> bool:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    folders = {options.get(key) for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")}
    missing = [folder for folder in folders if folder and not _writable_folder(Path(folder))]
    if missing or not any(folders):
        logger.warning("Readiness: the file-system broker's folders are missing or not writable: %s",
                       ", ".join(sorted(missing)) or "no folders configured")
        return False
    return True


def _writable_folder(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)
