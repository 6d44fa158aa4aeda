"""Serving one item at its IRI: an HTML page, its signed JSON-LD document, or another format."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from hub.models import ChangeLogEntry, FederatedItem
from hub.negotiation import HTML, JSON_LD, jsonld_response, not_acceptable, preferred_type
from hub.selectors import local_node

Renderer = Callable[[FederatedItem], HttpResponse]


def item_response(
    request: HttpRequest, item: FederatedItem, *, template: str, context: dict | None = None,
    formats: dict[str, Renderer] | None = None,
) -> HttpResponse:
    """The item in the format the client prefers; 406 if it accepts none of them."""
    formats = formats or {}
    offered = [HTML, JSON_LD, *formats]
    kind = preferred_type(request, offered)
    if kind is None:
        return not_acceptable(offered)
    if kind == JSON_LD:
        response = jsonld_response(_document(item))
    elif kind in formats:
        response = formats[kind](item)
    else:
        response = render(request, template, {"item": item, "node": local_node(), **(context or {})})
    patch_vary_headers(response, ["Accept"])
    return response


def gone_response(request: HttpRequest, path: str) -> HttpResponse:
    """410 for a deleted item of any origin at ``path`` (``/methods/{uuid}``): its tombstone or a short page."""
    tombstones = ChangeLogEntry.objects.filter(deleted=True)
    entry = tombstones.filter(iri=settings.HUB_BASE_URL + path).first() or tombstones.filter(iri__endswith=path).first()
    if entry is None:
        raise Http404
    if preferred_type(request, [HTML, JSON_LD]) == JSON_LD:
        response = jsonld_response(entry.document)
    else:
        response = render(request, "web/gone.html", {"node": local_node(), "entry": entry})
    response.status_code = 410
    return response


def _document(item: FederatedItem) -> str:
    document = ChangeLogEntry.objects.filter(iri=item.iri, deleted=False).values_list("document", flat=True).first()
    if not document:
        raise Http404("This item has no published document.")
    return document
