"""Scenario 7: random edits on four nodes (a ring of three plus a tail), then sync rounds until quiet.

Whatever path each item travelled, every node ends up holding the same set of (id, version) pairs,
tombstones included: the network property of protocol section 6.
"""

from __future__ import annotations

import random

import pytest

from tests.network.harness import LiveNode

SEED = 20261126
MAX_ROUNDS = 6


def random_edits(node: LiveNode, seed: int, count: int) -> None:
    """Create, update and delete method cards on ``node`` at random, through its services."""
    node.python(
        f"""
        import random
        from hub.models import Lab
        from methods.models import MethodCard
        from methods.services import method_create, method_delete, method_update
        from hub.roles import SYSTEM
        rng = random.Random({seed})
        lab = Lab.objects.filter(origin__is_local=True).first()
        for n in range({count}):
            mine = list(MethodCard.objects.filter(origin__is_local=True).order_by("pk"))
            roll = rng.random()
            if not mine or roll < 0.5:
                method_create(actor=SYSTEM, title=f"Methode {seed}-{{n}}", summary="Zufall", phase=rng.choice(["erkunden", "entwerfen"]),
                              lab=lab, visibility=rng.choice(["public", "public", "network"]))
            elif roll < 0.8:
                method_update(actor=SYSTEM, method=rng.choice(mine), summary=f"Fassung {{n}}")
            else:
                method_delete(actor=SYSTEM, method=rng.choice(mine))
        print("null")
        """
    )


def test_every_node_converges_on_the_same_ids_and_versions(network):
    a, b, c, d = (network(name, city) for name, city in [
        ("Zukunftswerk Wiesbaden", "Wiesbaden"), ("CitizenLab Mönchengladbach", "Mönchengladbach"),
        ("CityLAB Berlin", "Berlin"), ("Quartierslabor Tail", "Randstadt")])
    b.join(a)
    c.join(b)
    a.join(c)  # closes the ring A–B–C
    d.join(c)  # the tail
    nodes = [a, b, c, d]
    rng = random.Random(SEED)
    for step in range(3):  # edits interleaved with partial syncs, so items travel different paths
        for node in nodes:
            random_edits(node, seed=rng.randrange(10**6), count=8)
        rng.choice(nodes).sync()

    for round_ in range(1, MAX_ROUNDS + 1):
        for node in nodes:
            report = node.sync()
            assert "FAILED" not in report and "rejected" not in report.replace("0 rejected", ""), report
        holdings = [node.holdings() for node in nodes]
        if all(h == holdings[0] for h in holdings):
            break
    else:
        differences = {n.name: len(set(map(tuple, h.items())) ^ set(map(tuple, holdings[0].items())))
                       for n, h in zip(nodes, holdings)}
        pytest.fail(f"no convergence after {MAX_ROUNDS} rounds: {differences}")

    tombstones = [iri for iri, (_, deleted) in holdings[0].items() if deleted]
    items = [iri for iri in holdings[0] if "/methods/" in iri]
    assert tombstones and len(items) > 40, "the random edits should have made items and tombstones"
    assert {iri.split("/methods/")[0] for iri in items} == {n.base_url for n in nodes}
