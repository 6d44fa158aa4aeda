"""The catalog at /catalog: public items of public labs only, described as DCAT-AP.de asks, paged and
filtered as ckanext-dcat harvests, and refusing what it cannot read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from events.services import event_delete, event_update
from hub.roles import SYSTEM
from hub.services import lab_create, lab_update
from methods.services import method_update
from tests.api.factories import make_event, make_method
from tests.opendata.conftest import MAINZ_AGS, SECRET, WIESBADEN_ARS

pytestmark = pytest.mark.django_db

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
BASE = "http://127.0.0.1:8000"
LICENCES = "http://dcat-ap.de/def/licenses/"


def turtle(client, path: str = "/catalog.ttl", **params) -> Graph:
    response = client.get(path, params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return Graph().parse(data=response.content, format="turtle")


def datasets(graph: Graph) -> set[str]:
    return {str(node).removeprefix(BASE + "/catalog/") for node in graph.subjects(RDF.type, DCAT.Dataset)}


def dataset(slug_and_kind: str) -> URIRef:
    return URIRef(f"{BASE}/catalog/{slug_and_kind}")


def every_body(client, holdings) -> list[tuple[str, str]]:
    """Everything the catalog serves: its serialisations, every dataset's description and downloads, and the
    downloads of the labs the public must not see."""
    paths = ["/catalog", "/catalog.ttl", "/catalog.rdf", "/catalog.jsonld"]
    for name in datasets(turtle(client)):
        paths += [f"/catalog/{name}", f"/catalog/{name}.csv", f"/catalog/{name}.jsonld", f"/catalog/{name}.ics"]
    for lab in (holdings.hidden_lab, holdings.draft_lab):
        paths += [f"/catalog/{lab.slug}/{kind}{ext}" for kind in ("events", "methods") for ext in ("", ".csv", ".jsonld")]
    # A refusal names the address it was asked for; that is the asker's own text, not the catalog's.
    return [(path, client.get(path).content.decode().replace(path, "")) for path in paths]


def test_no_network_only_or_draft_item_or_lab_shows_anywhere(client, holdings):
    bodies = every_body(client, holdings)
    assert len(bodies) > 20
    for path, body in bodies:
        assert SECRET not in body and "innenrevision" not in body and "entwurfslabor" not in body, path


def test_staff_see_the_same_catalog_as_anybody(client, holdings, person):
    client.force_login(person("verwaltung", "node-admin"))
    for path, body in every_body(client, holdings):
        assert SECRET not in body, path


def test_one_dataset_per_lab_and_kind_that_holds_public_items(client, holdings):
    graph = turtle(client)
    assert datasets(graph) == {"testlabor-teststadt/events", "testlabor-teststadt/methods", "kiezlabor/events",
                               "stadtlabor-mainz/methods"}
    catalog = URIRef(f"{BASE}/catalog")
    assert {str(o) for o in graph.objects(catalog, DCAT.dataset)} == {f"{BASE}/catalog/{name}" for name in datasets(graph)}
    titles = {str(o) for o in graph.objects(dataset("testlabor-teststadt/events"), DCT.title)}
    assert titles == {"Zukunftswerk Wiesbaden: Veranstaltungen", "Zukunftswerk Wiesbaden: events"}
    assert Literal("Stadtlabor Mainz: Methodenkarten", lang="de") in set(
        graph.objects(dataset("stadtlabor-mainz/methods"), DCT.title))


def test_the_regional_key_places_the_datasets(client, holdings):
    graph = turtle(client)
    geocoding = "http://dcat-ap.de/def/politicalGeocoding/"
    wiesbaden, mainz, kiez = (dataset(name) for name in ("testlabor-teststadt/events", "stadtlabor-mainz/methods",
                                                         "kiezlabor/events"))
    assert graph.value(wiesbaden, DCATDE.politicalGeocodingURI) == URIRef(f"{geocoding}regionalKey/{WIESBADEN_ARS}")
    assert graph.value(mainz, DCATDE.politicalGeocodingURI) == URIRef(f"{geocoding}municipalityKey/{MAINZ_AGS}")
    assert graph.value(mainz, DCATDE.politicalGeocodingLevelURI) == URIRef(f"{geocoding}Level/municipality")
    assert graph.value(kiez, DCATDE.politicalGeocodingURI) is None  # no key set: only the city's name
    assert graph.value(kiez, DCATDE.geocodingDescription) == Literal("Teststadt", lang="de")
    centroids = {str(graph.value(place, DCAT.centroid)) for place in graph.objects(wiesbaden, DCT.spatial)
                 if (place, RDF.type, DCT.Location) in graph}
    assert centroids == {"POINT(8.240000 50.082500)"}


def test_the_temporal_coverage_spans_the_public_events(client, holdings):
    graph = turtle(client)
    period = graph.value(dataset("testlabor-teststadt/events"), DCT.temporal)
    first, second = holdings.public_events[:2]
    assert graph.value(period, DCAT.startDate).toPython() == first.start  # not the draft 900 days later
    assert graph.value(period, DCAT.endDate).toPython() == second.end


def licence_of(graph: Graph, name: str) -> tuple[str, str | None]:
    distribution = URIRef(f"{BASE}/catalog/{name}#csv")
    rights = graph.value(distribution, DCT.rights)
    return str(graph.value(distribution, DCT.license)).removeprefix(LICENCES), rights and str(rights)


def test_every_distribution_names_a_licence_of_the_dcat_ap_de_list(client, holdings):
    graph = turtle(client)
    assert licence_of(graph, "testlabor-teststadt/events") == ("cc-by/4.0", None)  # the lab's data licence
    # BY-SA and BY-NC-SA together: BY-NC-SA, which the list lacks; named in dct:rights.
    assert licence_of(graph, "testlabor-teststadt/methods") == (
        "other-closed", "https://creativecommons.org/licenses/by-nc-sa/4.0/")
    # BY-SA and BY-ND together: no Creative Commons licence allows both; both are named.
    assert licence_of(graph, "stadtlabor-mainz/methods") == (
        "other-closed", "https://creativecommons.org/licenses/by-nd/4.0/ https://creativecommons.org/licenses/by-sa/4.0/")


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "text/turtle"),
    ("text/turtle", "text/turtle"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/ld+json", "application/ld+json"),
    ("application/json", "application/ld+json"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "text/turtle"),
])
def test_catalog_negotiates_its_serialisation(client, holdings, accept, expected):
    response = client.get("/catalog", **({"HTTP_ACCEPT": accept} if accept else {}))
    assert response.status_code == 200 and response["Content-Type"] == f"{expected}; charset=utf-8"
    assert "Accept" in response["Vary"].split(", ") and response["Access-Control-Allow-Origin"] == "*"


def test_a_type_the_catalog_does_not_speak_is_refused(client, holdings):
    response = client.get("/catalog", HTTP_ACCEPT="text/html")
    assert response.status_code == 406 and response["Content-Type"] == "application/problem+json"
    assert "text/turtle" in response.json()["detail"]


@pytest.mark.parametrize(("query", "names"), [
    ({"page": "0"}, "page"), ({"page": "-1"}, "page"), ({"page": "zwei"}, "page"), ({"page": "1.5"}, "page"),
    ({"page": "１"}, "page"), ({"page": ""}, "page"),
    ({"modified_since": "gestern"}, "modified_since"), ({"modified_since": "2025-13-01"}, "modified_since"),
    ({"modified_since": "2025-02-30T10:00:00"}, "modified_since"), ({"modified_since": "<script>alert(1)</script>"},
                                                                   "modified_since"),
])
def test_a_parameter_it_cannot_read_is_a_problem_naming_it(client, holdings, query, names):
    response = client.get("/catalog.ttl", query)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith(names) and "<script>" not in response.content.decode()[200:]


def test_a_page_after_the_last_is_not_found(client, holdings):
    response = client.get("/catalog.ttl", {"page": "99999999999999999999"})
    assert response.status_code == 404 and "1 page" in response.json()["detail"]


def test_a_harvester_walks_every_dataset_once_page_by_page(client, holdings, settings):
    settings.HUB_CATALOG_PAGE_SIZE = 1
    seen, url, pages = [], f"{BASE}/catalog.ttl?page=1", 0
    while url:
        graph = turtle(client, url.removeprefix(BASE))
        collection = URIRef(url)
        assert (collection, RDF.type, HYDRA.PagedCollection) in graph
        assert graph.value(collection, HYDRA.totalItems).toPython() == 4
        seen += sorted(datasets(graph))
        next_page = graph.value(collection, HYDRA.next)
        assert next_page == graph.value(collection, HYDRA.nextPage)  # the name older harvesters read
        url, pages = next_page and str(next_page), pages + 1
    assert pages == 4 and len(seen) == len(set(seen)) == 4
    assert client.get("/catalog.ttl", {"page": "5"}).status_code == 404


def test_an_incremental_harvest_gets_what_changed(client, holdings):
    since = timezone.now()
    empty = turtle(client, modified_since=since.isoformat())
    assert datasets(empty) == set()
    page = empty.value(None, RDF.type, HYDRA.PagedCollection)
    assert empty.value(page, HYDRA.totalItems) == Literal(0) and "modified_since=" in str(page)
    event_update(event=holdings.public_events[0], actor=SYSTEM, title="Offene Werkstatt am Abend")
    assert datasets(turtle(client, modified_since=since.isoformat())) == {"testlabor-teststadt/events"}
    # A method leaving the public view changes the lab's method cards, too.
    method_update(method=holdings.public_methods[0], actor=SYSTEM, visibility="network")
    assert datasets(turtle(client, modified_since=since.isoformat())) == {
        "testlabor-teststadt/events", "testlabor-teststadt/methods"}


def test_a_deleted_event_marks_every_event_dataset_as_changed(client, holdings):
    since = timezone.now()
    event_delete(event=holdings.public_events[2], actor=SYSTEM)  # the Kiezlabor's only one: its dataset goes
    assert datasets(turtle(client, modified_since=since.isoformat())) == {"testlabor-teststadt/events"}


def test_the_time_may_be_a_day_or_carry_an_unencoded_plus(client, holdings):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert datasets(turtle(client, modified_since=tomorrow)) == set()
    response = client.get("/catalog.ttl?modified_since=2000-01-01T00:00:00+02:00")  # "+" arrives as a space
    assert response.status_code == 200 and len(datasets(Graph().parse(data=response.content, format="turtle"))) == 4


def test_an_empty_node_has_an_empty_catalog(client, lab):
    graph = turtle(client)
    assert datasets(graph) == set() and (URIRef(f"{BASE}/catalog"), RDF.type, DCAT.Catalog) in graph


def test_the_queries_do_not_grow_with_labs_and_items(client, holdings):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:  # with modified_since: built every time, never kept
            assert client.get("/catalog.ttl", {"modified_since": "2000-01-01"}).status_code == 200
        return len(queries)

    before = count()
    for number in range(6):
        extra = lab_create(actor=SYSTEM, slug=f"labor-{number}", name=f"Labor {number}", city="Teststadt")
        for index in range(3):
            make_event(extra, title=f"Treffen {index}")
            make_method(extra, title=f"Methode {index}", slug=f"methode-{number}-{index}")
    assert len(datasets(turtle(client))) == 4 + 12
    assert count() == before


def test_a_page_is_kept_until_something_changes(client, holdings):
    def fetched() -> tuple[bytes, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/catalog.ttl")
        return response.content, len(queries)

    (first, built), (again, kept) = fetched(), fetched()
    assert again == first and kept < built
    lab_update(lab=holdings.mainz, actor=SYSTEM, name="Stadtlabor Mainz am Rhein")
    changed, _ = fetched()
    assert b"Stadtlabor Mainz am Rhein: Methodenkarten" in changed
