"""The catalog as RDF in the DCAT-AP.de 2.0 profile: the node's ``dcat:Catalog``, its datasets and their
distributions, the REST API as a ``dcat:DataService``, and the page's place as ckanext-dcat writes it (hydra).

Texts go out in German and English (``@de``, ``@en``): DCAT-AP.de asks for German, and the project's
strings are English with German translations. Vocabulary values are IRIs of the controlled lists
DCAT-AP.de names (EU data themes, file types, frequencies, languages; the dcat-ap.de licences and
political geocoding); the lists themselves are not repeated here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy
from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from hub.models import Lab, Node
from opendata.datasets import CatalogPage, Dataset
from opendata.geocoding import MUNICIPALITY_LEVEL, political_geocoding_uri
from opendata.kinds import EU_THEME
from opendata.licences import DCAT_AP_DE

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
PREFIXES = {"dcat": DCAT, "dct": DCTERMS, "dcatde": DCATDE, "foaf": FOAF, "vcard": VCARD, "hydra": HYDRA,
            "gsp": GSP, "xsd": XSD}
LANGUAGES = ("de", "en")

# The downloads of a dataset, by extension: (EU file type, IANA media type, label).
FORMATS = {
    "jsonld": ("JSON_LD", "application/ld+json", "JSON-LD"),
    "csv": ("CSV", "text/csv", "CSV"),
    "ics": ("ICS", "text/calendar", "iCalendar"),
}

CATALOG_TITLE = gettext_lazy("%(node)s: open data")
CATALOG_DESCRIPTION = gettext_lazy(
    "Events and method cards of the innovation labs on %(node)s (%(city)s) as open data, described in the "
    "DCAT-AP.de profile.")
SERVICE_TITLE = gettext_lazy("%(node)s: REST API")
SERVICE_DESCRIPTION = gettext_lazy(
    "The node's REST API (JSON, described in OpenAPI 3): the public events, method cards and labs of the network, "
    "with filters and pages. Reading public items needs no account.")


def catalog_graph(page: CatalogPage, *, node: Node, page_url: str, page_link) -> Graph:
    """The page as a graph: the catalog with the page's datasets, the API, and links to the other pages."""
    graph = new_graph()
    catalog = URIRef(catalog_iri())
    base = settings.HUB_BASE_URL
    graph.add((catalog, RDF.type, DCAT.Catalog))
    texts(graph, catalog, DCTERMS.title, CATALOG_TITLE, node=node.name)
    texts(graph, catalog, DCTERMS.description, CATALOG_DESCRIPTION, node=node.name, city=node.city)
    graph.add((catalog, DCTERMS.publisher, node_agent(graph, node)))
    graph.add((catalog, FOAF.homepage, URIRef(base + "/")))
    for code in ("DEU", "ENG"):
        graph.add((catalog, DCTERMS.language, URIRef(f"{EU}language/{code}")))
    graph.add((catalog, DCTERMS.license, URIRef(DCAT_AP_DE + "cc-zero")))  # the catalog's own metadata
    graph.add((catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    if page.modified:
        graph.add((catalog, DCTERMS.modified, timestamp(page.modified)))
    service = data_service(graph, node, page.datasets)
    graph.add((catalog, DCAT.service, service))
    for dataset in page.datasets:
        graph.add((catalog, DCAT.dataset, dataset_node(graph, dataset)))
    paging(graph, page, page_url=page_url, page_link=page_link)
    return graph


def dataset_graph(dataset: Dataset) -> Graph:
    """One dataset with its distributions, publisher and contact, as its own IRI describes it."""
    graph = new_graph()
    dataset_node(graph, dataset)
    return graph


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def catalog_iri() -> str:
    return f"{settings.HUB_BASE_URL}/catalog"


def dataset_node(graph: Graph, dataset: Dataset) -> URIRef:
    """The dataset: what it is, who publishes it, where and when it applies, how to get it."""
    node, lab, kind = URIRef(dataset.iri), dataset.lab, dataset.kind
    graph.add((node, RDF.type, DCAT.Dataset))
    texts(graph, node, DCTERMS.title, kind.title, lab=lab.name)
    texts(graph, node, DCTERMS.description, kind.description, lab=lab.name, city=lab.city)
    graph.add((node, DCTERMS.identifier, Literal(dataset.iri)))
    graph.add((node, DCTERMS.publisher, lab_agent(graph, lab)))
    graph.add((node, DCAT.contactPoint, contact_point(graph, lab)))
    for keyword in kind.keywords:
        texts(graph, node, DCAT.keyword, keyword)
    graph.add((node, DCAT.keyword, Literal(lab.city, lang="de")))
    for theme in kind.themes:
        graph.add((node, DCAT.theme, URIRef(EU_THEME + theme)))
    place(graph, node, lab)
    period(graph, node, dataset.start, dataset.end)
    graph.add((node, DCTERMS.issued, timestamp(dataset.issued)))
    graph.add((node, DCTERMS.modified, timestamp(dataset.modified)))
    graph.add((node, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/UPDATE_CONT")))
    graph.add((node, DCAT.landingPage, URIRef(lab.iri)))
    for extension in kind.downloads:
        graph.add((node, DCAT.distribution, distribution(graph, dataset, extension)))
    return node


def distribution(graph: Graph, dataset: Dataset, extension: str) -> URIRef:
    """One download of the dataset, under the licence all its items allow together."""
    file_type, media_type, label = FORMATS[extension]
    url = URIRef(f"{dataset.iri}.{extension}")
    node = URIRef(f"{dataset.iri}#{extension}")
    graph.add((node, RDF.type, DCAT.Distribution))
    for language in LANGUAGES:
        with translation.override(language):
            title = str(dataset.kind.title) % {"lab": dataset.lab.name}
        graph.add((node, DCTERMS.title, Literal(f"{title} ({label})", lang=language)))
    graph.add((node, DCAT.accessURL, url))
    graph.add((node, DCAT.downloadURL, url))
    graph.add((node, DCTERMS.format, URIRef(f"{EU}file-type/{file_type}")))
    graph.add((node, DCAT.mediaType, URIRef(IANA + media_type)))
    graph.add((node, DCTERMS.modified, timestamp(dataset.modified)))
    licence = dataset.licence
    graph.add((node, DCTERMS.license, URIRef(licence.iri)))
    if not licence.is_exact:
        graph.add((node, DCTERMS.rights, Literal(" ".join(licence.creative_commons))))
    if licence.needs_attribution:
        graph.add((node, DCATDE.licenseAttributionByText, Literal(dataset.lab.name)))
    return node


def data_service(graph: Graph, node: Node, datasets: Iterable[Dataset]) -> URIRef:
    """The REST API, which serves every dataset's items too."""
    base = settings.HUB_BASE_URL
    service = URIRef(f"{base}/api/")
    graph.add((service, RDF.type, DCAT.DataService))
    texts(graph, service, DCTERMS.title, SERVICE_TITLE, node=node.name)
    texts(graph, service, DCTERMS.description, SERVICE_DESCRIPTION)
    graph.add((service, DCAT.endpointURL, URIRef(f"{base}/api/")))
    graph.add((service, DCAT.endpointDescription, URIRef(f"{base}/api/schema/")))
    graph.add((service, FOAF.page, URIRef(f"{base}/api/docs/")))
    graph.add((service, DCTERMS.publisher, node_agent(graph, node)))
    for dataset in datasets:
        graph.add((service, DCAT.servesDataset, URIRef(dataset.iri)))
    return service


def node_agent(graph: Graph, node: Node) -> URIRef:
    """The node as the catalog's publisher."""
    agent = URIRef(node.iri)
    graph.add((agent, RDF.type, FOAF.Organization))
    graph.add((agent, RDF.type, FOAF.Agent))  # stated, so that no reasoning is needed to see an Agent
    graph.add((agent, FOAF.name, Literal(node.name)))
    graph.add((agent, FOAF.homepage, URIRef(node.iri)))
    return agent


def lab_agent(graph: Graph, lab: Lab) -> URIRef:
    """The lab as its datasets' publisher."""
    agent = URIRef(lab.iri)
    graph.add((agent, RDF.type, FOAF.Organization))
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, FOAF.name, Literal(lab.name)))
    graph.add((agent, FOAF.homepage, URIRef(lab.website or lab.iri)))
    if lab.email:
        graph.add((agent, FOAF.mbox, URIRef(f"mailto:{lab.email}")))
    return agent


def contact_point(graph: Graph, lab: Lab) -> URIRef:
    """The lab's public contact: its e-mail when it gives one, and always a web page."""
    contact = URIRef(f"{lab.iri}#contact")
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(lab.name)))
    if lab.email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{lab.email}")))
    graph.add((contact, VCARD.hasURL, URIRef(lab.website or lab.iri)))
    return contact


def place(graph: Graph, dataset: URIRef, lab: Lab) -> None:
    """The municipality by its regional key (when the lab has one), its name, and the lab's position."""
    graph.add((dataset, DCATDE.geocodingDescription, Literal(lab.city, lang="de")))
    geocoding = political_geocoding_uri(lab.regional_key)
    if geocoding:
        graph.add((dataset, DCATDE.politicalGeocodingURI, URIRef(geocoding)))
        graph.add((dataset, DCATDE.politicalGeocodingLevelURI, URIRef(MUNICIPALITY_LEVEL)))
        graph.add((dataset, DCTERMS.spatial, URIRef(geocoding)))
    if lab.latitude is not None and lab.longitude is not None:
        location = BNode()
        graph.add((dataset, DCTERMS.spatial, location))
        graph.add((location, RDF.type, DCTERMS.Location))
        graph.add((location, DCAT.centroid, Literal(f"POINT({lab.longitude} {lab.latitude})", datatype=GSP.wktLiteral)))


def period(graph: Graph, dataset: URIRef, start: datetime | None, end: datetime | None) -> None:
    """The time the dataset's items span."""
    if start is None or end is None:
        return
    span = BNode()
    graph.add((dataset, DCTERMS.temporal, span))
    graph.add((span, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((span, DCAT.startDate, timestamp(start)))
    graph.add((span, DCAT.endDate, timestamp(end)))


def paging(graph: Graph, page: CatalogPage, *, page_url: str, page_link) -> None:
    """Where this page stands, as ckanext-dcat writes it: a hydra:PagedCollection, its links as literals.

    Both the current names (``hydra:next``) and the ones ckanext-dcat also writes for older harvesters
    (``hydra:nextPage``) are given.
    """
    collection = URIRef(page_url)
    graph.add((collection, RDF.type, HYDRA.PagedCollection))
    graph.add((collection, HYDRA.totalItems, Literal(page.total)))
    graph.add((collection, HYDRA.itemsPerPage, Literal(page.size)))
    links = {"first": 1, "last": page.last}
    if page.number > 1:
        links["previous"] = min(page.number - 1, page.last)
    if page.number < page.last:
        links["next"] = page.number + 1
    for name, number in links.items():
        for predicate in (HYDRA[name], HYDRA[f"{name}Page"]):
            graph.add((collection, predicate, Literal(page_link(number))))


def texts(graph: Graph, subject: URIRef, predicate: URIRef, message, **values: str) -> None:
    """A translated text in German and English."""
    for language in LANGUAGES:
        with translation.override(language):
            text = str(message)
        graph.add((subject, predicate, Literal(text % values if values else text, lang=language)))


def timestamp(moment: datetime) -> Literal:
    """A time as xsd:dateTime in UTC."""
    return Literal(moment.astimezone(UTC).isoformat(timespec="seconds"), datatype=XSD.dateTime)
