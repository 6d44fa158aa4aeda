"""The open data catalog: ``/catalog`` in Turtle, RDF/XML or JSON-LD, each dataset's description, and its downloads.

Nothing here depends on who asks: only public items of this node's public labs are read, for a visitor,
a harvester and the lab's staff alike, so that the catalog a portal harvests is the one anybody sees.
"""

from __future__ import annotations

from datetime import datetime, time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe
from rdflib import Graph

from events.calendar import calendar_bytes
from federation.feed import AS_CONTEXT, collection_json
from hub.choices import Visibility
from hub.csv_files import csv_response
from hub.models import ChangeLogEntry, Lab
from hub.negotiation import preferred_type
from hub.problems import problem_response
from hub.selectors import changelog_head, local_node
from opendata.datasets import catalog_datasets, catalog_page
from opendata.graph import PREFIXES, catalog_graph, dataset_graph
from opendata.kinds import KIND_BY_KEY, DatasetKind

# Whole pages of the catalog (no modified_since) are kept rendered until the change log moves, in the
# per-process cache of rendered pages the API's lists use too; an hour at most.
PAGES_CACHE = "pages"
KEPT_SECONDS = 3600
# The serialisations of the catalog: extension -> (media type, rdflib's name for it).
RDF_FORMATS = {
    "ttl": ("text/turtle", "turtle"),
    "rdf": ("application/rdf+xml", "pretty-xml"),
    "jsonld": ("application/ld+json", "json-ld"),
}
BY_MEDIA_TYPE = {media_type: extension for extension, (media_type, _) in RDF_FORMATS.items()}
OFFERED = [media_type for media_type, _ in RDF_FORMATS.values()]
PAGE_DETAIL = "page must be a whole number from 1, such as page=2; got “%s”."
SINCE_DETAIL = ("modified_since must be an ISO 8601 date or time, such as 2025-05-01 or 2025-05-01T12:00:00+02:00; "
                "got “%s”.")


class BadParameter(Exception):
    """A query parameter the catalog cannot read; its message is the problem's detail."""


@require_safe
def catalog(request: HttpRequest, extension: str | None = None) -> HttpResponse:
    """GET /catalog (negotiated) or /catalog.ttl, .rdf, .jsonld: one page of the catalog, ``?page=``, ``?modified_since=``."""
    negotiated = extension is None
    extension = extension or _negotiated(request)
    if extension is None:
        return _not_acceptable()
    try:
        number, since = _page_number(request), _modified_since(request)
    except BadParameter as error:
        return problem_response(400, str(error), instance=request.path)
    key = None if since else _kept_page_key(request.path, extension, number)
    body = caches[PAGES_CACHE].get(key) if key else None
    if body is None:
        page = catalog_page(number=number, modified_since=since)
        if number > page.last:
            return problem_response(404, f"This catalog has {page.last} page(s); page {number} does not exist.",
                                    instance=request.path)

        def page_link(n: int) -> str:
            query = {"modified_since": request.GET["modified_since"]} if since else {}
            return f"{settings.HUB_BASE_URL}{request.path}?{urlencode(query | {'page': n})}"

        body = _serialised(catalog_graph(page, node=local_node(), page_url=page_link(number), page_link=page_link),
                           extension)
        if key:
            caches[PAGES_CACHE].set(key, body, KEPT_SECONDS)
    return _rdf_response(body, extension, negotiated=negotiated)


def _kept_page_key(path: str, extension: str, number: int) -> str:
    """Everything a whole catalog's page depends on: every change to it moves the change log's head (labs,
    items, deletions, the node), and the page size and address shape its links."""
    return f"opendata-catalog:{changelog_head()}:{settings.HUB_CATALOG_PAGE_SIZE}:{path}:{extension}:{number}"


@require_safe
def dataset(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """GET /catalog/<lab>/<kind>: the dataset's own description (negotiated like /catalog)."""
    extension = _negotiated(request)
    if extension is None:
        return _not_acceptable()
    lab, dataset_kind = _lab_and_kind(slug, kind)
    found = [d for d in catalog_datasets([lab]) if d.kind == dataset_kind] if lab and dataset_kind else []
    if not found:
        return problem_response(404, "No such dataset in this node's catalog.", instance=request.path)
    return _rdf_response(_serialised(dataset_graph(found[0]), extension), extension, negotiated=True)


@require_safe
def distribution(request: HttpRequest, slug: str, kind: str, extension: str) -> HttpResponse:
    """GET /catalog/<lab>/<kind>.csv, .jsonld, .ics: the dataset's public items."""
    lab, dataset_kind = _lab_and_kind(slug, kind)
    if lab is None or dataset_kind is None or extension not in dataset_kind.downloads:
        return problem_response(404, "No such download in this node's catalog.", instance=request.path)
    items = _public_items(lab, dataset_kind)
    if extension == "csv":
        return _open(csv_response(filename=f"{lab.slug}-{dataset_kind.key}.csv",
                                  columns=[name for name, _ in dataset_kind.columns],
                                  rows=([read(item) for _, read in dataset_kind.columns] for item in items)))
    if extension == "ics":
        return _open(HttpResponse(calendar_bytes(items, name=lab.name), content_type="text/calendar; charset=utf-8"))
    return _open(HttpResponse(_collection(request, items), content_type="application/ld+json; charset=utf-8"))


def _lab_and_kind(slug: str, kind: str) -> tuple[Lab | None, DatasetKind | None]:
    lab = Lab.objects.filter(origin__is_local=True, visibility=Visibility.PUBLIC, slug=slug).first()
    return lab, KIND_BY_KEY.get(kind)


def _public_items(lab: Lab, kind: DatasetKind) -> list:
    items = kind.items().filter(lab_id=lab.iri, visibility=Visibility.PUBLIC).order_by(kind.period[0], "pk")
    return list(items.prefetch_related(*kind.prefetch))


def _collection(request: HttpRequest, items: list) -> bytes:
    """The items' signed documents as an ActivityStreams collection, each as its origin signed it."""
    iris = [item.iri for item in items]
    stored = dict(ChangeLogEntry.objects.filter(iri__in=iris, deleted=False).exclude(document="")
                  .values_list("iri", "document"))
    documents = [stored[iri] for iri in iris if iri in stored]
    head = {"@context": AS_CONTEXT, "id": settings.HUB_BASE_URL + request.path, "type": "OrderedCollection",
            "totalItems": len(documents)}
    return collection_json(head, documents)


def _negotiated(request: HttpRequest) -> str | None:
    chosen = preferred_type(request, OFFERED)
    return BY_MEDIA_TYPE.get(chosen) if chosen else None


def _not_acceptable() -> HttpResponse:
    return problem_response(406, "This address offers " + ", ".join(OFFERED) + ".")


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise BadParameter(PAGE_DETAIL % raw[:40])
    return int(raw)


def _modified_since(request: HttpRequest) -> datetime | None:
    """The time given, in the node's zone when it names none; a day means its first moment."""
    raw = request.GET.get("modified_since")
    if raw is None:
        return None
    text = raw.strip().replace(" ", "+")  # an unencoded "+" of an offset arrives as a space
    try:
        moment = parse_datetime(text)
        day = None if moment else parse_date(text)
    except ValueError:
        moment = day = None
    if day is not None:
        moment = datetime.combine(day, time.min)
    if moment is None:
        raise BadParameter(SINCE_DETAIL % raw[:40])
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _serialised(graph: Graph, extension: str) -> bytes:
    rdflib_format = RDF_FORMATS[extension][1]
    options = {"context": {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}, "indent": 2} \
        if rdflib_format == "json-ld" else {}
    return graph.serialize(format=rdflib_format, encoding="utf-8", **options)


def _rdf_response(body: bytes, extension: str, *, negotiated: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=f"{RDF_FORMATS[extension][0]}; charset=utf-8")
    if negotiated:
        response["Vary"] = "Accept"
    return _open(response)


def _open(response: HttpResponse) -> HttpResponse:
    """Open data: any web page may read it."""
    response["Access-Control-Allow-Origin"] = "*"
    return response

