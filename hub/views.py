"""The node's own pages."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from events.selectors import events_upcoming
from hub.access import can_see_network
from hub.items import gone_response, item_response
from hub.selectors import lab_for_reader, labs_visible, local_node
from methods.selectors import methods_recent


def home(request: HttpRequest) -> HttpResponse:
    """The start page: upcoming events, recently shared methods, the labs."""
    include_network = can_see_network(request)
    return render(
        request,
        "hub/home.html",
        {
            "node": local_node(),
            "events": events_upcoming(include_network=include_network)[:10],
            "methods": methods_recent(include_network=include_network)[:10],
            "labs": labs_visible(include_network=include_network),
        },
    )


def lab_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One of this node's labs as a page or as its signed document."""
    iri = f"{settings.HUB_BASE_URL}/labs/{slug}"
    lab = lab_for_reader(iri=iri, include_network=can_see_network(request), include_drafts=request.user.is_staff)
    if lab is None:
        return gone_response(request, f"/labs/{slug}")
    return item_response(request, lab, template="hub/lab_detail.html")
