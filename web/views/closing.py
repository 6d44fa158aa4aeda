"""The staff's pages after an event: its closing report, and the participants' feedback with the short link to show.

For the lab editors of the event's lab (and node administrators); the services check every write
again. The feedback page shows what participants wrote, so no browser or proxy keeps it.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.closing.feedback import (
    feedback_from_paper,
    feedback_link_for,
    feedback_quote,
    feedback_window,
)
from events.closing.figures import feedback_summary
from events.closing.selectors import closing_prefill, closing_report_of, feedback_answers_for_staff
from events.closing.services import closing_report_write, raise_unless_closable
from events.models import Event, FeedbackAnswer
from events.registrations.mails import event_when
from hub.choices import StaircaseStep, staircase_level
from hub.problems import Conflict
from hub.roles import raise_unless_may_edit
from web.access import page, writer_required
from web.closing import (
    STAIRCASE_LEVELS,
    feedback_short_url,
    method_choices,
    methods_used,
    qr_code_svg,
)
from web.forms import ClosingReportForm, FeedbackForm, form_add_service_errors

REPORT_FORM_FIELDS = ("attendees", "target_groups_reached", "contributions_count", "contributions", "method_iris",
                      "report", "staircase_step", "staircase_evidence", "published")


def _own_event(request: HttpRequest, uuid: UUID) -> Event:
    """This node's event, if the person writes its lab's items (else 403); 404 for others' events."""
    event = get_object_or_404(Event.objects.select_related("lab", "origin"), uuid=uuid)
    if not event.is_local:
        raise Http404
    raise_unless_may_edit(actor=request.user, lab=event.lab_id)
    return event


@never_cache
@writer_required
@require_http_methods(["GET", "POST"])
def closing_report_edit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Write or change the event's closing report; it offers an experience report for each method used."""
    event = _own_event(request, uuid)
    report = closing_report_of(event)
    try:
        raise_unless_closable(event)
    except Conflict as refusal:
        return page(request, "web/closing/closing_report.html", _context(event, report) | {"refusal": refusal.message})
    form = ClosingReportForm(request.POST or None, initial=_initial(event, report),
                             methods=method_choices(event, report, include_network=True))
    other_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            closing_report_write(event=event, actor=request.user, **form.report_fields())
        except ValidationError as error:
            other_errors = form_add_service_errors(form, error)
        except Conflict as refusal:
            other_errors = [refusal.message]
        else:
            messages.success(request, _("The closing report was saved."))
            return redirect("staff-event-closing", uuid=event.uuid)
    status = 400 if request.method == "POST" else 200
    return page(request, "web/closing/closing_report.html", _context(event, report) | {
        "form": form, "other_errors": other_errors}, status=status)


def _initial(event: Event, report) -> dict:
    if report is None:
        return closing_prefill(event) | {"contributions_count": 0}
    return {name: getattr(report, name) for name in REPORT_FORM_FIELDS}


def _context(event: Event, report) -> dict:
    return {
        "event": event, "report": report, "when": event_when(event), "summary": feedback_summary(event, report),
        "methods_used": methods_used(report, include_network=True) if report else [],
        "staircase": [(step.value, step.label, STAIRCASE_LEVELS[staircase_level(step.value)]) for step in StaircaseStep],
    }


@never_cache
@writer_required
@require_http_methods(["GET", "POST"])
def event_feedback(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The participants' answers with their texts; publish a text as a quote or take it back; the short link to show."""
    event = _own_event(request, uuid)
    paper = FeedbackForm(prefix="paper")
    if request.method == "POST" and "answer" in request.POST:
        return _quote(request, event)
    if request.method == "POST":
        paper = FeedbackForm(request.POST, prefix="paper")
        if paper.is_valid() and _paper_saved(request, event, paper):
            return redirect("staff-event-feedback", uuid=event.uuid)
    link = feedback_link_for(event=event, actor=request.user)
    url = feedback_short_url(link.code)
    opens, closes = feedback_window(event)
    return page(request, "web/closing/feedback.html", {
        "event": event, "when": event_when(event), "summary": feedback_summary(event), "short_url": url,
        "qr_code": qr_code_svg(url, label=_("QR code of the feedback link %(url)s") % {"url": url}),
        "answers": feedback_answers_for_staff(event=event, actor=request.user), "opens": opens, "closes": closes,
        "report": closing_report_of(event), "paper": paper,
    }, status=400 if paper.is_bound else 200)


def _paper_saved(request: HttpRequest, event: Event, form: FeedbackForm) -> bool:
    """Keep an answer from a paper card; whether it was kept (else the form says why)."""
    try:
        feedback_from_paper(event=event, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        form_add_service_errors(form, error)
        return False
    except Conflict as refusal:
        form.add_error(None, refusal.message)
        return False
    messages.success(request, _("The answer from the paper card was added."))
    return True


def _quote(request: HttpRequest, event: Event) -> HttpResponse:
    answer_id = request.POST.get("answer", "")
    if not answer_id.isdigit():
        raise Http404
    answer = get_object_or_404(FeedbackAnswer, event=event, pk=int(answer_id))
    quoted = request.POST.get("quoted") == "1"
    try:
        feedback_quote(answer=answer, quoted=quoted, actor=request.user)
    except Conflict as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The text is published as a quote of the closing report.") if quoted
                         else _("The quote was taken back; the text is internal again."))
    return redirect("staff-event-feedback", uuid=event.uuid)


@never_cache
@writer_required
def event_feedback_print(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A sheet to print or show at the event: the question, the short link and its QR code."""
    event = _own_event(request, uuid)
    url = feedback_short_url(feedback_link_for(event=event, actor=request.user).code)
    return page(request, "web/closing/feedback_print.html", {
        "event": event, "short_url": url,
        "qr_code": qr_code_svg(url, label=_("QR code of the feedback link %(url)s") % {"url": url}),
    })
