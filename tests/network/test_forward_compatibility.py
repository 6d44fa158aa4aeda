"""Forward compatibility between two node versions (protocol section 8), with two live nodes.

Mönchengladbach's node plays a version that knows neither ideas nor experience reports
(``HUB_ITEM_TYPES_HIDDEN=Idea,ExperienceReport``): it skips Wiesbaden's ideas and its experience report
with the reason in its sync report, shows, counts and relays none of them, but keeps them as signed.
Restarted as the newer version (the setting gone), it catches up on what it kept: the items are there
as Wiesbaden signed them, at their latest version, the deleted idea as its tombstone, and the method's
experience figures count the report.
"""

from __future__ import annotations

import urllib.request

from tests.network.test_chain import proof_verifies

PUBLISH = """
import json
from hub.models import Lab
from hub.roles import SYSTEM
from ideas.services import idea_publish, idea_submit
lab = Lab.objects.get(origin__is_local=True)
iris = []
for title in ("Trinkbrunnen am Marktplatz", "Bank am Ufer", "Lastenrad-Verleih"):
    idea = idea_submit(lab=lab, title=title, text="Bitte prüfen.", district="Altstadt", author_name="Anna",
                       author_email="anna@example.org")
    iris.append(idea_publish(idea=idea, actor=SYSTEM).iri)
print(json.dumps(iris))
"""
CHANGE = """
import json
from hub.roles import SYSTEM
from ideas.models import Idea
from ideas.services import idea_answer, idea_delete
idea_answer(idea=Idea.objects.get(iri={answered!r}), actor=SYSTEM, answer="Wir stellen eine Bank auf.")
idea_delete(idea=Idea.objects.get(iri={deleted!r}), actor=SYSTEM)
print("null")
"""
REPORT = """
import datetime, json
from experience.services import experience_report_create
from hub.models import Lab
from hub.roles import SYSTEM
report = experience_report_create(actor=SYSTEM, lab=Lab.objects.get(origin__is_local=True), method_iri={method!r},
                                  date=datetime.date(2026, 11, 20), participants=12, target_groups=["older-people"],
                                  fit=4, staircase_step=3, worked="Die Karten haben geholfen.")
print(json.dumps(report.iri))
"""
FIGURES = """
import json
from experience.selectors import method_experience
figures = method_experience(method_iri={method!r}, include_network=False)
print(json.dumps([figures.reports, figures.participants, figures.median_fit]))
"""
SHOWN = """
import json
from federation.feed import feed_page
from federation.models import SkippedDocument
from ideas.models import Idea
feed = " ".join(feed_page(after=0, limit=500).documents)
print(json.dumps({"ideas": Idea.objects.count(), "relayed": "/ideas/" in feed,
                  "kept": sorted([row.iri, row.version, row.deleted] for row in SkippedDocument.objects.all())}))
"""


def ideas_page(node) -> str:
    with urllib.request.urlopen(node.base_url + "/ideas/", timeout=10) as response:
        return response.read().decode()


def test_a_node_that_does_not_know_a_type_keeps_it_and_catches_up_after_its_upgrade(network):
    wiesbaden = network("Zukunftswerk Wiesbaden", "Wiesbaden")
    gladbach = network("CitizenLab Mönchengladbach", "Mönchengladbach", start=False)
    gladbach.environment["HUB_ITEM_TYPES_HIDDEN"] = "Idea,ExperienceReport"  # the earlier version
    gladbach.start()
    gladbach.join(wiesbaden)
    fountain, bench, bikes = wiesbaden.python(PUBLISH)
    method = wiesbaden.create_method("Zukunftswerkstatt")
    experience = wiesbaden.python(REPORT.format(method=method))

    report = gladbach.sync()
    assert "4 skipped, 0 rejected" in report, report
    assert "skipped 1 item(s) of a type this node does not know: ExperienceReport (kept; applied after an upgrade" in report
    assert "skipped 3 item(s) of a type this node does not know: Idea (kept; applied after an upgrade" in report
    wiesbaden.python(CHANGE.format(answered=bench, deleted=bikes))
    report = gladbach.sync()
    assert "skipped 2 item(s) of a type this node does not know: Idea" in report, report
    assert gladbach.version_of(method) == (1, False)  # what it knows travels as before
    assert gladbach.python(SHOWN) == {"ideas": 0, "relayed": False, "kept": sorted(
        [[fountain, 2, False], [bench, 3, False], [bikes, 3, True], [experience, 1, False]])}
    assert gladbach.served(fountain) is None and "Trinkbrunnen" not in ideas_page(gladbach)
    assert gladbach.served(experience) is None and gladbach.python(FIGURES.format(method=method)) == [0, 0, None]

    gladbach.stop()
    del gladbach.environment["HUB_ITEM_TYPES_HIDDEN"]  # the upgrade
    gladbach.start()
    log = gladbach.log()
    assert "Caught up on 1 kept item(s) of a type this node knows now: ExperienceReport (4 applied, 0 rejected" in log, log
    assert "Caught up on 3 kept item(s) of a type this node knows now: Idea (4 applied, 0 rejected" in log, log
    wiesbaden_key = wiesbaden.python(
        "import json; from hub.models import Node; print(json.dumps(Node.objects.get(is_local=True).public_key_multibase))")
    for iri in (fountain, bench, bikes, experience):
        served = gladbach.served(iri)
        assert served == wiesbaden.served(iri)  # as the origin signed it, at its latest version
        proof_verifies(served, wiesbaden_key)
    assert gladbach.version_of(bench) == (3, False) and gladbach.served(bench)["answer"] == "Wir stellen eine Bank auf."
    assert gladbach.version_of(bikes) == (3, True)
    assert gladbach.python(SHOWN) == {"ideas": 2, "relayed": True, "kept": []}
    assert gladbach.python(FIGURES.format(method=method)) == [1, 12, 4.0]  # counted once the report arrived
    assert "Trinkbrunnen am Marktplatz" in ideas_page(gladbach)
    theirs = {iri: held for iri, held in wiesbaden.holdings().items() if iri.startswith(wiesbaden.base_url)}
    assert {iri: held for iri, held in gladbach.holdings().items() if iri.startswith(wiesbaden.base_url)} == theirs
    report = gladbach.sync()
    assert ", 0 applied, " in report and "skipped" not in report, report
