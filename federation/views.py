"""What the node publishes for other nodes: its descriptor and the vocabulary it speaks."""

from functools import cache
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from hub.models import ChangeLogEntry
from hub.negotiation import jsonld_response
from hub.selectors import local_node

VOCABULARY_FILE = Path(__file__).with_name("contexts") / "stadtlabor-v1.jsonld"


@require_GET
def node_descriptor(request: HttpRequest) -> HttpResponse:
    """GET /.well-known/stadtlabor: the signed node descriptor, the controller document of the node's key."""
    document = ChangeLogEntry.objects.filter(iri=local_node().iri).values_list("document", flat=True).first()
    if not document:
        raise Http404("This node has not published its descriptor yet.")
    return jsonld_response(document)


@require_GET
def vocabulary(request: HttpRequest) -> HttpResponse:
    """GET /ns/v1: this node's copy of the network vocabulary (https://w3id.org/stadtlabor/v1)."""
    response = HttpResponse(_vocabulary_bytes(), content_type="application/ld+json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=86400"
    return response


@cache
def _vocabulary_bytes() -> bytes:
    return VOCABULARY_FILE.read_bytes()
