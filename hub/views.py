"""The node's own pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from events.selectors import events_upcoming
from hub.selectors import labs_visible, local_node
from methods.selectors import methods_recent


def home(request: HttpRequest) -> HttpResponse:
    """The start page: upcoming events, recently shared methods, the labs."""
    include_network = request.user.is_authenticated and request.user.is_staff
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
