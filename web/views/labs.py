"""The labs: every lab the reader may see, and one lab's page with its events, methods and ideas."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from events.selectors import events_past, events_upcoming
from hub.access import can_see_drafts, can_see_network
from hub.models import ChangeLogEntry, Lab
from hub.selectors import lab_for_reader, labs_visible
from ideas.selectors import ideas_of_lab
from methods.selectors import methods_visible
from web import network
from web.access import page
from web.forms import IdeaForm
from web.items import gone_response, item_response
from web.links import lab_iri_candidates, lab_path

LAB_EVENTS = 12
LAB_IDEAS = 20


def lab_list(request: HttpRequest) -> HttpResponse:
    """Every lab the reader may see, local and mirrored, by city."""
    rows = network.labs_with_counts(include_network=can_see_network(request))
    return page(request, "web/labs/lab_list.html", {"rows": rows})


def lab_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One of this node's labs as a page or as its signed document."""
    iri = f"{settings.HUB_BASE_URL}/labs/{slug}"
    lab = lab_for_reader(iri=iri, include_network=can_see_network(request), include_drafts=can_see_drafts(request))
    if lab is None:
        return gone_response(request, f"/labs/{slug}")
    return item_response(request, lab, template="web/labs/lab_detail.html", context={"lab_page": LabPage(request, lab)})


def lab_mirrored(request: HttpRequest, host: str, slug: str) -> HttpResponse:
    """A lab mirrored from another node, at /labs/{its host}/{slug}."""
    include_network = can_see_network(request)
    lab = labs_visible(include_network=include_network).filter(iri__in=lab_iri_candidates(host, slug)).first()
    if lab is None:
        if _deleted_lab(host, slug):
            return gone_response(request, f"/labs/{slug}")
        return page(request, "web/not_found.html", status=404)
    if lab.is_local:
        return redirect(lab_path(lab), permanent=True)
    return page(request, "web/labs/lab_detail.html", {"item": lab, "lab_page": LabPage(request, lab)})


def _deleted_lab(host: str, slug: str) -> bool:
    return ChangeLogEntry.objects.filter(iri__in=lab_iri_candidates(host, slug), deleted=True).exists()


class LabPage:
    """What a lab's page shows beside the lab, read only when the page is rendered."""

    def __init__(self, request: HttpRequest, lab: Lab, *, idea_form=None, idea_errors: list[str] | None = None) -> None:
        self.include_network = can_see_network(request)
        self.lab = lab
        self._idea_form, self.idea_errors = idea_form, idea_errors or []

    def upcoming(self):
        return events_upcoming(include_network=self.include_network).filter(lab_id=self.lab.iri)[:LAB_EVENTS]

    def past(self):
        return events_past(include_network=self.include_network).filter(lab_id=self.lab.iri)[:LAB_EVENTS]

    def methods(self):
        return methods_visible(include_network=self.include_network).filter(lab_id=self.lab.iri).order_by("title")

    def ideas(self):
        return ideas_of_lab(lab=self.lab, include_network=self.include_network)[:LAB_IDEAS]

    def idea_form(self):
        """The form for a new idea, on this node's own labs only (a mirrored lab takes ideas on its node)."""
        if not self.lab.is_local:
            return None
        if self._idea_form is None:
            self._idea_form = IdeaForm()
        return self._idea_form
