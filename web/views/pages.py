"""The node's own pages: home, login, and the pages for errors."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from events.selectors import events_upcoming
from hub.access import can_see_network
from hub.roles import RoleRequired, grants_of
from hub.selectors import labs_visible, local_node_or_none
from hub.services.items import MirroredItemError
from methods.selectors import methods_recent
from web.access import page

HOME_EVENTS = 6
HOME_METHODS = 6


def home(request: HttpRequest) -> HttpResponse:
    """The start page: upcoming events across the network, recently shared methods, the labs."""
    include_network = can_see_network(request)
    labs = list(labs_visible(include_network=include_network))
    return page(request, "web/home.html", {
        "events": events_upcoming(include_network=include_network)[:HOME_EVENTS],
        "methods": methods_recent(include_network=include_network)[:HOME_METHODS],
        "labs": labs,
        "cities": sorted({lab.city for lab in labs}, key=str.casefold),
    })


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page (also before the node has its identity)."""
    return render(request, "web/not_found.html", {"node": local_node_or_none()}, status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page, saying why when the reason is known (a mirrored item is read-only, a role is missing)."""
    if isinstance(exception, MirroredItemError):
        reason = _("“%(item)s” is mirrored from %(origin)s: only its origin node can change it.") % {
            "item": exception.item, "origin": exception.item.origin.name,
        }
    elif isinstance(exception, RoleRequired):
        reason = str(exception)
    else:
        reason = ""
    context = {"node": local_node_or_none(), "reason": reason}
    return render(request, "web/forbidden.html", context, status=403)


def login_locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """429 for an account and address locked out after too many failed sign-ins (django-axes calls it)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"node": local_node_or_none(), "minutes": minutes}
    response = render(request, "web/locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


class LoginView(auth_views.LoginView):
    """Django's login, on this node's page."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(node=local_node_or_none(), **kwargs)

    def get_default_redirect_url(self) -> str:
        """People with a role land on their start page, others on the home page."""
        return reverse("staff-home") if grants_of(self.request.user).reads_network else reverse("home")
