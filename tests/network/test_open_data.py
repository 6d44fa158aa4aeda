"""Scenario: an open data portal harvests a running node's catalog over HTTP, as CKAN's ckanext-dcat does.

The catalog validates against the DCAT-AP.de 2.0 shapes (pyshacl, offline: the vocabulary statements come
from tests/data, and the report says which), page by page; a harvester walks the pages by ``hydra:next``
and later asks only for what changed (``?modified_since=``). A peer that mirrors the node's items does not
publish them in its own catalog. The report's text goes to ``$HUB_SHACL_REPORT`` when set.
"""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

from rdflib import RDF, Graph, Namespace, URIRef

from tests.opendata.shacl import CONVENTIONS, SPECIFICATION, describe, validate

DCAT = Namespace("http://www.w3.org/ns/dcat#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SECRET = "Geheimsache"

SETUP = """
    import json
    from datetime import timedelta
    from decimal import Decimal
    from django.utils import timezone
    from events.services import event_create
    from hub.models import Lab
    from hub.roles import SYSTEM
    from hub.services import lab_create, lab_update
    from methods.services import method_create

    soon = timezone.now().replace(microsecond=0) + timedelta(days=14)
    def event(lab, title, days=0, **fields):
        start = soon + timedelta(days=days)
        return event_create(actor=SYSTEM, lab=lab, title=title, start=start, end=start + timedelta(hours=2),
                            place_name="Rathaus", **fields)
    def method(lab, title, slug, **fields):
        return method_create(actor=SYSTEM, lab=lab, title=title, slug=slug, summary="Zusammen erkunden",
                             phase="erkunden", steps=[{"title": "Einladen"}], **fields)

    wiesbaden = lab_update(lab=Lab.objects.get(origin__is_local=True), actor=SYSTEM, regional_key="064140000000",
                           email="zukunftswerk@wiesbaden.example", latitude=Decimal("50.0825"), longitude=Decimal("8.24"))
    mainz = lab_create(actor=SYSTEM, slug="stadtlabor-mainz", name="Stadtlabor Mainz", city="Mainz",
                       regional_key="07315000", data_license="https://creativecommons.org/publicdomain/zero/1.0/")
    kiez = lab_create(actor=SYSTEM, slug="kiezlabor", name="Kiezlabor", city="Wiesbaden")
    hidden = lab_create(actor=SYSTEM, slug="innenrevision", name="Geheimsache Innenrevision", city="Wiesbaden",
                        visibility="network")
    first = event(wiesbaden, "Offene Werkstatt")
    event(wiesbaden, '=HYPERLINK("http://evil.example";"Zukunftsforum")', days=7)
    event(mainz, "Demokratiefest", days=3)
    event(kiez, "Kiezspaziergang", days=1)
    method(wiesbaden, "Persona-Werkstatt", "persona")
    method(wiesbaden, "Zukunftstheater", "zukunftstheater", license="https://creativecommons.org/licenses/by-nc-sa/4.0/")
    method(mainz, "Stadtspaziergang", "stadtspaziergang")
    event(wiesbaden, "Geheimsache Netzwerktreffen", visibility="network")
    event(wiesbaden, "Geheimsache Entwurf", visibility="draft")
    method(mainz, "Geheimsache Entwurfsmethode", "entwurf", visibility="draft")
    event(hidden, "Geheimsache Revisionstag")
    print(json.dumps(first.iri))
"""


def fetch(url: str, accept: str = "text/turtle") -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=30) as response:
        assert response.status == 200
        return response.read()


def harvest(start: str) -> list[tuple[str, Graph, bytes]]:
    """Walk the catalog from ``start`` by hydra:next, as ckanext-dcat's harvester does: (url, graph, body) per page."""
    pages, url = [], start
    while url:
        body = fetch(url)
        graph = Graph().parse(data=body, format="turtle")
        pages.append((url, graph, body))
        collection = graph.value(None, RDF.type, HYDRA.PagedCollection)
        next_page = graph.value(collection, HYDRA.next)
        url = str(next_page) if next_page else None
        assert len(pages) < 20, "the pages do not end"
    return pages


def datasets(pages) -> list[str]:
    return [str(node) for _, graph, _ in pages for node in graph.subjects(RDF.type, DCAT.Dataset)]


def save(report_text: str, tmp_path: Path) -> None:
    for path in filter(None, (os.environ.get("HUB_SHACL_REPORT"), tmp_path / "shacl-report.txt")):
        Path(path).write_text(report_text)
    print(report_text)


def test_a_portal_validates_walks_and_harvests_a_live_catalog(network, tmp_path):
    node = network("Zukunftswerk Wiesbaden", "Wiesbaden", start=False)
    node.environment["HUB_CATALOG_PAGE_SIZE"] = "4"  # five datasets: two pages
    node.start()
    first_event = node.python(SETUP)

    pages = harvest(node.base_url + "/catalog.ttl")
    assert [url.removeprefix(node.base_url) for url, _, _ in pages] == ["/catalog.ttl", "/catalog.ttl?page=2"]
    found = datasets(pages)
    assert len(found) == len(set(found)) == 5  # Wiesbaden, Mainz: events and methods; the Kiezlabor: events
    reports = []
    for url, graph, body in pages:
        assert SECRET.encode() not in body and b"innenrevision" not in body
        specification, conventions = validate(graph, SPECIFICATION), validate(graph, CONVENTIONS)
        reports.append(describe(graph, specification, source=f"{url} (profile: Spezifikation)"))
        reports.append(describe(graph, conventions, source=f"{url} (profile: Spezifikation + Konventionen, "
                                                             "without K12/13 contributorID)"))
        assert (specification.violations, specification.warnings) == (0, 0), specification.text
        assert (conventions.violations, conventions.warnings) == (0, 0), conventions.text
    save("\n\n".join(reports), tmp_path)

    for accept, parse_as in (("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")):
        negotiated = Graph().parse(data=fetch(node.base_url + "/catalog", accept=accept), format=parse_as)
        assert set(negotiated.subjects(RDF.type, DCAT.Dataset)) == set(pages[0][1].subjects(RDF.type, DCAT.Dataset))

    since = node.python("from django.utils import timezone; import json; print(json.dumps(timezone.now().isoformat()))")
    assert datasets(harvest(f"{node.base_url}/catalog.ttl?modified_since={since.replace('+', '%2B')}")) == []
    node.python(f"""
        from events.models import Event
        from events.services import event_update
        from hub.roles import SYSTEM
        event_update(event=Event.objects.get(iri={first_event!r}), actor=SYSTEM, title="Offene Werkstatt am Abend")
        print("null")
    """)
    changed = datasets(harvest(f"{node.base_url}/catalog.ttl?modified_since={since.replace('+', '%2B')}"))
    assert changed == [f"{node.base_url}/catalog/zukunftswerk-wiesbaden/events"]


def test_a_peer_does_not_publish_the_items_it_mirrors(network):
    origin, peer = network("Zukunftswerk Wiesbaden", "Wiesbaden"), network("CityLAB Berlin", "Berlin")
    peer.join(origin)
    origin.create_method("Gespiegelte Methode")
    peer.sync()
    graph = Graph().parse(data=fetch(peer.base_url + "/catalog.ttl"), format="turtle")
    assert b"Gespiegelte Methode" not in fetch(peer.base_url + "/catalog.ttl")
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == set()
    origin_graph = Graph().parse(data=fetch(origin.base_url + "/catalog.ttl"), format="turtle")
    assert set(origin_graph.subjects(RDF.type, DCAT.Dataset)) == {
        URIRef(f"{origin.base_url}/catalog/zukunftswerk-wiesbaden/methods")}
