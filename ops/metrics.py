"""Sync figures at ``/metrics`` in the Prometheus text format 0.0.4, for configured addresses or a token.

Everything is computed from rows (``Peer``, ``SyncRun``, the item tables) with a few aggregate
queries per scrape, so every web process answers the same and nothing is kept in memory.

Access: the client's address must lie in ``HUB_METRICS_ALLOWED_IPS``, or the request must carry
``Authorization: Bearer <HUB_METRICS_TOKEN>``. The client's address is ``REMOTE_ADDR``; only when that
is one of ``HUB_METRICS_TRUSTED_PROXIES`` (the reverse proxy, loopback by default) does the address the
proxy wrote into ``X-Forwarded-For`` count instead, so a client cannot name its own address
(``hub.addresses``).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from events.models import Event
from experience.models import ExperienceReport
from federation.models import Peer, SyncRun
from hub.addresses import address_in, client_address
from hub.models import Lab
from ideas.models import Idea
from methods.models import MethodCard

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
ITEM_MODELS = (("Lab", Lab), ("Event", Event), ("MethodCard", MethodCard), ("Idea", Idea),
               ("ExperienceReport", ExperienceReport))


@dataclass
class Family:
    """One metric family: its name, type, help text and samples as (labels, value)."""

    name: str
    kind: str
    help: str
    samples: list[tuple[dict[str, str], float]]


@login_not_required
@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """The node's sync and catalogue figures, or a bare 403 for anyone not allowed to see them."""
    if not metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(exposition(sync_families() + item_families()), content_type=CONTENT_TYPE)


# Access

def metrics_allowed(request: HttpRequest) -> bool:
    """Whether the request carries the metrics token or comes from an allowed address."""
    return _token_matches(request) or address_in(client_address(request), settings.HUB_METRICS_ALLOWED_IPS)


def _token_matches(request: HttpRequest) -> bool:
    token = settings.HUB_METRICS_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode(), token.encode())


# Figures

def sync_families() -> list[Family]:
    """Runs, items applied and rejected, last success and failures in a row, per peer."""
    peers = list(Peer.objects.select_related("node").order_by("node__iri"))
    totals = {
        row["peer"]: row
        for row in SyncRun.objects.order_by().values("peer").annotate(
            ok=Count("id", filter=Q(finished_at__isnull=False, error="")),
            failed=Count("id", filter=~Q(error="")),
            applied=Sum("applied"),
            rejected=Sum("rejected"),
        )
    }
    runs, applied, rejected, last_success, failures = [], [], [], [], []
    for peer in peers:
        label = {"peer": peer.base_url}
        row = totals.get(peer.pk, {})
        runs += [({**label, "result": "ok"}, row.get("ok") or 0), ({**label, "result": "failed"}, row.get("failed") or 0)]
        applied.append((label, row.get("applied") or 0))
        rejected.append((label, row.get("rejected") or 0))
        last_success.append((label, peer.last_success_at.timestamp() if peer.last_success_at else 0))
        failures.append((label, peer.failures))
    return [
        Family("hub_sync_runs_total", "counter", "Finished pulls from each peer, by result.", runs),
        Family("hub_sync_items_applied_total", "counter", "Documents from each peer that were applied.", applied),
        Family("hub_sync_items_rejected_total", "counter", "Documents from each peer that were rejected.", rejected),
        Family("hub_sync_last_success_timestamp_seconds", "gauge",
               "Unix time of the last successful pull from each peer (0: never).", last_success),
        Family("hub_peer_failures", "gauge", "Failed pulls from each peer in a row (0 after a success).", failures),
    ]


def item_families() -> list[Family]:
    """How many items of each type this node holds, its own (local) and mirrored ones."""
    samples = []
    for type_name, model in ITEM_MODELS:
        rows = model.objects.values("origin__is_local").annotate(count=Count("pk")).order_by()
        counts = {row["origin__is_local"]: row["count"] for row in rows}
        samples += [({"type": type_name, "origin": "local"}, counts.get(True, 0)),
                    ({"type": type_name, "origin": "mirrored"}, counts.get(False, 0))]
    return [Family("hub_items", "gauge", "Items held by this node, by type and origin.", samples)]


# The text format (https://prometheus.io/docs/instrumenting/exposition_formats/, version 0.0.4)

def exposition(families: list[Family]) -> str:
    """The families in the Prometheus text format, ending with a newline."""
    lines = []
    for family in families:
        lines += [f"# HELP {family.name} {_escape_help(family.help)}", f"# TYPE {family.name} {family.kind}"]
        lines += [f"{family.name}{_labels(labels)} {_number(value)}" for labels, value in family.samples]
    return "\n".join(lines) + "\n"


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{name}="{_escape_label(value)}"' for name, value in labels.items()) + "}"


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
