"""What the API shows of items, and what it accepts when a client writes them.

Output serializers describe stored items, local and mirrored alike. Input serializers check shapes,
types and each field's limits, as the OpenAPI schema states them (``api.fields``); the services hold
the rules between fields and the domain's rules, and give the messages for them.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import (
    ChoiceListField,
    CoordinateField,
    HttpUrlField,
    JsonTyped,
    LabField,
    LanguageField,
    OffsetDateTimeField,
    SlugField,
    Stated,
    TextField,
    TimeZoneField,
    WholeNumberField,
    YesOrNoField,
    optional_list,
    optional_text,
    text_list,
)
from events.closing.figures import FACES, FeedbackSummary, feedback_summary
from events.models import (
    CONTRIBUTIONS_MAX,
    DEFAULT_TIMEZONE,
    EVIDENCE_MAX,
    LANGUAGES,
    LARGEST_AUDIENCE,
    MOST_COMPANIONS,
    MOST_METHODS,
    REPORT_MAX,
    ClosingReport,
    Event,
    FeedbackAnswer,
    FeedbackRating,
)
from events.models import Registration as EventRegistration
from events.registrations.services import MAX_NAME, MAX_TEXT
from experience.models import MINUTES_IN_A_WEEK as REPORT_MOST_MINUTES
from experience.models import MOST_PARTICIPANTS, ExperienceReport, Fit
from experience.models import TEXT_MAX as REPORT_TEXT_MAX
from hub.choices import (
    PUBLISHED,
    AccessibilityFeature,
    AttendanceMode,
    Difficulty,
    EventStatus,
    License,
    Phase,
    Registration,
    RegistrationStatus,
    StaircaseStep,
    TargetGroup,
    Visibility,
    staircase_level,
)
from hub.models import Lab, Node
from hub.services.items import raise_if_unknown_fields
from ideas.models import ANSWER_MAX as IDEA_ANSWER_MAX
from ideas.models import AUTHOR_NAME_MAX as IDEA_AUTHOR_NAME_MAX
from ideas.models import DISTRICT_MAX as IDEA_DISTRICT_MAX
from ideas.models import REASON_MAX as IDEA_REASON_MAX
from ideas.models import TEXT_MAX as IDEA_TEXT_MAX
from ideas.models import TITLE_MAX as IDEA_TITLE_MAX
from ideas.models import TRAVELLING as IDEA_TRAVELLING
from ideas.models import Idea, IdeaStatus
from ideas.services import MAX_LINKS as IDEA_MAX_LINKS
from methods.models import LARGEST_GROUP, MINUTES_IN_A_WEEK, MethodCard, MethodStep
from methods.services import MAX_STEPS

ITEM_FIELDS = ("iri", "origin", "is_local", "version", "visibility", "date_created", "date_modified")


# Method cards and events are written out by hand: Django REST framework's generic field-by-field path
# cost about 0.15 ms an item, most of a list page's time when it is not kept (api.caching). The
# declared fields below still describe the output for the schema, and tests/api/test_representation.py
# checks that both ways give the same JSON for every kind of item.


def rfc3339(value: datetime, zone: tzinfo) -> str:
    """A time as RFC 3339 with the offset of ``zone``, or in UTC where that offset had seconds.

    RFC 3339 offsets have hours and minutes only. A zone's local mean time before it took a standard
    time had seconds (Berlin's +00:53:28 before 1893); such a time is written in UTC, the same instant.
    """
    local = value.astimezone(zone)
    return (value.astimezone(UTC) if local.utcoffset().seconds % 60 else local).isoformat()


def datetime_text(value: datetime) -> str:
    """A time as Django REST framework writes it: RFC 3339 in the node's time zone, ``Z`` for UTC."""
    text = rfc3339(value, timezone.get_current_timezone())
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def reference(item: Lab | Node | None) -> dict | None:
    """A lab or node as the items name it: IRI, name and city."""
    return None if item is None else {"iri": item.iri, "name": item.name, "city": item.city}


def item_representation(item) -> dict:
    """What every item shows, in the order of ``ITEM_FIELDS``."""
    return {
        "iri": item.iri,
        "origin": reference(item.origin),
        "is_local": item.is_local,
        "version": item.version,
        "visibility": item.visibility,
        "date_created": datetime_text(item.date_created),
        "date_modified": datetime_text(item.date_modified),
    }


class RFC3339DateTimeField(serializers.DateTimeField):
    """A stored time as RFC 3339 in the node's zone (``datetime_text``), whatever year a peer gave it."""

    def to_representation(self, value: datetime) -> str:
        """The time with an offset RFC 3339 can carry."""
        return datetime_text(value)


class OutputSerializer(serializers.ModelSerializer):
    """A model's fields as the API shows them, its times in RFC 3339."""

    serializer_field_mapping = serializers.ModelSerializer.serializer_field_mapping | {
        models.DateTimeField: RFC3339DateTimeField
    }


class NodeReferenceSerializer(serializers.ModelSerializer):
    """The node an item comes from."""

    class Meta:
        model = Node
        fields = ("iri", "name", "city")


class LabReferenceSerializer(serializers.ModelSerializer):
    """The lab that authored a method or organises an event."""

    class Meta:
        model = Lab
        fields = ("iri", "name", "city")


class ItemOutputSerializer(OutputSerializer):
    """What every item shows: IRI, origin node, whether it is ours, version, visibility and dates."""

    origin = NodeReferenceSerializer(read_only=True)
    is_local = serializers.BooleanField(read_only=True)


class NodeOutputSerializer(OutputSerializer):
    """A node of the network, this one or a pinned one."""

    class Meta:
        model = Node
        fields = ("iri", "name", "city", "is_local", "version", "date_modified", "public_key_multibase")


class LabOutputSerializer(ItemOutputSerializer):
    """A lab with its address, contact and accessibility; this node's labs also with their open data settings."""

    regional_key = serializers.SerializerMethodField(
        help_text="The municipality's Regionalschlüssel (12 digits) or Gemeindeschlüssel (8 digits) that the open "
                  "data catalog (/catalog) publishes; empty when not set, null for a lab of another node.")
    data_license = serializers.SerializerMethodField(
        help_text="The licence of the lab's events in the open data catalog; null for a lab of another node.")

    class Meta:
        model = Lab
        fields = ("id", *ITEM_FIELDS, "slug", "name", "city", "address", "latitude", "longitude", "description",
                  "website", "email", "opening_hours", "accessibility", "regional_key", "data_license")

    def get_regional_key(self, lab: Lab) -> str | None:
        """Set on this node's labs only: it does not travel between nodes."""
        return lab.regional_key if lab.is_local else None

    def get_data_license(self, lab: Lab) -> str | None:
        """Set on this node's labs only: it does not travel between nodes."""
        return lab.data_license if lab.is_local else None


class MethodStepOutputSerializer(serializers.ModelSerializer):
    """One step of a method card."""

    class Meta:
        model = MethodStep
        fields = ("position", "title", "text")


class MethodOutputSerializer(ItemOutputSerializer):
    """A method card with its lab and its steps in order."""

    lab = LabReferenceSerializer(read_only=True, allow_null=True)
    materials = serializers.ListField(child=serializers.CharField(), read_only=True)
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)
    target_groups = serializers.ListField(child=serializers.ChoiceField(TargetGroup.choices), read_only=True)
    translations = serializers.ListField(child=serializers.URLField(), read_only=True)
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)
    steps = MethodStepOutputSerializer(many=True, read_only=True)

    class Meta:
        model = MethodCard
        fields = ("uuid", *ITEM_FIELDS, "title", "slug", "language", "summary", "added_value", "body", "phase",
                  "duration_min", "duration_max", "difficulty", "group_size_min", "group_size_max", "materials",
                  "roles", "tips", "background", "target_groups", "accessibility_notes", "license", "lab",
                  "based_on", "translations", "keywords", "source", "steps")

    def to_representation(self, method: MethodCard) -> dict:
        """The method card's fields in the declared order, with its lab and its steps."""
        return {
            "uuid": str(method.uuid),
            **item_representation(method),
            "title": method.title, "slug": method.slug, "language": method.language, "summary": method.summary,
            "added_value": method.added_value, "body": method.body, "phase": method.phase,
            "duration_min": method.duration_min, "duration_max": method.duration_max,
            "difficulty": method.difficulty, "group_size_min": method.group_size_min,
            "group_size_max": method.group_size_max, "materials": list(method.materials),
            "roles": list(method.roles), "tips": method.tips, "background": method.background,
            "target_groups": list(method.target_groups), "accessibility_notes": method.accessibility_notes,
            "license": method.license, "lab": reference(method.lab), "based_on": method.based_on,
            "translations": list(method.translations), "keywords": list(method.keywords), "source": method.source,
            "steps": [{"position": step.position, "title": step.title, "text": step.text}
                      for step in method.steps.all()],
        }


@extend_schema_field(OpenApiTypes.DATETIME)
class ZonedDateTimeField(serializers.Field):
    """An event's time in RFC 3339 with the UTC offset of the event's own time zone."""

    def __init__(self, attribute: str, **kwargs) -> None:
        self.attribute = attribute
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, event: Event) -> str | None:
        """The time as the event's zone shows it (null for an optional time not given)."""
        return zoned(getattr(event, self.attribute), event)


def zoned(value: datetime | None, event: Event) -> str | None:
    """A time of the event in RFC 3339 with the offset of the event's zone; None stays None."""
    return None if value is None else rfc3339(value, ZoneInfo(event.timezone))


class EventOutputSerializer(ItemOutputSerializer):
    """An event with its times in its own zone, its lab, place or link, audience and accessibility."""

    start = ZonedDateTimeField("start")
    end = ZonedDateTimeField("end")
    lab = LabReferenceSerializer(read_only=True, allow_null=True)
    target_groups = serializers.ListField(child=serializers.ChoiceField(TargetGroup.choices), read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    accessibility_features = serializers.ListField(
        child=serializers.ChoiceField(AccessibilityFeature.choices), read_only=True
    )
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)
    method_iris = serializers.ListField(child=serializers.URLField(), read_only=True)
    remaining_capacity = serializers.IntegerField(
        source="seats_left", read_only=True, allow_null=True,
        help_text="Seats open to registration that nobody holds yet (schema:remainingAttendeeCapacity), when people "
                  "register on the event's node (`registration: node`); the origin's figure for a mirrored event.",
    )
    registration_opens = ZonedDateTimeField("registration_opens", allow_null=True)
    registration_closes = ZonedDateTimeField("registration_closes", allow_null=True)

    class Meta:
        model = Event
        fields = ("uuid", *ITEM_FIELDS, "title", "description", "start", "end", "timezone", "attendance_mode",
                  "place_name", "place_address", "latitude", "longitude", "online_url", "lab", "target_groups",
                  "languages", "is_free", "accessibility_features", "accessibility_notes", "capacity",
                  "registration", "registration_url", "status", "keywords", "method_iris", "remaining_capacity",
                  "held_back_seats", "waiting_list", "registration_opens", "registration_closes", "max_companions",
                  "question")

    def to_representation(self, event: Event) -> dict:
        """The event's fields in the declared order, its times in its own zone."""
        zone = ZoneInfo(event.timezone)
        return {
            "uuid": str(event.uuid),
            **item_representation(event),
            "title": event.title, "description": event.description,
            "start": rfc3339(event.start, zone), "end": rfc3339(event.end, zone),
            "timezone": event.timezone, "attendance_mode": event.attendance_mode, "place_name": event.place_name,
            "place_address": event.place_address, "latitude": event.latitude, "longitude": event.longitude,
            "online_url": event.online_url, "lab": reference(event.lab), "target_groups": list(event.target_groups),
            "languages": list(event.languages), "is_free": event.is_free,
            "accessibility_features": list(event.accessibility_features),
            "accessibility_notes": event.accessibility_notes, "capacity": event.capacity,
            "registration": event.registration, "registration_url": event.registration_url,
            "status": event.status, "keywords": list(event.keywords), "method_iris": list(event.method_iris),
            "remaining_capacity": event.seats_left, "held_back_seats": event.held_back_seats,
            "waiting_list": event.waiting_list, "registration_opens": zoned(event.registration_opens, event),
            "registration_closes": zoned(event.registration_closes, event), "max_companions": event.max_companions,
            "question": event.question,
        }


class ItemInputSerializer(serializers.Serializer):
    """The fields a client writes.

    Optional fields take their defaults when omitted, except in partial writes (PATCH, adapt); the
    fields without a default (visibility, slug, based_on, an event's status) keep their value, so that
    a PUT never publishes, renames, forgets its source or un-cancels by omission.
    """

    model: type[Model]
    visibility = serializers.ChoiceField(
        Visibility.choices, required=False, help_text="A published item (public or network) cannot become a draft again."
    )

    def validate(self, attrs: dict) -> dict:
        """Refuse field names that cannot be written, naming them, instead of ignoring them."""
        raise_if_unknown_fields(self.model, self.initial_data, self.fields)
        return attrs


class StepListSerializer(Stated, serializers.ListSerializer):
    """The steps of a method card, at most ``MAX_STEPS``."""

    def stated_schema(self) -> dict:
        """The most steps a card can have, which DRF's list serializer does not tell drf-spectacular."""
        return {"maxItems": self.max_length}


class StepInputSerializer(serializers.Serializer):
    """One step of a method card as written: a title and a text."""

    title = TextField(max_length=200)
    text = optional_text()

    class Meta:
        list_serializer_class = StepListSerializer

    def to_internal_value(self, data: object) -> dict:
        """Refuse field names a step does not have, naming them, as the item's own fields do."""
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                message = _("“%(name)s” is not a field of a step that can be written.")
                raise serializers.ValidationError({name: [message % {"name": name}] for name in unknown})
        return super().to_internal_value(data)


class MethodInputSerializer(ItemInputSerializer):
    """A method card as a client writes it; ``steps`` replace the old steps in the order given.

    The shortest duration must not exceed the longest, nor the smallest group the largest.
    """

    model = MethodCard
    title = TextField(max_length=200)
    slug = SlugField(max_length=120, required=False)
    language = LanguageField(default="de")
    summary = TextField()
    added_value = optional_text()
    body = optional_text()
    phase = serializers.ChoiceField(Phase.choices)
    duration_min = WholeNumberField(min_value=0, max_value=MINUTES_IN_A_WEEK, allow_null=True, default=None)
    duration_max = WholeNumberField(min_value=0, max_value=MINUTES_IN_A_WEEK, allow_null=True, default=None)
    difficulty = serializers.ChoiceField(Difficulty.choices, allow_blank=True, default="")
    group_size_min = WholeNumberField(min_value=1, max_value=LARGEST_GROUP, allow_null=True, default=None)
    group_size_max = WholeNumberField(min_value=1, max_value=LARGEST_GROUP, allow_null=True, default=None)
    materials = text_list()
    roles = text_list()
    tips = optional_text()
    background = optional_text()
    target_groups = ChoiceListField(TargetGroup.choices)
    accessibility_notes = optional_text()
    license = serializers.ChoiceField(License.choices, default=License.BY_SA)
    lab = LabField()
    based_on = HttpUrlField(max_length=300, allow_blank=True, required=False)
    translations = optional_list(HttpUrlField(max_length=300))
    keywords = text_list(max_length=80)
    source = HttpUrlField(max_length=500, allow_blank=True, default="")
    steps = StepInputSerializer(many=True, default=list, max_length=MAX_STEPS)


class MethodAdaptInputSerializer(MethodInputSerializer):
    """The local lab that adapts a method, and the fields in which the adaptation differs; use it partial."""

    def validate(self, attrs: dict) -> dict:
        """Require the lab even though every other field is optional."""
        if "lab" not in attrs:
            raise serializers.ValidationError({"lab": [self.fields["lab"].error_messages["required"]]})
        return super().validate(attrs)


class EventInputSerializer(ItemInputSerializer):
    """An event as a client writes it; times carry their offset, ``timezone`` names the event's zone.

    The end lies after the start and at most eight weeks later; an event held in person or hybrid
    needs a place (``place_name`` or ``place_address``), an online or hybrid one an ``online_url``;
    ``registration: required`` needs a ``registration_url``; coordinates come both or neither, and
    only with a place. ``registration: node`` (people register on this node) needs a ``capacity``;
    ``held_back_seats`` are at most the capacity, and registration closes after it opens and by the
    event's end. The capacity cannot drop below the seats taken.
    """

    model = Event
    title = TextField(max_length=200)
    description = optional_text()
    start = OffsetDateTimeField()
    end = OffsetDateTimeField()
    timezone = TimeZoneField(default=DEFAULT_TIMEZONE)
    attendance_mode = serializers.ChoiceField(AttendanceMode.choices, default=AttendanceMode.IN_PERSON)
    place_name = optional_text(200)
    place_address = optional_text()
    latitude = CoordinateField(limit=90, default=None)
    longitude = CoordinateField(limit=180, default=None)
    online_url = HttpUrlField(max_length=500, allow_blank=True, default="")
    lab = LabField()
    target_groups = ChoiceListField(TargetGroup.choices)
    languages = optional_list(LanguageField())
    is_free = YesOrNoField(default=True)
    accessibility_features = ChoiceListField(AccessibilityFeature.choices)
    accessibility_notes = optional_text()
    capacity = WholeNumberField(min_value=1, max_value=LARGEST_AUDIENCE, allow_null=True, default=None)
    registration = serializers.ChoiceField(Registration.choices, default=Registration.NONE)
    registration_url = HttpUrlField(max_length=500, allow_blank=True, default="")
    status = serializers.ChoiceField(EventStatus.choices, required=False)
    keywords = text_list(max_length=80)
    method_iris = optional_list(HttpUrlField(max_length=300))
    held_back_seats = WholeNumberField(min_value=0, max_value=LARGEST_AUDIENCE, default=0,
                                       help_text="Seats staff give to people who call or come by (registration node).")
    waiting_list = YesOrNoField(default=False, help_text="Whether people wait for a free seat once the seats are taken.")
    registration_opens = OffsetDateTimeField(allow_null=True, default=None)
    registration_closes = OffsetDateTimeField(allow_null=True, default=None)
    max_companions = WholeNumberField(min_value=0, max_value=MOST_COMPANIONS, default=0,
                                      help_text="People one registration may bring along.")
    question = optional_text(300)


# --- registrations -------------------------------------------------------------------------------


class RegistrationInputSerializer(serializers.Serializer):
    """A registration for an event on this node, by the person themselves or by staff on their behalf.

    A person gives ``name``, ``email`` and ``consent: true``; ``companions`` up to the event's
    ``max_companions``, ``needs`` from its ``accessibility_features``, an ``answer`` to its
    ``question``. Staff (scope ``write``, the event's lab) send ``on_behalf: true`` with ``name`` and a
    ``note`` instead of an e-mail address and consent: that registration is confirmed at once.
    """

    name = TextField(max_length=MAX_NAME, help_text="A first name or a pseudonym is enough; one line.")
    email = serializers.EmailField(max_length=254, allow_blank=True, default="")
    companions = WholeNumberField(min_value=0, max_value=MOST_COMPANIONS, default=0)
    needs = ChoiceListField(AccessibilityFeature.choices)
    answer = optional_text(MAX_TEXT)
    language = serializers.ChoiceField(LANGUAGES, required=False, help_text="The language of the mails; "
                                       "by default the request's (Accept-Language).")
    consent = YesOrNoField(default=False, help_text="Consent to the privacy notice: required, except on behalf.")
    note = optional_text(MAX_TEXT)
    on_behalf = YesOrNoField(default=False)

    def validate(self, attrs: dict) -> dict:
        """Refuse field names a registration does not have; keep staff's fields and the person's apart."""
        raise_if_unknown_fields(EventRegistration, self.initial_data, self.fields)
        if attrs["on_behalf"] and attrs["email"]:
            raise serializers.ValidationError({"email": [_("A registration on someone's behalf has no e-mail address.")]})
        if not attrs["on_behalf"] and attrs["note"]:
            raise serializers.ValidationError({"note": [_("Only staff write a note, with on_behalf.")]})
        return attrs


class RegistrationAcceptedSerializer(serializers.Serializer):
    """A registration request taken: a mail asks the person to confirm."""

    status = serializers.CharField(help_text="Always `pending`: the mail asks to confirm.")


class RegistrationStateSerializer(serializers.Serializer):
    """Where a registration stands: its status, its place on the waiting list, and the event's IRI."""

    status = serializers.ChoiceField(RegistrationStatus.choices)
    position = serializers.IntegerField(allow_null=True, help_text="The place on the waiting list, 1 first.")
    event = serializers.URLField(source="event.iri")


class RegistrationDataSerializer(OutputSerializer):
    """Everything this node keeps about one registration (the right of access), but the hash of its token."""

    event = serializers.URLField(source="event.iri")
    event_title = serializers.CharField(source="event.title")
    needs = serializers.ListField(child=serializers.ChoiceField(AccessibilityFeature.choices))

    class Meta:
        model = EventRegistration
        fields = ("event", "event_title", "name", "email", "on_behalf", "note", "companions", "needs", "answer",
                  "language", "consent_text", "consented_at", "status", "position", "code", "created_at",
                  "expires_at", "confirmed_at", "cancelled_at", "checked_in_at", "reminded_at", "feedback_invited_at",
                  "feedback_given", "mail_failed_at", "mail_failure")


class RegistrationStaffSerializer(RegistrationDataSerializer):
    """A registration as the event's staff see it: the person, their seats, status, code and check-in."""

    class Meta(RegistrationDataSerializer.Meta):
        fields = ("uuid", "name", "email", "on_behalf", "note", "companions", "needs", "answer", "language", "status",
                  "position", "code", "created_at", "confirmed_at", "cancelled_at", "checked_in_at", "mail_failed_at",
                  "mail_failure")


class RegistrationCountsSerializer(serializers.Serializer):
    """An event's counts: people on seats (companions included), registrations waiting, people checked in."""

    confirmed = serializers.IntegerField(source="seats_confirmed")
    waiting = serializers.IntegerField(source="waiting_count")
    checked_in = serializers.IntegerField(source="checked_in_count")
    seats_left = serializers.IntegerField(allow_null=True)
    held_back_left = serializers.IntegerField()


class RegistrationListSerializer(serializers.Serializer):
    """The registrations of one event, in the order they came, with the event's counts."""

    counts = RegistrationCountsSerializer()
    registrations = RegistrationStaffSerializer(many=True)


class CheckInInputSerializer(serializers.Serializer):
    """The code from a registration's mail (or read from its QR code)."""

    code = TextField(max_length=20, help_text="Six letters and digits; case, spaces and dashes do not matter.")

    def validate(self, attrs: dict) -> dict:
        """Refuse any field but the code."""
        raise_if_unknown_fields(EventRegistration, self.initial_data, self.fields)
        return attrs


# --- ideas ------------------------------------------------------------------------------------


class EmailAddressField(JsonTyped, serializers.EmailField):
    """An e-mail address as a JSON string."""


class IdeaOutputSerializer(ItemOutputSerializer):
    """A published idea, local or mirrored: what its lab made public, never who sent it."""

    lab = LabReferenceSerializer(read_only=True, allow_null=True)
    status = serializers.ChoiceField([(v, label) for v, label in IdeaStatus.choices if v in IDEA_TRAVELLING], read_only=True)
    event_iris = serializers.ListField(child=serializers.URLField(), read_only=True)
    method_iris = serializers.ListField(child=serializers.URLField(), read_only=True)

    class Meta:
        model = Idea
        fields = ("uuid", *ITEM_FIELDS, "title", "text", "district", "lab", "status", "answer", "answered_at",
                  "event_iris", "method_iris")


class IdeaModerationSerializer(IdeaOutputSerializer):
    """An idea of one of the person's labs in any status, with what its staff need: never the author's address."""

    status = serializers.ChoiceField(IdeaStatus.choices, read_only=True)
    has_email = serializers.BooleanField(source="has_author_email", read_only=True,
                                         help_text="whether the author left an address for the answer (never shown)")

    class Meta(IdeaOutputSerializer.Meta):
        fields = (*IdeaOutputSerializer.Meta.fields, "author_name", "has_email", "decline_reason", "moderated_at",
                  "author_erased_at")


class IdeaSubmittedSerializer(serializers.Serializer):
    """What the sender of an idea learns: it waits for the lab's moderation."""

    status = serializers.ChoiceField([IdeaStatus.SUBMITTED], help_text="always submitted: the lab moderates every idea")


class IdeaInputSerializer(serializers.Serializer):
    """A citizen's idea for a lab; ``name`` and ``email`` only for an answer, never published."""

    title = TextField(max_length=IDEA_TITLE_MAX, help_text="one line")
    text = TextField(max_length=IDEA_TEXT_MAX)
    district = optional_text(IDEA_DISTRICT_MAX)
    name = optional_text(IDEA_AUTHOR_NAME_MAX)
    email = EmailAddressField(allow_blank=True, default="", help_text="for the lab's answer; erased on schedule")
    language = serializers.ChoiceField(settings.LANGUAGES, default=settings.LANGUAGE_CODE,
                                       help_text="the language the answer is written to the author in")

    def validate(self, attrs: dict) -> dict:
        """Refuse field names an idea does not have, naming them."""
        raise_if_unknown_fields(Idea, self.initial_data, self.fields)
        return attrs


class IdeaPublishInputSerializer(serializers.Serializer):
    """Publishing an idea, with the lab's public answer if there is one yet."""

    answer = optional_text(IDEA_ANSWER_MAX)
    visibility = serializers.ChoiceField([(v, label) for v, label in Visibility.choices if v in PUBLISHED],
                                         default=Visibility.PUBLIC)

    def validate(self, attrs: dict) -> dict:
        raise_if_unknown_fields(Idea, self.initial_data, self.fields)
        return attrs


class IdeaAnswerInputSerializer(serializers.Serializer):
    """The lab's public answer to a published idea (sent to the author too)."""

    answer = TextField(max_length=IDEA_ANSWER_MAX)

    def validate(self, attrs: dict) -> dict:
        raise_if_unknown_fields(Idea, self.initial_data, self.fields)
        return attrs


class IdeaDeclineInputSerializer(serializers.Serializer):
    """Declining an idea, with the reason the author is sent (never published)."""

    reason = TextField(max_length=IDEA_REASON_MAX)

    def validate(self, attrs: dict) -> dict:
        raise_if_unknown_fields(Idea, self.initial_data, self.fields)
        return attrs


class IdeaLinksInputSerializer(serializers.Serializer):
    """The events and method cards that took a published idea up, replacing the earlier ones.

    Each IRI must name an event or method card this node holds (its own or mirrored).
    """

    event_iris = serializers.ListField(child=HttpUrlField(max_length=300), max_length=IDEA_MAX_LINKS, default=list)
    method_iris = serializers.ListField(child=HttpUrlField(max_length=300), max_length=IDEA_MAX_LINKS, default=list)

    def validate(self, attrs: dict) -> dict:
        """Refuse unknown fields and IRIs of events or method cards this node does not hold."""
        raise_if_unknown_fields(Idea, self.initial_data, self.fields)
        errors = {}
        for name, model in (("event_iris", Event), ("method_iris", MethodCard)):
            held = set(model.objects.filter(iri__in=attrs[name]).exclude(visibility=Visibility.DRAFT)
                       .values_list("iri", flat=True))
            unknown = [iri for iri in attrs[name] if iri not in held]
            if unknown:
                errors[name] = [_("This node holds no published item at %(iri)s.") % {"iri": unknown[0]}]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# --- closing reports and feedback -----------------------------------------------------------------


class FeedbackFiguresSerializer(serializers.Serializer):
    """The participants' answers: how many, how many per face (1 very dissatisfied … 5 very satisfied), the quotes."""

    answers = serializers.IntegerField(help_text="Answers in all.")
    ratings = serializers.DictField(child=serializers.IntegerField(), help_text="Answers per face, keys `1` to `5`.")
    mean = serializers.FloatField(allow_null=True, help_text="The mean face, one decimal; null without answers.")
    quotes = serializers.ListField(child=serializers.CharField(), help_text="The texts staff published as quotes.")


def feedback_figures(summary: FeedbackSummary) -> dict:
    """An event's feedback summary as ``FeedbackFiguresSerializer`` shows it."""
    return {"answers": summary.count, "ratings": {str(face): count for face, count in zip(FACES, summary.ratings, strict=False)},
            "mean": summary.mean, "quotes": list(summary.quotes)}


class ClosingReportOutputSerializer(serializers.Serializer):
    """An event's closing report: what came of it, the highest step on the impact staircase, the feedback figures."""

    event = serializers.URLField(help_text="The event's IRI.")
    published = serializers.BooleanField(help_text="Whether it is part of the event's page and signed document.")
    date_published = serializers.DateTimeField(allow_null=True)
    date_modified = serializers.DateTimeField()
    attendees = serializers.IntegerField()
    target_groups_reached = serializers.ListField(child=serializers.ChoiceField(TargetGroup.choices))
    contributions_count = serializers.IntegerField()
    contributions = serializers.CharField()
    method_iris = serializers.ListField(child=serializers.URLField(), help_text="The methods actually used.")
    report = serializers.CharField()
    staircase_step = serializers.ChoiceField(StaircaseStep.choices)
    staircase_level = serializers.ChoiceField(["output", "outcome", "impact"], help_text="Steps 1–3, 4–6, 7.")
    staircase_evidence = serializers.CharField()
    feedback = FeedbackFiguresSerializer()

    def to_representation(self, report: ClosingReport) -> dict:
        """The report with its event's IRI and its feedback figures (this node's own as they stand)."""
        return {
            "event": report.event.iri, "published": report.published, "date_published": datetime_text(report.date_published) if report.date_published else None,
            "date_modified": datetime_text(report.date_modified), "attendees": report.attendees,
            "target_groups_reached": list(report.target_groups_reached), "contributions_count": report.contributions_count,
            "contributions": report.contributions, "method_iris": list(report.method_iris), "report": report.report,
            "staircase_step": report.staircase_step, "staircase_level": staircase_level(report.staircase_step),
            "staircase_evidence": report.staircase_evidence,
            "feedback": feedback_figures(feedback_summary(report.event, report)),
        }


class ClosingReportInputSerializer(serializers.Serializer):
    """A closing report as the event's lab writes it, after the event (PUT: the whole report; PATCH: some fields).

    ``staircase_evidence`` is needed from step 2 on. ``published: true`` makes the report part of the
    event's page and signed document; ``false`` takes it back (the event is signed anew without it).
    """

    attendees = WholeNumberField(min_value=0, max_value=LARGEST_AUDIENCE, help_text="Everyone who took part.")
    target_groups_reached = ChoiceListField(TargetGroup.choices)
    contributions_count = WholeNumberField(min_value=0, max_value=LARGEST_AUDIENCE, default=0)
    contributions = optional_text(CONTRIBUTIONS_MAX)
    method_iris = serializers.ListField(child=HttpUrlField(max_length=300), max_length=MOST_METHODS, default=list,
                                        help_text="IRIs of the network's method cards actually used.")
    report = optional_text(REPORT_MAX)
    staircase_step = serializers.ChoiceField(StaircaseStep.choices, help_text="1–3 output, 4–6 outcome, 7 impact.")
    staircase_evidence = optional_text(EVIDENCE_MAX)
    published = YesOrNoField(default=False)

    def validate(self, attrs: dict) -> dict:
        """Refuse field names a closing report does not have, naming them."""
        raise_if_unknown_fields(ClosingReport, self.initial_data, self.fields)
        return attrs


class FeedbackAnswerSerializer(serializers.Serializer):
    """One participant's answer as the event's staff see it: the face, the text, whether it is a published quote."""

    id = serializers.IntegerField()
    rating = serializers.ChoiceField(FeedbackRating.choices)
    text = serializers.CharField()
    quoted = serializers.BooleanField()


class FeedbackOutputSerializer(FeedbackFiguresSerializer):
    """An event's feedback figures; the event's staff also get every answer with its text (``answers_given``)."""

    answers_given = FeedbackAnswerSerializer(many=True, required=False,
                                             help_text="Only for the lab editors of the event's lab (scope `write`).")


class FeedbackQuoteInputSerializer(serializers.Serializer):
    """Publish an answer's text as a quote of the closing report, or take it back."""

    quoted = YesOrNoField()

    def validate(self, attrs: dict) -> dict:
        """Refuse any field but ``quoted``."""
        raise_if_unknown_fields(FeedbackAnswer, self.initial_data, self.fields)
        return attrs


# --- experience reports -----------------------------------------------------------------------


class MethodExperienceSerializer(serializers.Serializer):
    """What the network reported about a method, as this node counted it (not signed by the method's origin).

    Only the reports the reader may see are counted: public ones for everyone, network ones too for
    peers and staff. Kept up to date whenever a report is written, mirrored, changed or removed.
    """

    reports = serializers.IntegerField(help_text="Experience reports about the method.")
    labs = serializers.IntegerField(help_text="Labs that wrote them.")
    cities = serializers.IntegerField(help_text="Cities those labs are in.")
    participants = serializers.IntegerField(help_text="Participants of all reported uses together.")
    median_fit = serializers.FloatField(allow_null=True, help_text="The median fit, 1 to 5 (null without reports).")
    target_groups = serializers.DictField(child=serializers.IntegerField(),
                                          help_text="Reports reaching each target group (every group named).")
    staircase = serializers.DictField(child=serializers.IntegerField(),
                                      help_text="Reports per highest step on the impact staircase, \"1\" to \"7\".")


class MethodDetailOutputSerializer(MethodOutputSerializer):
    """A method card with its steps and the network's experience with it."""

    experience = MethodExperienceSerializer(read_only=True)

    class Meta(MethodOutputSerializer.Meta):
        fields = (*MethodOutputSerializer.Meta.fields, "experience")

    def to_representation(self, method: MethodCard) -> dict:
        """The card as in the list, then the figures given in the context (``experience``)."""
        return super().to_representation(method) | {"experience": self.context["experience"]}


class ExperienceReportOutputSerializer(ItemOutputSerializer):
    """An experience report, local or mirrored: which method, which lab, who was reached, how it went."""

    method = serializers.URLField(source="method_iri", read_only=True, help_text="The method's IRI.")
    event = serializers.CharField(source="event_iri", read_only=True, help_text="The event's IRI, or empty.")
    lab = LabReferenceSerializer(read_only=True, allow_null=True)
    target_groups = serializers.ListField(child=serializers.ChoiceField(TargetGroup.choices), read_only=True)

    class Meta:
        model = ExperienceReport
        fields = ("uuid", *ITEM_FIELDS, "method", "event", "lab", "date", "participants", "target_groups",
                  "time_needed", "adapted", "worked", "watch_out", "fit", "staircase_step", "license")


class DayField(serializers.DateField):
    """A calendar day as a JSON string, ``YYYY-MM-DD``."""

    def to_internal_value(self, value: object):
        """The day, if JSON gave it as a string in ISO 8601 (a number is no day)."""
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class ExperienceReportInputSerializer(serializers.Serializer):
    """An experience report as a client writes it: the method used (its IRI), the lab, the day and how it went.

    ``method`` and ``event`` name a method card and an event this node holds (its own or mirrored); the
    date lies between 2000 and today. The licence is always CC BY-SA 4.0.
    """

    method = HttpUrlField(max_length=300, help_text="The IRI of a method card this node holds (its own or mirrored).")
    event = HttpUrlField(max_length=300, allow_blank=True, default="",
                         help_text="The IRI of the event the method was used at, if any (an event this node holds).")
    lab = LabField(help_text="The IRI of the lab of this node that used the method.")
    date = DayField(help_text="The day the method was used.")
    participants = WholeNumberField(min_value=0, max_value=MOST_PARTICIPANTS)
    target_groups = ChoiceListField(TargetGroup.choices, help_text="The target groups reached.")
    time_needed = WholeNumberField(min_value=1, max_value=REPORT_MOST_MINUTES, allow_null=True, default=None,
                                   help_text="The time actually needed, in minutes.")
    adapted = optional_text(REPORT_TEXT_MAX)
    worked = optional_text(REPORT_TEXT_MAX)
    watch_out = optional_text(REPORT_TEXT_MAX)
    fit = serializers.ChoiceField(Fit.choices, help_text="How well the method fitted: 1 (not at all) to 5 (very well).")
    staircase_step = serializers.ChoiceField(StaircaseStep.choices,
                                             help_text="The highest step reached on the impact staircase, 1 to 7.")
    visibility = serializers.ChoiceField([(v, label) for v, label in Visibility.choices if v in PUBLISHED],
                                         default=Visibility.PUBLIC)

    NAMES = {"method": "method_iri", "event": "event_iri"}  # the API's names of the model's fields

    def to_internal_value(self, data: object) -> dict:
        """Refuse JSON that is not whole numbers for the fit and the step (DRF's choice field would take "4")."""
        if isinstance(data, dict):
            for name in ("fit", "staircase_step"):
                if name in data and (isinstance(data[name], bool) or not isinstance(data[name], int)):
                    raise serializers.ValidationError({name: [_("Give a whole number.")]})
        return super().to_internal_value(data)

    def validate(self, attrs: dict) -> dict:
        """Refuse unknown fields, and a method or event this node does not hold; name the fields as the model does."""
        raise_if_unknown_fields(ExperienceReport, self.initial_data, self.fields)
        errors = {}
        for name, model in (("method", MethodCard), ("event", Event)):
            iri = attrs.get(name)
            if iri and not model.objects.filter(iri=iri).exclude(visibility=Visibility.DRAFT).exists():
                errors[name] = [_("This node holds no published item at %(iri)s.") % {"iri": iri}]
        if errors:
            raise serializers.ValidationError(errors)
        return {self.NAMES.get(name, name): value for name, value in attrs.items()}
