"""Who may use the staff pages: logged-in staff; others are sent to the login page or refused."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hub.selectors import local_node

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Send anonymous readers to the login page; refuse logged-in people who are not staff."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("login"))
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


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
