"""The API's endpoints: thin views that read through selectors and write through the services."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.request import Request
from rest_framework.response import Response

from api.caching import CachedListMixin
from api.permissions import AnyoneMaySend, WritersOnly, request_actor, sees_network_items
from api.schema import problems
from api.serializers import (
    EventInputSerializer,
    EventOutputSerializer,
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
    MethodInputSerializer,
    MethodOutputSerializer,
    NodeOutputSerializer,
)
from events.filters import EventFilterSet
from events.selectors import events_listed, events_writable
from events.services import event_cancel, event_create, event_delete, event_update
from federation.throttle import request_wait
from hub.filters import LabFilterSet
from hub.roles import labs_editable
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

WRITE_ACTIONS = frozenset({"update", "partial_update", "destroy", "cancel"})
LIST_PROBLEMS = problems(400, 401, 404)
DETAIL_PROBLEMS = problems(401, 404)
CREATE_PROBLEMS = problems(400, 401, 403, 413, 415)
UPDATE_PROBLEMS = problems(400, 401, 403, 404, 413, 415)
GUARDED_PROBLEMS = problems(401, 403, 404)


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
    retrieve=extend_schema(summary="Show a method card", responses={200: MethodOutputSerializer, **DETAIL_PROBLEMS}),
)
class MethodViewSet(CachedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Method cards, local and mirrored; this node's own can be written, any can be adapted."""

    lookup_field = "uuid"
    serializer_class = MethodOutputSerializer
    filterset_class = MethodFilterSet

    def get_queryset(self) -> QuerySet:
        """Writes find any method card and let the services guard it; reads see what the reader may."""
        if self.action in WRITE_ACTIONS:
            return methods_writable()
        return methods_listed(include_network=sees_network_items(self.request))

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
