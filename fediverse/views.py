"""The fediverse face's endpoints: WebFinger, NodeInfo, actors, outboxes, objects, inboxes, avatars.

Thin: each reads through ``selectors``, answers with ``documents``, and leaves the inbox's work to
``inbox``; refusals are problem details (``hub.problems``).
"""

from __future__ import annotations

import uuid
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from fediverse import documents, iris, selectors
from fediverse.documents.collections import PAGE_SIZE, last_page
from fediverse.icons import lab_icon_png
from fediverse.inbox import InboxRefusal, inbox_receive
from hub.models import Lab
from hub.problems import problem_response

ACTIVITY_JSON = "application/activity+json"
JRD_JSON = "application/jrd+json"
NOT_FOUND = gettext_lazy("No public lab or item of this node has this address.")


def _fediverse_on(view):
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.HUB_FEDIVERSE:
            return problem_response(404, _("This node does not take part in the fediverse."))
        return view(request, *args, **kwargs)

    return checked


def _with_public_lab(view):
    """Give the view the public lab its slug names, or answer 404."""
    @wraps(view)
    def found(request: HttpRequest, slug: str) -> HttpResponse:
        lab = selectors.public_lab(slug)
        if lab is None:
            return problem_response(404, str(NOT_FOUND))
        return view(request, lab)

    return found


def _json(document: dict[str, Any], *, content_type: str = ACTIVITY_JSON, status: int = 200) -> JsonResponse:
    response = JsonResponse(document, status=status, content_type=content_type, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _wants_html(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "json" not in accept


@require_GET
@_fediverse_on
def webfinger(request: HttpRequest) -> HttpResponse:
    """``/.well-known/webfinger?resource=acct:slug@host``: where a lab's actor is."""
    resource = request.GET.get("resource", "")
    if not resource:
        return problem_response(400, _("Give the account to look up as ?resource=acct:name@host."))
    lab = selectors.public_lab(_slug_of(resource))
    if lab is None:
        return problem_response(404, _("No public lab of this node has the account %(resource)s.") % {"resource": resource[:200]})
    return _json(documents.webfinger_document(lab), content_type=JRD_JSON)


def _slug_of(resource: str) -> str:
    """The lab slug a WebFinger resource names: ``acct:slug@host``, or the actor's or lab page's URL."""
    if resource.startswith("acct:"):
        name, _at, host = resource[5:].lstrip("@").rpartition("@")
        return name if host.lower() == iris.host() else ""
    for prefix in (iris.absolute("/ap/labs/"), iris.absolute("/labs/")):
        if resource.startswith(prefix):
            return resource[len(prefix):].rstrip("/")
    return ""


@require_GET
@_fediverse_on
def nodeinfo_links(request: HttpRequest) -> HttpResponse:
    """``/.well-known/nodeinfo``."""
    return _json(documents.nodeinfo_links(), content_type="application/json")


@require_GET
@_fediverse_on
def nodeinfo(request: HttpRequest, version: str) -> HttpResponse:
    """The NodeInfo document, 2.0 or 2.1."""
    if version not in documents.actors.NODEINFO_SCHEMAS:
        return problem_response(404, _("This node serves NodeInfo 2.0 and 2.1."))
    document = documents.nodeinfo_document(version, node=selectors.local_node(), labs=selectors.public_labs().count(),
                                            posts=selectors.public_item_count())
    schema = documents.actors.NODEINFO_SCHEMAS[version]
    return _json(document, content_type=f'application/json; profile="{schema}#"')


@require_GET
@_fediverse_on
@_with_public_lab
def actor(request: HttpRequest, lab: Lab) -> HttpResponse:
    """A public lab's actor (a browser is sent to the lab's page)."""
    if _wants_html(request):
        return HttpResponseRedirect(iris.lab_page(lab))
    response = _json(documents.actor_document(lab))
    response["Vary"] = "Accept"
    return response


@require_GET
@_fediverse_on
@_with_public_lab
def outbox(request: HttpRequest, lab: Lab) -> HttpResponse:
    """A public lab's outbox: the collection, or one page of it with ``?page=N``."""
    total = selectors.outbox_total(lab)
    page = request.GET.get("page")
    if page is None:
        return _json(documents.outbox_document(lab, total=total))
    if not page.isdigit() or not 1 <= int(page) <= last_page(total):
        return problem_response(404, _("The outbox has pages 1 to %(last)d.") % {"last": last_page(total)})
    number = int(page)
    items = selectors.outbox_items(lab, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return _json(documents.outbox_page(lab, page=number, items=items, total=total))


@require_GET
@_fediverse_on
@_with_public_lab
def followers(request: HttpRequest, lab: Lab) -> HttpResponse:
    """How many follow a public lab (never who)."""
    return _json(documents.followers_document(lab, total=selectors.followers_count(lab)))


def _object(item_type: str):
    @require_GET
    @_fediverse_on
    def view(request: HttpRequest, uuid: uuid.UUID) -> HttpResponse:
        item = selectors.public_item(item_type, uuid)
        if item is None:
            return problem_response(404, str(NOT_FOUND))
        if _wants_html(request):
            return HttpResponseRedirect(iris.item_page(item))
        return _json(documents.object_document(item))

    view.__doc__ = f"A public {item_type} as an ActivityStreams object."
    return view


event_object = _object("Event")
method_object = _object("MethodCard")


@require_GET
@_fediverse_on
@_with_public_lab
@cache_control(public=True, max_age=86400)
def icon(request: HttpRequest, lab: Lab) -> HttpResponse:
    """A public lab's avatar."""
    return HttpResponse(lab_icon_png(lab.slug), content_type="image/png")


@csrf_exempt
@require_POST
@_fediverse_on
@_with_public_lab
def inbox(request: HttpRequest, lab: Lab) -> HttpResponse:
    """A public lab's inbox: Follow, Undo of a Follow, Delete of a follower; anything else is refused."""
    return _receive(request, lab)


@csrf_exempt
@require_POST
@_fediverse_on
def shared_inbox(request: HttpRequest) -> HttpResponse:
    """The node's shared inbox: the same as a lab's, for any of its public labs."""
    return _receive(request, None)


def _receive(request: HttpRequest, lab: Lab | None) -> HttpResponse:
    try:
        inbox_receive(request, lab=lab)
    except InboxRefusal as refusal:
        headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
        return problem_response(refusal.status, refusal.detail, headers=headers)
    return HttpResponse(status=202)
