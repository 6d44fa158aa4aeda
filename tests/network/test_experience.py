"""A report written at C about A's method is counted in A's and B's figures, and follows C's changes.

Three live nodes (separate processes and databases, real HTTP, peered by invitation in a chain
A–B–C): A publishes a method; C mirrors it through B, and its lab editor writes an experience report
about it through C's REST API. After a sync B holds C's signed report and A too (relayed by B, C's
key pinned from C itself), each counts it in the method's ``experience``, and the document each
serves verifies against C's key as C itself publishes it (the independent check of
tests/network/test_chain.py). C's change and C's deletion reach A's figures the same way.
"""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlsplit

from tests.network.harness import wait_for
from tests.network.test_chain import proof_verifies

TOKEN = """
import json
from datetime import timedelta
from django.contrib.auth.models import User
from api.services import access_token_issue
from hub.models import Lab
from hub.roles import SYSTEM, Role
from hub.services import role_grant
lab = Lab.objects.get(origin__is_local=True)
user = User.objects.create_user("redaktion", password="ein-langes-passwort")
role_grant(user=user, role=Role.LAB_EDITOR, lab=lab, actor=SYSTEM)
print(json.dumps([access_token_issue(user=user, scopes=["read", "write"], lifetime=timedelta(hours=1)), lab.iri]))
"""


def call(node, method: str, path: str, token: str, body: dict | None = None) -> dict | None:
    """A request to a node's REST API with a bearer token, over HTTP."""
    request = urllib.request.Request(
        node.base_url + path, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        content = response.read()
    return json.loads(content) if content else None


def experience(node, method_iri: str, **expected) -> dict:
    """The method's figures as the node's public API gives them, once they show ``expected``.

    Anonymous readers see a change within a second (docs/api.md, "Kept pages"), so this asks again
    until then.
    """
    uuid = urlsplit(method_iri).path.rsplit("/", 1)[-1]

    def figures() -> dict | None:
        with urllib.request.urlopen(f"{node.base_url}/api/methods/{uuid}/", timeout=10) as response:
            found = json.loads(response.read())["experience"]
        return found if all(found[name] == value for name, value in expected.items()) else None

    return wait_for(figures, timeout=10, what=f"{node.name} showing {expected}")


def key_of(node) -> str:
    """The node's public key, as the node itself publishes it in its descriptor."""
    with urllib.request.urlopen(node.base_url + "/.well-known/stadtlabor", timeout=10) as response:
        return json.loads(response.read())["verificationMethod"][0]["publicKeyMultibase"]


def test_a_report_written_at_c_about_as_method_is_counted_at_a_and_b(network):
    a = network("Zukunftswerk Wiesbaden", "Wiesbaden")
    b = network("CitizenLab Mönchengladbach", "Mönchengladbach")
    c = network("CityLAB Berlin", "Berlin")
    b.join(a)
    c.join(b)
    method = a.create_method("Spaziergangsinterview")
    b.sync()
    c.sync()
    assert c.version_of(method) == (1, False)

    token, lab = c.python(TOKEN)
    written = call(c, "POST", "/api/experience-reports/", token, {
        "method": method, "lab": lab, "date": "2026-10-05", "participants": 21, "fit": 4, "staircase_step": 3,
        "target_groups": ["older-people", "general-public"], "worked": "Leitfragen auf Karten.",
        "watch_out": "Sitzplätze unterwegs.",
    })
    report = written["iri"]
    assert report.startswith(c.base_url + "/reports/")
    experience(c, method, reports=1)

    for node in (b, a):  # B pulls from C, A from B (C's key pinned from C itself)
        sync_report = node.sync()
        assert "rejected" not in sync_report.replace("0 rejected", ""), sync_report
    c_key = key_of(c)
    for node in (a, b):
        served = node.served(report)
        assert served == c.served(report) == c.document(report)  # C's signed document, relayed unchanged
        proof_verifies(served, c_key)
        assert served["proof"]["verificationMethod"].startswith(c.iri)
        assert (served["type"], served["itemReviewed"], served["reviewRating"]["ratingValue"]) == (
            "ExperienceReport", method, 4)
        figures = experience(node, method, reports=1)
        assert (figures["labs"], figures["cities"], figures["participants"], figures["median_fit"]) == (
            1, 1, 21, 4.0), node.name
        assert figures["target_groups"]["older-people"] == 1 and figures["staircase"]["3"] == 1

    call(c, "PATCH", f"/api/experience-reports/{written['uuid']}/", token, {"fit": 2, "participants": 30})
    b.sync()
    a.sync()
    experience(a, method, median_fit=2.0, participants=30)
    proof_verifies(a.served(report), c_key)

    call(c, "DELETE", f"/api/experience-reports/{written['uuid']}/", token)
    b.sync()
    a.sync()
    for node in (a, b):
        assert node.version_of(report) == (3, True)
        experience(node, method, reports=0)
