"""Ideas on the pages: the form on a lab's page, an idea's page, the network's ideas, and the staff's moderation.

What citizens send is shown only as escaped plain text with its line breaks (``|plain``): an address
in it never becomes a link, before moderation or after. The author's name is shown to the lab's
staff only, and their e-mail address to nobody: the pages say whether one was left.
"""

from __future__ import annotations

import logging
from functools import partial
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events.models import Event
from events.selectors import events_visible
from federation.throttle import request_wait
from hub.access import can_see_network
from hub.models import Lab
from hub.roles import grants_of, labs_editable, raise_unless_may_edit
from hub.services.items import MirroredItemError
from ideas.filters import IdeaFilterSet
from ideas.models import Idea, IdeaStatus
from ideas.selectors import idea_for_reader, ideas_for_moderation, ideas_visible, lab_for_ideas
from ideas.services import (
    idea_answer,
    idea_decline,
    idea_delete,
    idea_link,
    idea_publish,
    idea_submit,
)
from methods.models import MethodCard
from methods.selectors import methods_visible
from web.access import confirm_delete, page, writer_required
from web.forms import (
    IdeaAnswerForm,
    IdeaDeclineForm,
    IdeaForm,
    IdeaLinkForm,
    IdeaPublishForm,
    form_add_service_errors,
)
from web.items import gone_response, item_response
from web.links import lab_path
from web.paging import PAGE_SIZES, page_of
from web.views.labs import LabPage

log = logging.getLogger(__name__)

THROTTLE_SCOPE = "ideas"  # shared with the API's POST /api/labs/{slug}/ideas/: one count per address
LINK_CHOICES = 300


@require_http_methods(["GET", "POST"])
def idea_submit_view(request: HttpRequest, slug: str) -> HttpResponse:
    """POST /labs/{slug}/ideas/: take a citizen's idea for one of this node's labs; GET leads to the form."""
    lab = lab_for_ideas(slug=slug)
    if lab is None:
        raise Http404
    if request.method == "GET":
        return redirect(lab_path(lab) + "#idea-form")
    form = IdeaForm(request.POST)
    wait = request_wait(request, scope=THROTTLE_SCOPE, rate=settings.HUB_THROTTLE_IDEAS)
    if wait is not None:
        minutes = max(1, -(-wait // 60))
        message = _("You have sent many ideas in a short time. Please try again in %(minutes)d minutes.") % {
            "minutes": minutes
        }
        response = _lab_page_with_form(request, lab, form, status=429, other_errors=[message])
        response["Retry-After"] = str(wait)
        return response
    if form.is_robot:
        log.info("idea form of %s: the hidden field was filled in; nothing kept", lab.slug)
        return _thanked(request, lab)
    if form.is_valid():
        data = form.cleaned_data
        try:
            idea_submit(lab=lab, title=data["title"], text=data["text"], district=data["district"],
                        author_name=data["name"], author_email=data["email"], language=translation.get_language())
        except ValidationError as error:
            return _lab_page_with_form(request, lab, form, status=400, other_errors=form_add_service_errors(form, error))
        return _thanked(request, lab)
    return _lab_page_with_form(request, lab, form, status=400)


def _thanked(request: HttpRequest, lab: Lab) -> HttpResponse:
    messages.success(request, _("Thank you for your idea! The lab reads every idea before it appears on this page."))
    return redirect(lab_path(lab) + "#lab-ideas")


def _lab_page_with_form(request, lab: Lab, form: IdeaForm, *, status: int, other_errors=()) -> HttpResponse:
    return page(request, "web/labs/lab_detail.html", {
        "item": lab, "lab_page": LabPage(request, lab, idea_form=form, idea_errors=list(other_errors)),
    }, status=status)


def idea_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A published idea, local or mirrored, as a page or as its signed document."""
    idea = idea_for_reader(uuid=uuid, include_network=can_see_network(request))
    if idea is None:
        return gone_response(request, f"/ideas/{uuid}")
    return item_response(request, idea, template="web/ideas/idea_detail.html",
                         context={"idea_page": IdeaPage(request, idea)})


class IdeaPage:
    """What an idea's page shows beside it: the events and methods that took it up, if the reader may see them."""

    def __init__(self, request: HttpRequest, idea: Idea) -> None:
        self.include_network = can_see_network(request)
        self.idea, self.user = idea, request.user

    def events(self) -> list[Event]:
        return list(events_visible(include_network=self.include_network).filter(iri__in=self.idea.event_iris))

    def methods(self) -> list[MethodCard]:
        return list(methods_visible(include_network=self.include_network).filter(iri__in=self.idea.method_iris))

    def editable(self) -> bool:
        """Whether the person may moderate this idea: it is this node's, of a lab they write for."""
        return self.idea.is_local and grants_of(self.user).may_edit(self.idea.lab_id)


def idea_list(request: HttpRequest) -> HttpResponse:
    """GET /ideas/: the published ideas of the whole network, newest first, with their lab and city."""
    include_network = can_see_network(request)
    filterset = IdeaFilterSet(request.GET, queryset=ideas_visible(include_network=include_network))
    ideas = filterset.qs if filterset.is_valid() else ideas_visible(include_network=include_network)
    cities = ideas_visible(include_network=include_network).exclude(lab=None).order_by("lab__city")
    return page(request, "web/ideas/idea_list.html", {
        "page": page_of(ideas, request.GET), "page_sizes": PAGE_SIZES, "filterset": filterset,
        "cities": cities.values_list("lab__city", flat=True).distinct(),
        "city": request.GET.get("city", ""), "q": request.GET.get("q", ""),
    })


# --- staff ------------------------------------------------------------------------------------


@writer_required
def staff_ideas(request: HttpRequest) -> HttpResponse:
    """The ideas of the labs the person edits: those waiting for moderation, then the published and declined."""
    ideas = list(ideas_for_moderation(labs=labs_editable(request.user)))
    groups = [
        ("waiting", _("Waiting for moderation"), [i for i in ideas if i.status == IdeaStatus.SUBMITTED]),
        ("published", _("Published"), [i for i in ideas if i.is_public_item]),
        ("declined", _("Declined"), [i for i in ideas if i.status == IdeaStatus.DECLINED]),
    ]
    return page(request, "web/staff/ideas.html", {"groups": groups})


ACTIONS = ("publish", "decline", "answer", "link")


@writer_required
@require_http_methods(["GET", "POST"])
def staff_idea(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """One idea of the person's labs: publish or decline it, answer it, link what took it up."""
    idea = _moderated_idea_or_404(request, uuid)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = _moderation_forms(idea, request.POST if action in ACTIONS else None, action)
    if action in ACTIONS and forms[action].is_valid():
        try:
            _moderate(idea, action, forms[action].cleaned_data, actor=request.user)
        except ValidationError as error:
            forms["other_errors"] = form_add_service_errors(forms[action], error)
        else:
            messages.success(request, DONE[action]() % {"title": idea.title})
            return redirect("staff-idea", uuid=idea.uuid)
    status = 400 if action in ACTIONS else 200
    return page(request, "web/staff/idea.html", {"idea": idea, "action": action, **forms}, status=status)


DONE = {
    "publish": lambda: _("“%(title)s” was published."),
    "decline": lambda: _("“%(title)s” was declined."),
    "answer": lambda: _("The answer to “%(title)s” was saved."),
    "link": lambda: _("The links of “%(title)s” were saved."),
}


def _moderate(idea: Idea, action: str, data: dict, *, actor) -> None:
    if action == "publish":
        idea_publish(idea=idea, actor=actor, answer=data["answer"], visibility=data["visibility"])
    elif action == "decline":
        idea_decline(idea=idea, actor=actor, reason=data["reason"])
    elif action == "answer":
        idea_answer(idea=idea, actor=actor, answer=data["answer"])
    else:
        idea_link(idea=idea, actor=actor, event_iris=data["event_iris"], method_iris=data["method_iris"])


def _moderation_forms(idea: Idea, data, action: str | None) -> dict:
    """The forms the idea's status allows, the one acted on bound to what was sent."""
    bound = {name: (data if action == name else None) for name in ACTIONS}
    if idea.status == IdeaStatus.SUBMITTED:
        return {"publish": IdeaPublishForm(bound["publish"]), "decline": IdeaDeclineForm(bound["decline"])}
    if idea.is_public_item:
        return {
            "answer": IdeaAnswerForm(bound["answer"], initial={"answer": idea.answer}),
            "link": IdeaLinkForm(bound["link"], initial={"event_iris": idea.event_iris, "method_iris": idea.method_iris},
                                 events=_event_choices(idea), methods=_method_choices(idea)),
        }
    return {}


def _event_choices(idea: Idea) -> list[tuple[str, str]]:
    """This node's published events, the idea's lab's first, newest first; those linked already stay offered."""
    events = events_visible(include_network=True).filter(origin__is_local=True).order_by("-start")[:LINK_CHOICES]
    linked = events_visible(include_network=True).filter(iri__in=idea.event_iris)
    chosen = {event.iri: event for event in [*linked, *events]}
    return [(iri, f"{event.title} ({event.start:%d.%m.%Y}, {event.lab.name if event.lab else ''})")
            for iri, event in sorted(chosen.items(), key=lambda pair: (pair[1].lab_id != idea.lab_id, -pair[1].start.timestamp()))]


def _method_choices(idea: Idea) -> list[tuple[str, str]]:
    """The method cards of the network this node holds, by title; those linked already stay offered."""
    methods = methods_visible(include_network=True).order_by("title", "pk")[:LINK_CHOICES]
    linked = methods_visible(include_network=True).filter(iri__in=idea.method_iris)
    chosen = {method.iri: method for method in [*methods, *linked]}
    return [(iri, f"{method.title} ({method.lab.name if method.lab else method.origin.name})")
            for iri, method in sorted(chosen.items(), key=lambda pair: pair[1].title.lower())]


@writer_required
@require_http_methods(["GET", "POST"])
def staff_idea_delete(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Confirm, then delete an idea of one of the person's labs (spam, or withdrawn)."""
    idea = _moderated_idea_or_404(request, uuid)
    delete = partial(idea_delete, idea=idea, actor=request.user)
    return confirm_delete(request, idea, delete=delete, cancel_url=reverse("staff-idea", kwargs={"uuid": idea.uuid}))


def _moderated_idea_or_404(request: HttpRequest, uuid: UUID) -> Idea:
    """The idea, if it is this node's and the person may write its lab's items (as the services will check)."""
    idea = Idea.objects.select_related("lab", "origin").filter(uuid=uuid).first()
    if idea is None:
        raise Http404
    if not idea.is_local:
        raise MirroredItemError(idea)
    raise_unless_may_edit(actor=request.user, lab=idea.lab_id)
    return idea
