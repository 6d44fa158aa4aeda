"""Who may use the staff pages: logged-in staff; others are sent to the login page or refused."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

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
