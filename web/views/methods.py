"""The method pages: the catalog, a method card, and the staff's forms for this node's cards."""

from __future__ import annotations

from functools import cached_property, partial
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events.selectors import events_visible
from experience.models import ExperienceReport
from experience.selectors import Experience, method_experience, reports_about
from hub.access import can_see_drafts, can_see_network
from hub.choices import TargetGroup, Visibility
from hub.negotiation import HTML, JSON_LD, preferred_type
from hub.roles import grants_of, labs_editable, raise_unless_may_edit
from hub.services.items import MirroredItemError
from methods.models import MethodCard
from methods.selectors import method_for_reader, methods_visible
from methods.services import (
    METHOD_FIELDS,
    method_adapt,
    method_create,
    method_delete,
    method_update,
)
from web.access import confirm_delete, page, writer_required
from web.catalog import ORDERINGS, catalog_methods
from web.experience import experience_link, staircase_chart
from web.family import method_family
from web.forms import (
    AdaptForm,
    MethodForm,
    form_add_service_errors,
    steps_formset,
    steps_from,
    steps_more,
)
from web.items import gone_response, item_response
from web.kept import kept_page
from web.paging import PAGE_SIZES

LATEST_REPORTS = 5


def method_list(request: HttpRequest) -> HttpResponse:
    """The catalog: search and filters with counts, and the methods with their lab and city (kept for anonymous readers)."""

    def render(extra: dict) -> HttpResponse:
        catalog = catalog_methods(data=request.GET, include_network=can_see_network(request))
        return page(request, "web/methods/method_list.html", {
            "catalog": catalog, "orderings": ORDERINGS, "page_sizes": PAGE_SIZES,
            "per_page": catalog.page.paginator.per_page, **extra,
        })

    return kept_page(request, render)


def method_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A method card as a page (kept for anonymous readers) or as its signed document."""

    def render(extra: dict) -> HttpResponse:
        method = method_for_reader(
            uuid=uuid, include_network=can_see_network(request), include_drafts=can_see_drafts(request)
        )
        if method is None:
            return gone_response(request, f"/methods/{uuid}")
        response = item_response(request, method, template="web/methods/method_detail.html",
                                 context={"method_page": MethodPage(request, method), **extra})
        # The node's own figures live apart from the signed document, which is served unchanged.
        figures = request.build_absolute_uri(reverse("method-experience", kwargs={"uuid": uuid}))
        response["Link"] = experience_link(figures)
        return response

    return kept_page(request, render, variant=preferred_type(request, [HTML, JSON_LD]) or "")


class MethodPage:
    """What a method's page shows beside the card, read only when the page is rendered."""

    def __init__(self, request: HttpRequest, method: MethodCard) -> None:
        self.include_network = can_see_network(request)
        self.method = method
        self.user = request.user

    @cached_property
    def family(self):
        return method_family(self.method, include_network=self.include_network)

    @cached_property
    def translations(self) -> list[tuple[str, MethodCard | None]]:
        """Each translation's IRI with the card when this node holds it."""
        found = {m.iri: m for m in methods_visible(include_network=self.include_network).filter(iri__in=self.method.translations)}
        return [(iri, found.get(iri)) for iri in self.method.translations]

    @cached_property
    def events(self):
        """Events that use this method."""
        return events_visible(include_network=self.include_network).filter(method_iris__has=self.method.iri).order_by("-start")[:10]

    @cached_property
    def experience(self) -> Experience:
        """The figures of the reports about this method that the reader may see, as kept on every write."""
        return method_experience(method_iri=self.method.iri, include_network=self.include_network)

    @cached_property
    def reports(self) -> list[ExperienceReport]:
        """The latest reports about this method, in full."""
        if not self.experience.reports:
            return []
        return list(reports_about(method_iri=self.method.iri, include_network=self.include_network)[:LATEST_REPORTS])

    @cached_property
    def reached_groups(self) -> list[tuple[str, int]]:
        """The target groups the reports reached, by their translated names, with how many reports reached each."""
        names = dict(TargetGroup.choices)
        return [(str(names[group]), count) for group, count in self.experience.reached_groups]

    @cached_property
    def staircase_chart(self):
        return staircase_chart(self.experience)

    @cached_property
    def may_report(self) -> bool:
        """Whether the person writes items of a lab, and so may report on using this method."""
        return grants_of(self.user).writes_items

    @cached_property
    def adapt_form(self) -> AdaptForm | None:
        """The form to adapt the card into one of the person's labs, for those who write items."""
        return AdaptForm(labs=labs_editable(self.user)) if grants_of(self.user).writes_items else None

    @cached_property
    def editable(self) -> bool:
        """Whether the person may change this card: it is this node's, of a lab they write for."""
        return self.method.is_local and grants_of(self.user).may_edit(self.method.lab_id)


@writer_required
@require_POST
def method_adapt_view(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Adapt a method (mirrored or local) into one of the person's labs, as a draft to edit."""
    source = _method_or_404(uuid)
    form = AdaptForm(request.POST, labs=labs_editable(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose one of your labs to adapt the method into."))
        return redirect("method-detail", uuid=uuid)
    adapted = method_adapt(
        original=source, lab=form.cleaned_data["lab"], actor=request.user, visibility=Visibility.DRAFT
    )
    messages.success(request, _("Your lab's own version of “%(title)s” was created as a draft: check it and publish it.")
                     % {"title": source.title})
    return redirect("staff-method-edit", uuid=adapted.uuid)


@writer_required
@require_http_methods(["GET", "POST"])
def method_create_view(request: HttpRequest) -> HttpResponse:
    """Create a method card of this node."""
    return _method_form(request, None)


@writer_required
@require_http_methods(["GET", "POST"])
def method_edit_view(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Change a method card of one of the person's labs; mirrored cards are read-only."""
    return _method_form(request, _writable_method_or_404(request, uuid))


@writer_required
@require_http_methods(["GET", "POST"])
def method_delete_view(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Confirm, then delete a method card of one of the person's labs."""
    method = _writable_method_or_404(request, uuid)
    delete = partial(method_delete, method=method, actor=request.user)
    return confirm_delete(request, method, delete=delete, cancel_url=method_url(method))


def _method_form(request: HttpRequest, method: MethodCard | None) -> HttpResponse:
    form = MethodForm(request.POST or None, instance=method, labs=labs_editable(request.user))
    steps = steps_formset(method, request.POST if request.method == "POST" else None)
    other_errors: list[str] = []
    if request.method == "POST" and "more_steps" in request.POST:
        steps = steps_more(request.POST)
    elif request.method == "POST" and form.is_valid() & steps.is_valid():
        fields = {name: form.cleaned_data[name] for name in METHOD_FIELDS if name in form.cleaned_data}
        try:
            if method is None:
                saved = method_create(actor=request.user, steps=steps_from(steps), **fields)
            else:
                saved = method_update(method=method, actor=request.user, steps=steps_from(steps), **fields)
        except ValidationError as error:
            other_errors = form_add_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” was saved.") % {"title": saved.title})
            return redirect(method_url(saved))
    return page(request, "web/methods/method_form.html", {
        "form": form, "steps": steps, "method": method, "other_errors": other_errors,
    }, status=400 if request.method == "POST" and "more_steps" not in request.POST else 200)


def method_url(method: MethodCard) -> str:
    """The method's page."""
    return reverse("method-detail", kwargs={"uuid": method.uuid})


def _method_or_404(uuid: UUID) -> MethodCard:
    method = MethodCard.objects.select_related("lab", "origin").prefetch_related("steps").filter(uuid=uuid).first()
    if method is None:
        raise Http404
    return method


def _writable_method_or_404(request: HttpRequest, uuid: UUID) -> MethodCard:
    """The card, if it is this node's and the person may write its lab's items (as the services will check)."""
    method = _method_or_404(uuid)
    if not method.is_local:
        raise MirroredItemError(method)
    raise_unless_may_edit(actor=request.user, lab=method.lab_id)
    return method
