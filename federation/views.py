"""What the node publishes for other nodes: its descriptor, its vocabulary, its feed, and the peering endpoints."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from oauth2_provider import views as oauth_views

from federation.blocklists import blocklist_signed_document
from federation.blocks import token_refusal
from federation.codecs.shape import is_http_iri
from federation.feed import descriptor_document, feed_page, feed_page_json
from federation.models import Peer
from federation.paging import DEFAULT_LIMIT, MAX_LIMIT
from federation.peering import JoinRefused, peer_admit
from federation.pins import trusted_pins
from federation.tasks import sync_peer_task
from federation.throttle import client_of, throttle_count, throttle_wait
from hub.access import bearer_token
from hub.negotiation import jsonld_response
from hub.problems import problem_response
from hub.selectors import local_node

VOCABULARY_FILE = Path(__file__).with_name("contexts") / "stadtlabor-v1.jsonld"
MAX_JOIN_BODY = 16 * 1024

log = logging.getLogger(__name__)


@require_GET
def node_descriptor(request: HttpRequest) -> HttpResponse:
    """GET /.well-known/stadtlabor: the signed node descriptor, the controller document of the node's key."""
    document = descriptor_document(local_node().iri)
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


def peer_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let through only requests with a valid token carrying the ``federation`` scope, of a node not refused."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = bearer_token(request)
        if token is None:
            return problem_response(
                401, "This endpoint is for peer nodes: send a bearer token with scope federation.",
                headers={"WWW-Authenticate": 'Bearer scope="federation"'},
            )
        if "federation" not in token.scopes:
            return problem_response(403, "The token lacks the scope federation.")
        refusal = token_refusal(application_id=token.application_id)
        if refusal:
            return problem_response(403, refusal)
        request.peer_token = token
        return view(request, *args, **kwargs)

    return guarded


@require_GET
@peer_only
def feed(request: HttpRequest) -> HttpResponse:
    """GET /api/federation/feed?after=CURSOR&limit=N: the change feed, oldest change first."""
    after, limit = request.GET.get("after", "0") or "0", request.GET.get("limit", str(DEFAULT_LIMIT))
    if not (after.isascii() and after.isdigit()) or len(after) > 20:
        return problem_response(400, "after must be a cursor from a previous page, or 0 to start.")
    if not (limit.isascii() and limit.isdigit()) or len(limit) > 6 or not 1 <= int(limit) <= 10_000:
        return problem_response(400, f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    limit_value = min(int(limit), MAX_LIMIT)
    page = feed_page(after=int(after), limit=limit_value)
    body = feed_page_json(page, feed_url=f"{settings.HUB_BASE_URL}/api/federation/feed", limit=limit_value)
    return HttpResponse(body, content_type="application/activity+json; charset=utf-8")


@require_GET
@peer_only
def relayed_descriptor(request: HttpRequest) -> HttpResponse:
    """GET /api/federation/descriptor?iri=NODE: the signed descriptor of a node whose key this node pinned
    from that node itself (or an operator confirmed); a key learnt from a relay is not vouched for."""
    iri = request.GET.get("iri", "")
    if not is_http_iri(iri):
        return problem_response(400, "iri must be the absolute http(s) IRI of a node.")
    vouched = iri == local_node().iri or iri in trusted_pins({iri})
    document = descriptor_document(iri) if vouched else None
    if document is None:
        return problem_response(404, "This node holds no descriptor for that node.")
    return jsonld_response(document)


@csrf_exempt
@require_POST
@peer_only
def nudge(request: HttpRequest) -> HttpResponse:
    """POST /api/federation/nudge: a peer tells this node it has changes; the pull is queued."""
    peer = Peer.objects.filter(application_id=request.peer_token.application_id).first()
    if peer is None:
        return problem_response(403, "The token does not belong to a peer of this node.")
    Peer.objects.filter(pk=peer.pk).update(nudged_at=timezone.now())  # a running sync then runs once more
    transaction.on_commit(lambda: sync_peer_task.delay(peer.pk))
    return JsonResponse({"queued": True}, status=202)


@require_GET
@peer_only
def blocklist(request: HttpRequest) -> HttpResponse:
    """GET /api/federation/blocklist: this node's block list, signed, for its peers (if it publishes one)."""
    if not settings.HUB_BLOCKLIST_PUBLISH:
        return problem_response(404, "This node does not publish a block list.")
    return jsonld_response(blocklist_signed_document())


class TokenView(oauth_views.TokenView):
    """POST /o/token/: django-oauth-toolkit's token endpoint, where an address that failed to authenticate
    a client ``HUB_THROTTLE_TOKEN`` times waits (429) before it may try again, so client secrets cannot be guessed."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        client = client_of(request)
        wait = throttle_wait(scope="token", client=client, rate=settings.HUB_THROTTLE_TOKEN, count=False)
        if wait is not None:
            log.info("Token request refused: too many failed client authentications from %s", client)
            answer = {"error": "slow_down", "error_description": "Too many failed attempts; try again later."}
            return JsonResponse(answer, status=429, headers={"Retry-After": str(wait), "Cache-Control": "no-store"})
        response = super().post(request, *args, **kwargs)
        if response.status_code == 401:
            throttle_count(scope="token", client=client, rate=settings.HUB_THROTTLE_TOKEN)
        return response


@csrf_exempt
@require_POST
def join(request: HttpRequest) -> HttpResponse:
    """POST /api/federation/join: a node holding this node's invitation asks to peer (throttled per client)."""
    client = client_of(request)
    wait = throttle_wait(scope="join", client=client, rate=settings.HUB_THROTTLE_JOIN)
    if wait is not None:
        log.info("Join refused: too many join requests from %s", client)
        detail = _("Too many join requests from this address; try again later.")
        return problem_response(429, detail, headers={"Retry-After": str(wait)})
    try:
        payload = _join_payload(request)
        peer, credentials = peer_admit(
            invitation_id=payload["invitation"], secret=payload["secret"], node_url=payload["node"],
            client_id=payload["client_id"], client_secret=payload["client_secret"],
        )
    except ValueError as error:
        return problem_response(400, _("The join request cannot be read: %(error)s") % {"error": error})
    except JoinRefused as error:
        log.warning("Join from %s refused: %s", client, error.reason)
        return problem_response(error.status, str(error))
    transaction.on_commit(lambda: sync_peer_task.delay(peer.pk))
    return JsonResponse(credentials, status=201)


def _join_payload(request: HttpRequest) -> dict[str, str]:
    if len(request.body) > MAX_JOIN_BODY:
        raise ValueError("the request body is too large")
    payload = orjson.loads(request.body)
    fields = ("invitation", "secret", "node", "client_id", "client_secret")
    if not isinstance(payload, dict) or not all(isinstance(payload.get(name), str) for name in fields):
        raise ValueError("the body must be a JSON object with " + ", ".join(fields))
    return payload
