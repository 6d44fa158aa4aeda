"""Experience reports on the pages: a report's page, the staff's form, and the figures of a method's JSON-LD.

The form is reached from a method's page, from a closing report (one link per method used, with the
event), or from the staff's start page: ``/staff/experience-reports/new?method=<IRI>&event=<IRI>``.
"""

from __future__ import annotations

import json
from functools import cached_property, partial
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from events.models import Event
from events.selectors import events_visible
from experience.models import ExperienceReport
from experience.selectors import method_experience, report_for_reader
from experience.services import (
    REPORT_FIELDS,
    experience_report_create,
    experience_report_delete,
    experience_report_update,
)
from hub.access import can_see_network
from hub.choices import Visibility
from hub.negotiation import jsonld_response
from hub.roles import grants_of, labs_editable, raise_unless_may_edit
from hub.services.items import MirroredItemError
from methods.models import MethodCard
from methods.selectors import method_for_reader, methods_visible
from web.access import confirm_delete, page, writer_required
from web.experience import experience_document
from web.forms import ExperienceReportForm, form_add_service_errors
from web.items import gone_response, item_response

EVENT_CHOICES = 50


def report_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """An experience report, local or mirrored, as a page or as its signed document."""
    report = report_for_reader(uuid=uuid, include_network=can_see_network(request))
    if report is None:
        return gone_response(request, f"/reports/{uuid}")
    return item_response(request, report, template="web/experience/report_detail.html",
                         context={"report_page": ReportPage(request, report)})


class ReportPage:
    """What a report's page shows beside it: its method and event when this node holds them."""

    def __init__(self, request: HttpRequest, report: ExperienceReport) -> None:
        self.include_network = can_see_network(request)
        self.report = report
        self.user = request.user

    @cached_property
    def method(self) -> MethodCard | None:
        return methods_visible(include_network=self.include_network).filter(iri=self.report.method_iri).first()

    @cached_property
    def event(self) -> Event | None:
        if not self.report.event_iri:
            return None
        return events_visible(include_network=self.include_network).filter(iri=self.report.event_iri).first()

    @cached_property
    def editable(self) -> bool:
        """Whether the person may change this report: it is this node's, of a lab they write for."""
        return self.report.is_local and grants_of(self.user).may_edit(self.report.lab_id)


@require_GET
def method_experience_view(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The figures this node counted for a method, as JSON-LD of their own (never inside the origin's document)."""
    include_network = can_see_network(request)
    method = method_for_reader(uuid=uuid, include_network=include_network, include_drafts=False)
    if method is None:
        raise Http404
    figures = method_experience(method_iri=method.iri, include_network=include_network)
    document = experience_document(method=method, figures=figures, url=request.build_absolute_uri(request.path))
    response = jsonld_response(json.dumps(document, ensure_ascii=False))
    response["Cache-Control"] = "no-cache"
    return response


@writer_required
@require_http_methods(["GET", "POST"])
def report_create_view(request: HttpRequest) -> HttpResponse:
    """Write an experience report; ``?method=`` and ``?event=`` (IRIs) choose the method and the event."""
    return _report_form(request, None)


@writer_required
@require_http_methods(["GET", "POST"])
def report_edit_view(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Change a report of one of the person's labs; mirrored reports are read-only."""
    return _report_form(request, _writable_report_or_404(request, uuid))


@writer_required
@require_http_methods(["GET", "POST"])
def report_delete_view(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Confirm, then delete a report of one of the person's labs."""
    report = _writable_report_or_404(request, uuid)
    delete = partial(experience_report_delete, report=report, actor=request.user)
    return confirm_delete(request, report, delete=delete, cancel_url=report_url(report))


def _report_form(request: HttpRequest, report: ExperienceReport | None) -> HttpResponse:
    method_iri = request.GET.get("method", "") if report is None else report.method_iri
    event_iri = request.GET.get("event", "") if report is None else report.event_iri
    event = Event.objects.filter(iri=event_iri).exclude(visibility=Visibility.DRAFT).first() if event_iri else None
    initial = ExperienceReportForm.initial_of(report) if report else _initial(method_iri, event)
    form = ExperienceReportForm(
        request.POST or None, initial=initial, labs=labs_editable(request.user),
        methods=_method_choices(method_iri), events=_event_choices(method_iri or request.POST.get("method_iri", ""), event),
    )
    other_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in REPORT_FIELDS}
        try:
            if report is None:
                saved = experience_report_create(actor=request.user, **fields)
            else:
                saved = experience_report_update(report=report, actor=request.user, **fields)
        except ValidationError as error:
            other_errors = form_add_service_errors(form, error)
        else:
            messages.success(request, _("The experience report was saved and shared with the network."))
            return redirect(report_url(saved))
    return page(request, "web/experience/report_form.html", {
        "form": form, "report": report, "method": _method(form, method_iri), "other_errors": other_errors,
    }, status=400 if request.method == "POST" else 200)


def _initial(method_iri: str, event: Event | None) -> dict:
    """A new report's values: the method asked for, and what the event says (its day, its target groups)."""
    initial = {"method_iri": method_iri, "date": timezone.localdate(), "visibility": Visibility.PUBLIC}
    if event is not None:
        initial |= {"event_iri": event.iri, "date": timezone.localtime(event.start).date(),
                    "target_groups": list(event.target_groups)}
        if event.lab is not None and event.lab.is_local:
            initial["lab"] = event.lab_id
    return initial


def _method_choices(method_iri: str) -> list[tuple[str, str]]:
    """Every method this node holds and shows to its staff (its own and mirrored), by title."""
    methods = methods_visible(include_network=True).order_by("title", "pk").values_list("iri", "title", "lab__city")
    return [(iri, f"{title} ({city})" if city else title) for iri, title, city in methods]


def _event_choices(method_iri: str, event: Event | None) -> list[tuple[str, str]]:
    """The event asked for and the latest events of the network that used the method."""
    events = list(events_visible(include_network=True).filter(method_iris__has=method_iri).order_by("-start")
                  [:EVENT_CHOICES]) if method_iri else []
    if event is not None and event not in events:
        events.insert(0, event)
    return [(item.iri, f"{item.title} ({timezone.localtime(item.start).date().isoformat()})") for item in events]


def _method(form: ExperienceReportForm, method_iri: str) -> MethodCard | None:
    """The method the report is about, when one was chosen and this node holds it."""
    iri = form.data.get("method_iri") if form.is_bound else method_iri
    return MethodCard.objects.filter(iri=iri).first() if iri else None


def report_url(report: ExperienceReport) -> str:
    """The report's page."""
    return reverse("report-detail", kwargs={"uuid": report.uuid})


def _writable_report_or_404(request: HttpRequest, uuid: UUID) -> ExperienceReport:
    """The report, if it is this node's and the person may write its lab's items (as the services will check)."""
    report = ExperienceReport.objects.select_related("lab", "origin").filter(uuid=uuid).first()
    if report is None:
        raise Http404
    if not report.is_local:
        raise MirroredItemError(report)
    raise_unless_may_edit(actor=request.user, lab=report.lab_id)
    return report
