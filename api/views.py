"""The API's endpoints: thin views that read through selectors and write through the services."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.caching import CachedListMixin
from api.permissions import (
    AnyoneMaySend,
    WritersOnly,
    raise_unless_staff_writer,
    request_actor,
    sees_network_items,
    staff_actor,
)
from api.schema import TOKEN_PARAMETER, problems
from api.serializers import (
    CheckInInputSerializer,
    ClosingReportInputSerializer,
    ClosingReportOutputSerializer,
    EventInputSerializer,
    EventOutputSerializer,
    ExperienceReportInputSerializer,
    ExperienceReportOutputSerializer,
    FeedbackAnswerSerializer,
    FeedbackOutputSerializer,
    FeedbackQuoteInputSerializer,
    IdeaAnswerInputSerializer,
    IdeaDeclineInputSerializer,
    IdeaInputSerializer,
    IdeaLinksInputSerializer,
    IdeaModerationSerializer,
    IdeaOutputSerializer,
    IdeaPublishInputSerializer,
    IdeaSubmittedSerializer,
    LabOutputSerializer,
    MethodAdaptInputSerializer,
    MethodDetailOutputSerializer,
    MethodInputSerializer,
    MethodOutputSerializer,
    NodeOutputSerializer,
    RegistrationAcceptedSerializer,
    RegistrationDataSerializer,
    RegistrationInputSerializer,
    RegistrationListSerializer,
    RegistrationStaffSerializer,
    RegistrationStateSerializer,
    feedback_figures,
)
from api.throttling import AnonymousRateThrottle, ClientRateThrottle, RegistrationRateThrottle
from events.closing.feedback import feedback_quote
from events.closing.figures import feedback_summary
from events.closing.selectors import (
    closing_report_for_reader,
    closing_report_of,
    feedback_answers_for_staff,
)
from events.closing.services import closing_report_write
from events.filters import EventFilterSet
from events.models import LANGUAGES, Event, FeedbackAnswer, Registration
from events.registrations.selectors import registrations_for_staff
from events.registrations.services import (
    registration_cancel,
    registration_check_in,
    registration_confirm_by_token,
    registration_erase,
    registration_on_behalf,
    registration_request,
)
from events.registrations.tokens import registration_by_token
from events.selectors import events_listed, events_writable
from events.services import event_cancel, event_create, event_delete, event_update
from experience.filters import EXPERIENCE_ORDERINGS, MethodExperienceFilters, ReportFilterSet
from experience.selectors import method_experience, reports_visible, reports_writable
from experience.services import (
    experience_report_create,
    experience_report_delete,
    experience_report_update,
)
from federation.throttle import request_wait
from hub.filters import LabFilterSet, StableOrderingFilter
from hub.roles import grants_of, labs_editable
from hub.selectors import labs_listed, nodes_listed
from ideas.filters import IdeaFilterSet
from ideas.models import Idea, IdeaStatus
from ideas.selectors import (
    ideas_for_moderation,
    ideas_of_lab,
    ideas_visible,
    ideas_writable,
    lab_for_ideas,
)
from ideas.services import (
    idea_answer,
    idea_decline,
    idea_delete,
    idea_link,
    idea_publish,
    idea_submit,
)
from methods.filters import MethodFilterSet
from methods.selectors import methods_listed, methods_writable
from methods.services import method_adapt, method_create, method_delete, method_update

WRITE_ACTIONS = frozenset({"update", "partial_update", "destroy", "cancel", "checkins"})


class MethodCatalogFilterSet(MethodExperienceFilters, MethodFilterSet):
    """The method cards' filters with the network's experience: tried in at least N labs, worked with a group,
    and ``ordering=-experience_reports`` for the most tried (``-experience_labs``: tried by the most labs)."""

    ordering = StableOrderingFilter(fields=("title", "date_modified", "date_created", "duration_min", *EXPERIENCE_ORDERINGS))

    class Meta(MethodFilterSet.Meta):
        pass

    def __init__(self, *args, request: Request | None = None, **kwargs) -> None:
        include_network = sees_network_items(request) if request is not None else False
        super().__init__(*args, request=request, include_network=include_network, **kwargs)
LIST_PROBLEMS = problems(400, 401, 404)
DETAIL_PROBLEMS = problems(401, 404)
CREATE_PROBLEMS = problems(400, 401, 403, 413, 415)
UPDATE_PROBLEMS = problems(400, 401, 403, 404, 413, 415)
GUARDED_PROBLEMS = problems(401, 403, 404)
REGISTER_PROBLEMS = problems(400, 401, 403, 404, 409, 413, 415)
TOKEN_PROBLEMS = problems(404, 409)
# Nothing about a registration is kept by a browser or a proxy: it names a person.
NOT_STORED = {"Cache-Control": "private, no-store"}


def validated_data(serializer_class: type[serializers.Serializer], request: Request, *, partial: bool = False) -> dict:
    """The request body checked by the input serializer, or a 400 naming the invalid fields."""
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def created(data: dict, request: Request, url_name: str) -> Response:
    """A 201 response whose Location is the new item's address in the API."""
    location = request.build_absolute_uri(reverse(url_name, kwargs={"uuid": data["uuid"]}))
    return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


@extend_schema_view(
    list=extend_schema(
        summary="List method cards",
        # django-filter reads it as a decimal number up to 1e50 (NumberFilter), though durations are whole minutes.
        parameters=[OpenApiParameter("duration_max", {"type": "number", "maximum": 1e50},
                                     description="fits into this many minutes")],
        responses={200: MethodOutputSerializer, **LIST_PROBLEMS},
    ),
    retrieve=extend_schema(
        summary="Show a method card with the network's experience with it",
        description="`experience` holds the figures of the experience reports about the method that this node "
        "holds and the reader may see, counted by this node (they are not part of the document the method's "
        "origin signed).",
        responses={200: MethodDetailOutputSerializer, **DETAIL_PROBLEMS},
    ),
)
class MethodViewSet(CachedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Method cards, local and mirrored; this node's own can be written, any can be adapted."""

    lookup_field = "uuid"
    serializer_class = MethodOutputSerializer
    filterset_class = MethodCatalogFilterSet

    def get_queryset(self) -> QuerySet:
        """Writes find any method card and let the services guard it; reads see what the reader may."""
        if self.action in WRITE_ACTIONS:
            return methods_writable()
        return methods_listed(include_network=sees_network_items(self.request))

    def retrieve(self, request: Request, uuid: str) -> Response:
        """The method card, and the kept figures of the reports about it that the reader may see (kept like a list)."""

        def make() -> Response:
            method = self.get_object()
            figures = method_experience(method_iri=method.iri, include_network=sees_network_items(request))
            return Response(MethodDetailOutputSerializer(method, context={"experience": figures.as_data()}).data)

        return self.kept(request, make)

    @extend_schema(
        summary="Create a method card",
        request=MethodInputSerializer,
        responses={201: MethodOutputSerializer, **CREATE_PROBLEMS},
    )
    def create(self, request: Request) -> Response:
        """Create a method card of one of this node's labs."""
        method = method_create(actor=request_actor(request), **validated_data(MethodInputSerializer, request))
        return created(MethodOutputSerializer(method).data, request, "api:method-detail")

    @extend_schema(
        summary="Replace a method card",
        description="Omitted optional fields take their defaults; omitted `slug`, `visibility` and `based_on` stay.",
        request=MethodInputSerializer,
        responses={200: MethodOutputSerializer, **UPDATE_PROBLEMS},
    )
    def update(self, request: Request, uuid: str) -> Response:
        """Replace a method card of this node."""
        return self.write(request, partial=False)

    @extend_schema(
        summary="Change fields of a method card",
        request=MethodInputSerializer,
        responses={200: MethodOutputSerializer, **UPDATE_PROBLEMS},
    )
    def partial_update(self, request: Request, uuid: str) -> Response:
        """Change the given fields of a method card of this node."""
        return self.write(request, partial=True)

    def write(self, request: Request, *, partial: bool) -> Response:
        """Update the method card through the service, which refuses mirrored ones."""
        data = validated_data(MethodInputSerializer, request, partial=partial)
        method = method_update(method=self.get_object(), actor=request_actor(request), **data)
        return Response(MethodOutputSerializer(method).data)

    @extend_schema(summary="Delete a method card", responses={204: None, **GUARDED_PROBLEMS})
    def destroy(self, request: Request, uuid: str) -> Response:
        """Delete a method card of this node, leaving a tombstone for the network."""
        method_delete(method=self.get_object(), actor=request_actor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Adapt a method card for one of this node's labs",
        description="Creates this node's own version of a local or mirrored method card, `based_on` it. "
        "Only `lab` is required; other fields given replace the source's.",
        request=MethodAdaptInputSerializer,
        responses={201: MethodOutputSerializer, **UPDATE_PROBLEMS},
    )
    @action(detail=True, methods=["post"])
    def adapt(self, request: Request, uuid: str) -> Response:
        """Create a local method card based on this one."""
        data = validated_data(MethodAdaptInputSerializer, request, partial=True)
        method = method_adapt(original=self.get_object(), actor=request_actor(request), **data)
        return created(MethodOutputSerializer(method).data, request, "api:method-detail")


@extend_schema_view(
    list=extend_schema(summary="List events", responses={200: EventOutputSerializer, **LIST_PROBLEMS}),
    retrieve=extend_schema(summary="Show an event", responses={200: EventOutputSerializer, **DETAIL_PROBLEMS}),
)
class EventViewSet(CachedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Events, local and mirrored; this node's own can be written."""

    lookup_field = "uuid"
    serializer_class = EventOutputSerializer
    filterset_class = EventFilterSet

    def get_queryset(self) -> QuerySet:
        """Writes find any event and let the services guard it; reads see what the reader may."""
        if self.action in WRITE_ACTIONS:
            return events_writable()
        return events_listed(include_network=sees_network_items(self.request))

    @extend_schema(
        summary="Create an event",
        request=EventInputSerializer,
        responses={201: EventOutputSerializer, **CREATE_PROBLEMS},
    )
    def create(self, request: Request) -> Response:
        """Create an event of one of this node's labs."""
        event = event_create(actor=request_actor(request), **validated_data(EventInputSerializer, request))
        return created(EventOutputSerializer(event).data, request, "api:event-detail")

    @extend_schema(
        summary="Replace an event",
        description="Omitted optional fields take their defaults; omitted `visibility` and `status` stay.",
        request=EventInputSerializer,
        responses={200: EventOutputSerializer, **UPDATE_PROBLEMS},
    )
    def update(self, request: Request, uuid: str) -> Response:
        """Replace an event of this node."""
        return self.write(request, partial=False)

    @extend_schema(
        summary="Change fields of an event",
        request=EventInputSerializer,
        responses={200: EventOutputSerializer, **UPDATE_PROBLEMS},
    )
    def partial_update(self, request: Request, uuid: str) -> Response:
        """Change the given fields of an event of this node."""
        return self.write(request, partial=True)

    def write(self, request: Request, *, partial: bool) -> Response:
        """Update the event through the service, which refuses mirrored ones."""
        data = validated_data(EventInputSerializer, request, partial=partial)
        event = event_update(event=self.get_object(), actor=request_actor(request), **data)
        return Response(EventOutputSerializer(event).data)

    @extend_schema(summary="Delete an event", responses={204: None, **GUARDED_PROBLEMS})
    def destroy(self, request: Request, uuid: str) -> Response:
        """Delete an event of this node, leaving a tombstone for the network."""
        event_delete(event=self.get_object(), actor=request_actor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Cancel an event",
        description="The event stays listed with status `cancelled`, so that people learn of it.",
        request=None,
        responses={200: EventOutputSerializer, **GUARDED_PROBLEMS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, uuid: str) -> Response:
        """Mark an event of this node as cancelled."""
        return Response(EventOutputSerializer(event_cancel(event=self.get_object(), actor=request_actor(request))).data)

    @extend_schema(
        methods=["GET"],
        summary="List an event's registrations (staff)",
        description="The registrations of one of this node's events, in the order they came, with the event's "
        "counts; for the lab editors of its lab and node administrators (scope `write`).",
        responses={200: RegistrationListSerializer, **GUARDED_PROBLEMS},
        auth=[{"oauth2": ["write"]}, {"cookieAuth": []}],
    )
    @extend_schema(
        methods=["POST"],
        summary="Register for an event",
        description="Anyone may register without an account: the answer is `202` with `{\"status\": \"pending\"}` "
        "whether or not the address was registered already, and a mail asks to confirm (only a confirmed "
        "registration takes a seat). Staff (scope `write`) register someone by phone or at the desk with "
        "`on_behalf: true`: `201`, confirmed at once on a held-back seat if one is left. Limited per client "
        "address and per e-mail address (`HUB_THROTTLE_REGISTRATION`).",
        request=RegistrationInputSerializer,
        responses={202: RegistrationAcceptedSerializer, 201: RegistrationStaffSerializer, **REGISTER_PROBLEMS},
        auth=[{}, {"oauth2": ["write"]}],
    )
    @action(detail=True, methods=["get", "post"], permission_classes=[AllowAny],
            throttle_classes=[AnonymousRateThrottle, ClientRateThrottle, RegistrationRateThrottle])
    def registrations(self, request: Request, uuid: str) -> Response:
        """Register for the event (anyone, or staff on someone's behalf); staff list its registrations."""
        if request.method == "GET":
            raise_unless_staff_writer(request)
            event = self.event_writable(uuid)
            listed = registrations_for_staff(event=event, actor=request_actor(request))
            return Response(RegistrationListSerializer({"counts": event, "registrations": listed}).data, headers=NOT_STORED)
        data = validated_data(RegistrationInputSerializer, request)
        language = data.pop("language", None) or request_language()
        if data.pop("on_behalf"):
            raise_unless_staff_writer(request)
            data.pop("email"), data.pop("consent")
            registration = registration_on_behalf(event=self.event_writable(uuid), actor=request_actor(request),
                                                  language=language, **data)
            return Response(RegistrationStaffSerializer(registration).data, status=status.HTTP_201_CREATED,
                            headers=NOT_STORED)
        data.pop("note")
        registration_request(event=self.event_public(uuid), language=language, **data)
        return Response({"status": "pending"}, status=status.HTTP_202_ACCEPTED, headers=NOT_STORED)

    @extend_schema(
        summary="Check someone in (staff)",
        description="By the code in their mail or its QR code; counts the person and their companions.",
        request=CheckInInputSerializer,
        responses={200: RegistrationStaffSerializer, **problems(400, 401, 403, 404, 409, 413, 415)},
    )
    @action(detail=True, methods=["post"])
    def checkins(self, request: Request, uuid: str) -> Response:
        """Check in the registration with this code."""
        code = validated_data(CheckInInputSerializer, request)["code"]
        registration = registration_check_in(event=self.get_object(), code=code, actor=request_actor(request))
        return Response(RegistrationStaffSerializer(registration).data, headers=NOT_STORED)

    @extend_schema(
        methods=["GET"],
        summary="Show an event's closing report",
        description="Anyone who may see the event reads its published closing report; the lab editors of its lab "
        "(scope `write`, or a login) also read one not published yet. `404` when there is none to read.",
        responses={200: ClosingReportOutputSerializer, **DETAIL_PROBLEMS},
    )
    @extend_schema(
        methods=["PUT", "PATCH"],
        summary="Write an event's closing report (staff)",
        description="For the lab editors of the event's lab and node administrators (scope `write`), once the event "
        "is over (else `409`, as for a cancelled event). PUT writes the whole report (`201` when it is new), PATCH "
        "the fields given. With `published: true` the report is part of the event's page and signed document; "
        "`attendees` start, on the staff's page, from the people checked in.",
        request=ClosingReportInputSerializer,
        responses={200: ClosingReportOutputSerializer, 201: ClosingReportOutputSerializer,
                   **problems(400, 401, 403, 404, 409, 413, 415)},
    )
    @action(detail=True, methods=["get", "put", "patch"], url_path="closing-report")
    def closing_report(self, request: Request, uuid: str) -> Response:
        """Read the event's closing report, or write it (this node's events, their lab's editors)."""
        if request.method == "GET":
            event = self.event_public(uuid)
            report = closing_report_for_reader(event=event, actor=staff_actor(request))
            if report is None:
                raise NotFound(translation.gettext("This event has no published closing report."))
            return Response(ClosingReportOutputSerializer(report).data)
        event = self.event_writable(uuid)
        data = validated_data(ClosingReportInputSerializer, request, partial=request.method == "PATCH")
        existed = closing_report_of(event) is not None
        report = closing_report_write(event=event, actor=request_actor(request), **data)
        return Response(ClosingReportOutputSerializer(report).data,
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        summary="Show the participants' feedback on an event",
        description="The answers per face (1 very dissatisfied … 5 very satisfied) and the published quotes, as the "
        "published closing report gives them; `404` without one. The lab editors of a local event's lab (scope "
        "`write`, or a login) get the figures as they stand and every answer with its text (`answers_given`), which "
        "never leaves this node otherwise. No answer names who gave it.",
        responses={200: FeedbackOutputSerializer, **DETAIL_PROBLEMS},
    )
    @action(detail=True, methods=["get"], url_path="feedback")
    def feedback(self, request: Request, uuid: str) -> Response:
        """The event's feedback figures; its staff also get the answers."""
        event = self.event_public(uuid)
        actor = staff_actor(request)
        if event.is_local and grants_of(actor).may_edit(event.lab_id):
            answers = feedback_answers_for_staff(event=event, actor=actor)
            body = feedback_figures(feedback_summary(event)) | {
                "answers_given": FeedbackAnswerSerializer(answers, many=True).data}
            return Response(body, headers=NOT_STORED)
        report = closing_report_for_reader(event=event, actor=None)
        if report is None:
            raise NotFound(translation.gettext("This event has no published closing report."))
        return Response(feedback_figures(feedback_summary(event, report)))

    @extend_schema(
        summary="Publish an answer's text as a quote, or take it back (staff)",
        description="For the lab editors of the event's lab (scope `write`); at most ten quotes per report. A quote is "
        "part of the closing report (and its event's document once the report is published) and is kept with it.",
        request=FeedbackQuoteInputSerializer,
        responses={200: FeedbackAnswerSerializer, **problems(400, 401, 403, 404, 409, 413, 415)},
    )
    @action(detail=True, methods=["patch"], url_path=r"feedback/(?P<answer>[0-9]+)")
    def feedback_answer(self, request: Request, uuid: str, answer: str) -> Response:
        """Quote an answer in the closing report, or not."""
        event = self.event_writable(uuid)
        data = validated_data(FeedbackQuoteInputSerializer, request)
        found = get_object_or_404(FeedbackAnswer.objects.filter(event=event), pk=int(answer))
        quoted = feedback_quote(answer=found, quoted=data["quoted"], actor=request_actor(request))
        return Response(FeedbackAnswerSerializer(quoted).data, headers=NOT_STORED)

    def event_writable(self, uuid: str) -> Event:
        """Any event with this uuid, for staff (the services check their lab); a 404 for no such uuid."""
        return get_object_or_404(events_writable(), uuid=uuid)

    def event_public(self, uuid: str) -> Event:
        """A published event the reader may see."""
        return get_object_or_404(events_listed(include_network=sees_network_items(self.request)), uuid=uuid)


@extend_schema_view(
    list=extend_schema(summary="List labs", responses={200: LabOutputSerializer, **LIST_PROBLEMS}),
    retrieve=extend_schema(summary="Show a lab", responses={200: LabOutputSerializer, **DETAIL_PROBLEMS}),
)
class LabViewSet(CachedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Labs, local and mirrored, by this node's numeric id; ``?iri=`` finds a lab by its IRI."""

    serializer_class = LabOutputSerializer
    filterset_class = LabFilterSet

    def get_queryset(self) -> QuerySet:
        """The labs the reader may see."""
        return labs_listed(include_network=sees_network_items(self.request))


@extend_schema_view(
    list=extend_schema(summary="List nodes", responses={200: NodeOutputSerializer, **LIST_PROBLEMS}),
)
class NodeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """This node and the nodes whose keys it has pinned."""

    serializer_class = NodeOutputSerializer

    def get_queryset(self) -> QuerySet:
        """Every known node."""
        return nodes_listed()


# --- ideas ------------------------------------------------------------------------------------

IDEA_THROTTLE_SCOPE = "ideas"  # shared with the idea form on the lab pages: one count per client address
IDEA_WRITE_ACTIONS = frozenset({"publish", "answer", "decline", "links", "destroy"})
MODERATION_PROBLEMS = problems(400, 401, 403, 404, 413, 415)


@extend_schema_view(
    list=extend_schema(summary="List the network's published ideas", responses={200: IdeaOutputSerializer, **LIST_PROBLEMS}),
    retrieve=extend_schema(summary="Show a published idea", responses={200: IdeaOutputSerializer, **DETAIL_PROBLEMS}),
)
class IdeaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Citizens' ideas: the published ones of the network for everyone, moderation for the labs' staff."""

    lookup_field = "uuid"
    serializer_class = IdeaOutputSerializer
    filterset_class = IdeaFilterSet

    def get_queryset(self) -> QuerySet:
        """Moderation finds any idea and lets the services guard it; reads see the published ideas the reader may."""
        if self.action in IDEA_WRITE_ACTIONS:
            return ideas_writable()
        return ideas_visible(include_network=sees_network_items(self.request)).order_by("-date_created", "-pk")

    def get_permissions(self) -> list:
        """The moderation queue is for the labs' staff only."""
        return [WritersOnly()] if self.action == "moderation" else super().get_permissions()

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """The filters apply to the public lists only."""
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @extend_schema(
        summary="List the ideas of the labs you edit, in every status",
        description="For lab editors (their labs) and node administrators (every lab), scope `write`. "
        "`has_email` says whether the author left an address for the answer; the address is never shown.",
        parameters=[OpenApiParameter("status", {"type": "string", "enum": list(IdeaStatus.values)}, required=False)],
        responses={200: IdeaModerationSerializer(many=True), **problems(400, 401, 403)},
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def moderation(self, request: Request) -> Response:
        """The ideas of the person's labs, newest first."""
        status_wanted = request.query_params.get("status") or None
        if status_wanted is not None and status_wanted not in IdeaStatus.values:
            raise serializers.ValidationError({"status": [f"Give one of {', '.join(IdeaStatus.values)}."]})
        ideas = ideas_for_moderation(labs=labs_editable(request_actor(request)), status=status_wanted)
        return Response(IdeaModerationSerializer(ideas, many=True).data)

    @extend_schema(summary="Publish an idea", request=IdeaPublishInputSerializer,
                   responses={200: IdeaModerationSerializer, **MODERATION_PROBLEMS})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, uuid: str) -> Response:
        """Publish an idea waiting for moderation; an answer given is sent to its author."""
        data = validated_data(IdeaPublishInputSerializer, request)
        return self.moderated(idea_publish(idea=self.get_object(), actor=request_actor(request), **data))

    @extend_schema(summary="Answer a published idea publicly", request=IdeaAnswerInputSerializer,
                   responses={200: IdeaModerationSerializer, **MODERATION_PROBLEMS})
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, uuid: str) -> Response:
        """Give or change the lab's public answer; it is sent to the author."""
        data = validated_data(IdeaAnswerInputSerializer, request)
        return self.moderated(idea_answer(idea=self.get_object(), actor=request_actor(request), **data))

    @extend_schema(summary="Decline an idea with a reason", request=IdeaDeclineInputSerializer,
                   description="The idea is never published; the reason is sent to the author if they left an address.",
                   responses={200: IdeaModerationSerializer, **MODERATION_PROBLEMS})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, uuid: str) -> Response:
        """Decline an idea waiting for moderation."""
        data = validated_data(IdeaDeclineInputSerializer, request)
        return self.moderated(idea_decline(idea=self.get_object(), actor=request_actor(request), **data))

    @extend_schema(summary="Name the events and method cards that took an idea up", request=IdeaLinksInputSerializer,
                   responses={200: IdeaModerationSerializer, **MODERATION_PROBLEMS})
    @action(detail=True, methods=["post"])
    def links(self, request: Request, uuid: str) -> Response:
        """Replace the idea's links; with at least one, it is taken up."""
        data = validated_data(IdeaLinksInputSerializer, request)
        return self.moderated(idea_link(idea=self.get_object(), actor=request_actor(request), **data))

    @extend_schema(summary="Delete an idea", responses={204: None, **GUARDED_PROBLEMS})
    def destroy(self, request: Request, uuid: str) -> Response:
        """Delete an idea of this node, leaving a tombstone where it had been published."""
        idea_delete(idea=self.get_object(), actor=request_actor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def moderated(self, idea) -> Response:
        return Response(IdeaModerationSerializer(idea).data)


class LabIdeasView(generics.ListAPIView):
    """GET the published ideas of one of this node's labs; POST a new idea to it, without an account."""

    serializer_class = IdeaOutputSerializer
    permission_classes = [AnyoneMaySend]

    def get_queryset(self) -> QuerySet:
        """The lab's published ideas the reader may see; 404 for a lab the reader may not see."""
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular describing the view
            return Idea.objects.none()
        include_network = sees_network_items(self.request)
        lab = labs_listed(include_network=include_network).filter(
            iri=f"{settings.HUB_BASE_URL}/labs/{self.kwargs['slug']}").first()
        if lab is None:
            raise NotFound()
        return ideas_of_lab(lab=lab, include_network=include_network)

    @extend_schema(summary="List a lab's published ideas", responses={200: IdeaOutputSerializer, **LIST_PROBLEMS})
    def get(self, request: Request, slug: str) -> Response:
        return super().get(request, slug=slug)

    @extend_schema(
        summary="Send an idea to a lab",
        description="Anyone, without an account; at most `HUB_THROTTLE_IDEAS` ideas per address (default 10 an hour, "
        "counted together with the form on the lab's page). The idea waits for the lab's moderation; `name` and "
        "`email` are never published and are erased on schedule. The title, district and name are one line each.",
        request=IdeaInputSerializer,
        auth=[{}],
        responses={202: IdeaSubmittedSerializer, **problems(400, 401, 403, 404, 413, 415)},
    )
    def post(self, request: Request, slug: str) -> Response:
        """Keep the idea for the lab's moderation."""
        lab = lab_for_ideas(slug=slug)
        if lab is None:
            raise NotFound()
        wait = request_wait(request, scope=IDEA_THROTTLE_SCOPE, rate=settings.HUB_THROTTLE_IDEAS)
        if wait is not None:
            raise Throttled(wait)
        data = validated_data(IdeaInputSerializer, request)
        idea_submit(lab=lab, title=data["title"], text=data["text"], district=data["district"],
                    author_name=data["name"], author_email=data["email"], language=data["language"])
        return Response({"status": "submitted"}, status=status.HTTP_202_ACCEPTED)


def request_language() -> str:
    """The request's language (LocaleMiddleware, from Accept-Language or the language cookie) if mails speak it."""
    language = (translation.get_language() or "de")[:2]
    return language if language in dict(LANGUAGES) else "de"


class RegistrationTokenView(APIView):
    """What the person holding a registration's link may do; the token in the path is the only key.

    No login or token is read (nor CSRF asked): the link's secret decides, and it is nobody's account.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def registration(self, token: str) -> Registration:
        """The registration of this link, or a 404."""
        registration = registration_by_token(token)
        if registration is None:
            raise NotFound(_no_such_registration())
        return registration

    def state(self, registration: Registration, **kwargs) -> Response:
        """Where the registration stands (``RegistrationStateSerializer``'s three fields), never kept by a cache.

        Built as a plain dict: the serializer cost the web process about as much as the confirmation's statement.
        """
        body = {"status": registration.status, "position": registration.position, "event": registration.event.iri}
        return Response(body, headers=NOT_STORED, **kwargs)


def _no_such_registration() -> str:
    return translation.gettext("No registration has this link; it may have been erased.")


@extend_schema_view(
    get=extend_schema(summary="Show a registration", parameters=[TOKEN_PARAMETER],
                      responses={200: RegistrationStateSerializer, **problems(404)}),
    delete=extend_schema(summary="Erase a registration", parameters=[TOKEN_PARAMETER],
                         description="Erases everything stored about it; a seat it held goes to the first on the waiting list.",
                         responses={204: None, **problems(404)}),
)
class RegistrationView(RegistrationTokenView):
    """One registration by the token from its mail."""

    def get(self, request: Request, token: str) -> Response:
        """Its status, place on the waiting list and event."""
        return self.state(self.registration(token))

    def delete(self, request: Request, token: str) -> Response:
        """Erase it (giving up its seat)."""
        registration_erase(registration=self.registration(token))
        return Response(status=status.HTTP_204_NO_CONTENT, headers=NOT_STORED)


@extend_schema_view(post=extend_schema(
    summary="Confirm a registration", parameters=[TOKEN_PARAMETER], request=None,
    description="A seat if one is free, else a place on the waiting list (or `409` when the event has none). "
    "Confirming again changes nothing.",
    responses={200: RegistrationStateSerializer, **TOKEN_PROBLEMS},
))
class RegistrationConfirmView(RegistrationTokenView):
    def post(self, request: Request, token: str) -> Response:
        """Confirm the registration (found and confirmed by one statement on PostgreSQL)."""
        registration = registration_confirm_by_token(token)
        if registration is None:
            raise NotFound(_no_such_registration())
        return self.state(registration)


@extend_schema_view(post=extend_schema(
    summary="Cancel a registration", parameters=[TOKEN_PARAMETER], request=None,
    description="Its seat goes to the first on the waiting list, who is told by mail.",
    responses={200: RegistrationStateSerializer, **TOKEN_PROBLEMS},
))
class RegistrationCancelView(RegistrationTokenView):
    def post(self, request: Request, token: str) -> Response:
        """Cancel the registration."""
        return self.state(registration_cancel(registration=self.registration(token)))


@extend_schema_view(get=extend_schema(
    summary="Everything stored about a registration", parameters=[TOKEN_PARAMETER],
    responses={200: RegistrationDataSerializer, **problems(404)},
))
class RegistrationDataView(RegistrationTokenView):
    def get(self, request: Request, token: str) -> Response:
        """The registration's data, as the right of access asks."""
        return Response(RegistrationDataSerializer(self.registration(token)).data, headers=NOT_STORED)


@extend_schema_view(
    list=extend_schema(summary="List experience reports",
                       responses={200: ExperienceReportOutputSerializer, **LIST_PROBLEMS}),
    retrieve=extend_schema(summary="Show an experience report",
                           responses={200: ExperienceReportOutputSerializer, **DETAIL_PROBLEMS}),
)
class ExperienceReportViewSet(CachedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Experience reports with methods, local and mirrored; this node's own are written by their labs' editors."""

    lookup_field = "uuid"
    serializer_class = ExperienceReportOutputSerializer
    filterset_class = ReportFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet:
        """Writes find any report and let the services guard it; reads see what the reader may."""
        if self.action in WRITE_ACTIONS:
            return reports_writable()
        return reports_visible(include_network=sees_network_items(self.request))

    @extend_schema(
        summary="Write an experience report",
        description="For the lab editors of the report's lab and node administrators, scope `write`. The report is "
        "published at once (`visibility` public or network), signed, and counted in the method's `experience`.",
        request=ExperienceReportInputSerializer,
        responses={201: ExperienceReportOutputSerializer, **CREATE_PROBLEMS},
    )
    def create(self, request: Request) -> Response:
        """Write a report of one of this node's labs about a method this node holds."""
        data = validated_data(ExperienceReportInputSerializer, request)
        report = experience_report_create(actor=request_actor(request), **data)
        return created(ExperienceReportOutputSerializer(report).data, request, "api:experience-report-detail")

    @extend_schema(
        summary="Change fields of an experience report",
        request=ExperienceReportInputSerializer,
        responses={200: ExperienceReportOutputSerializer, **UPDATE_PROBLEMS},
    )
    def partial_update(self, request: Request, uuid: str) -> Response:
        """Change the given fields of a report of this node; the figures follow."""
        data = validated_data(ExperienceReportInputSerializer, request, partial=True)
        report = experience_report_update(report=self.get_object(), actor=request_actor(request), **data)
        return Response(ExperienceReportOutputSerializer(report).data)

    @extend_schema(summary="Delete an experience report", responses={204: None, **GUARDED_PROBLEMS})
    def destroy(self, request: Request, uuid: str) -> Response:
        """Delete a report of this node, leaving a tombstone; its method's figures no longer count it."""
        experience_report_delete(report=self.get_object(), actor=request_actor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
