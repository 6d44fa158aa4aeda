"""Network content for the web tests: two remote nodes with labs, mirrored methods, adaptations and events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from events.models import Event
from federation.models import Peer, SyncRun
from hub.identity import public_key_multibase
from hub.models import Lab, Node
from methods.models import MethodCard, MethodStep


@dataclass
class Network:
    """What network_content made."""

    berlin: Node
    gladbach: Node
    citylab: Lab
    citizenlab: Lab
    walk: MethodCard
    walk_adapted: MethodCard
    market: Event
    cancelled: Event


def remote_node(iri: str, name: str, city: str) -> Node:
    """A node whose key this node has pinned."""
    return Node.objects.create(
        iri=iri, name=name, city=city, public_key_multibase=public_key_multibase(Ed25519PrivateKey.generate())
    )


def remote_lab(node: Node, slug: str, name: str, city: str, latitude: str, longitude: str) -> Lab:
    """A lab mirrored from ``node``."""
    return Lab.objects.create(
        iri=f"{node.base_url}/labs/{slug}", origin=node, slug=slug, name=name, city=city,
        latitude=Decimal(latitude), longitude=Decimal(longitude), address=f"Labstraße 1, {city}",
        description=f"Das {name} in {city}.", website="https://example.org/",
    )


def mirrored_method(lab: Lab, slug: str, **fields) -> MethodCard:
    """A method card as its origin published it, stored as a mirror stores it."""
    values = {"title": slug.replace("-", " ").title(), "summary": "Gemeinsam unterwegs und nachfragen.", "phase": "erkunden"}
    method = MethodCard.objects.create(
        iri=f"{lab.origin.base_url}/methods/{slug}", origin=lab.origin, slug=slug, lab=lab, **(values | fields)
    )
    MethodStep.objects.bulk_create([
        MethodStep(method=method, position=1, title="Route planen", text="Eine Strecke von 2 km wählen."),
        MethodStep(method=method, position=2, title="Losgehen", text="Unterwegs Fragen stellen."),
    ])
    return method


def mirrored_event(lab: Lab, slug: str, *, days: int, **fields) -> Event:
    """An event as its origin published it, stored as a mirror stores it."""
    start = (timezone.now() + timedelta(days=days)).replace(hour=16, minute=0, second=0, microsecond=0)
    values = {
        "title": slug.replace("-", " ").title(), "start": start, "end": start + timedelta(hours=2),
        "place_name": "Marktplatz", "place_address": f"Marktplatz 1, {lab.city}",
    }
    return Event.objects.create(
        iri=f"{lab.origin.base_url}/events/{slug}", origin=lab.origin, lab=lab, **(values | fields)
    )


def network_content(*, based_on: str = "") -> Network:
    """Two remote nodes, their labs, mirrored methods (one adapting another) and events, peers and sync runs."""
    berlin = remote_node("https://citylab.example.org/", "CityLAB Berlin", "Berlin")
    gladbach = remote_node("https://citizenlab.example.net/", "CitizenLab Mönchengladbach", "Mönchengladbach")
    citylab = remote_lab(berlin, "citylab", "CityLAB Berlin", "Berlin", "52.520008", "13.404954")
    citizenlab = remote_lab(gladbach, "citizenlab", "CitizenLab Mönchengladbach", "Mönchengladbach", "51.180457", "6.442804")
    walk = mirrored_method(
        citylab, "kiezspaziergang", title="Kiezspaziergang", based_on=based_on,
        body="## Ablauf\n\nWir gehen **gemeinsam** los. [Mehr](https://example.org/kiez)\n\n<script>alert('x')</script>",
        target_groups=["older-people", "general-public"], duration_min=60, duration_max=120,
        group_size_min=3, group_size_max=12, difficulty="low",
    )
    walk_adapted = mirrored_method(
        citizenlab, "quartiersrundgang", title="Quartiersrundgang", based_on=walk.iri, phase="erkunden",
        target_groups=["children-and-young-people"], duration_min=90, group_size_min=5, group_size_max=20,
    )
    market = mirrored_event(
        citylab, "stadtteilfest", days=9, title="Stadtteilfest Moabit", is_free=True,
        accessibility_features=["step-free-access", "hearing-loop"], target_groups=["general-public"],
        latitude=Decimal("52.530000"), longitude=Decimal("13.340000"), languages=["de", "en"],
    )
    cancelled = mirrored_event(
        citizenlab, "repair-cafe", days=4, title="Repair-Café Rheydt", status="cancelled", is_free=False,
        attendance_mode="hybrid", online_url="https://meet.example.net/repair",
    )
    for node, error in ((berlin, ""), (gladbach, "Verbindung abgelehnt (connection refused)")):
        peer = Peer.objects.create(
            node=node, client_id="id", client_secret="secret", items_applied=4,
            last_success_at=timezone.now() - timedelta(minutes=5), last_error=error,
            last_error_at=timezone.now() if error else None, failures=2 if error else 0,
        )
        SyncRun.objects.create(
            peer=peer, finished_at=timezone.now(), pages=2, applied=4, skipped=1, rejected=1 if error else 0,
            rejections=[{"id": f"{node.base_url}/methods/kaputt", "reason": "<b>proof</b> does not verify"}] if error else [],
            error=error,
        )
    return Network(berlin, gladbach, citylab, citizenlab, walk, walk_adapted, market, cancelled)
