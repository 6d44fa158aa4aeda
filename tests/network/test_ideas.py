"""A published idea travels to a peer as a signed Idea; its author's contact stays on its own node.

Two live nodes (separate processes and databases, real HTTP, peered by invitation): a citizen's idea
is published with an answer on Wiesbaden's node, and Mönchengladbach's node mirrors it after a sync.
Neither node's feed nor the mirror's database holds the author's name or address.
"""

from __future__ import annotations

import urllib.request

EMAIL = "anna.beispiel@example.org"
# Python run inside a node: whether its feed or its database holds the author's name or address anywhere it must not.
LEAKS = "\n".join([
    "from hub.models import ChangeLogEntry",
    "from federation.feed import feed_page",
    "from ideas.models import Idea",
    "documents = ' '.join(feed_page(after=0, limit=500).documents)",
    f"leaks = [{EMAIL!r} in documents, 'Anna' in documents, ChangeLogEntry.objects.filter(document__contains={EMAIL!r}).exists(),",
    "         Idea.objects.filter(origin__is_local=False).exclude(author_email='', author_name='').exists()]",
])


def test_a_published_idea_reaches_a_peer_without_its_author(network):
    wiesbaden = network("Zukunftswerk Wiesbaden", "Wiesbaden")
    gladbach = network("CitizenLab Mönchengladbach", "Mönchengladbach")
    gladbach.join(wiesbaden)
    published = wiesbaden.python("\n".join([
        "import json",
        "from hub.models import Lab",
        "from hub.roles import SYSTEM",
        "from ideas.services import idea_publish, idea_submit",
        "idea = idea_submit(lab=Lab.objects.get(origin__is_local=True), title='Trinkbrunnen am Marktplatz',",
        f"    text='Im Sommer fehlt Wasser.', district='Altstadt', author_name='Anna', author_email={EMAIL!r})",
        "idea = idea_publish(idea=idea, actor=SYSTEM, answer='Wir prüfen den Standort.')",
        LEAKS,
        "print(json.dumps({'iri': idea.iri, 'leaks': leaks}))",
    ]))
    iri = published["iri"]
    assert published["leaks"] == [False, False, False, False]

    report = gladbach.sync()
    assert "rejected" not in report.replace("0 rejected", ""), report
    served = gladbach.served(iri)
    assert (served["type"], served["version"], served["name"], served["answer"]) == (
        "Idea", 2, "Trinkbrunnen am Marktplatz", "Wir prüfen den Standort.")
    assert served == wiesbaden.served(iri)  # the origin's signed document, relayed unchanged
    mirrored = gladbach.python("\n".join(["import json", LEAKS, "print(json.dumps(leaks))"]))
    assert mirrored == [False, False, False, False]
    with urllib.request.urlopen(gladbach.base_url + "/ideas/", timeout=10) as response:
        page = response.read().decode()
    assert "Trinkbrunnen am Marktplatz" in page and "Wiesbaden" in page
