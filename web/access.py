"""Who may use the staff pages: people holding a role (``hub.roles``); others are sent to the login page or refused.

These checks only decide which page to show; the services check every write again with the same
kernel functions, so a page can never allow what the API or the admin would refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.roles import (
    raise_unless_coordinator,
    raise_unless_has_role,
    raise_unless_may_edit,
    raise_unless_node_admin,
)
from hub.selectors import local_node

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Send anonymous readers to the login page; refuse logged-in people who hold no role, saying so."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("login"))
        raise_unless_has_role(actor=request.user)
        return view(request, *args, **kwargs)

    return guarded


def writer_required(view: View) -> View:
    """A staff page for people who write items: lab editors and node administrators."""

    @staff_required
    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        raise_unless_may_edit(actor=request.user, lab=None)
        return view(request, *args, **kwargs)

    return guarded


def node_admin_required(action: str) -> Callable[[View], View]:
    """A staff page for node administrators; ``action`` says what it is for, in the refusal."""

    def decorate(view: View) -> View:
        @staff_required
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            raise_unless_node_admin(actor=request.user, action=action)
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def coordinator_required(view: View) -> View:
    """A page of the network's figures for coordinators and node administrators."""

    @staff_required
    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        raise_unless_coordinator(actor=request.user, action=SEEING_IMPACT)
        return view(request, *args, **kwargs)

    return guarded


SEEING_IMPACT = gettext_lazy("see the impact view")


def page(request: HttpRequest, template: str, context: dict | None = None, *, status: int = 200) -> HttpResponse:
    """A page of this node: the template with the node and the given context."""
    return render(request, template, {"node": local_node(), **(context or {})}, status=status)


def confirm_delete(request: HttpRequest, item, *, delete: Callable[[], None], cancel_url: str) -> HttpResponse:
    """The staff's delete page of an item: a confirmation on GET; on POST the deletion, then the start page."""
    if request.method == "POST":
        delete()
        messages.success(request, _("“%(title)s” was deleted.") % {"title": item.title})
        return redirect("staff-home")
    return page(request, "web/staff/confirm_delete.html", {"item": item, "cancel_url": cancel_url})
