"""The pages' forms: method cards with their steps, events, adapting, peering, blocking, ideas, closing reports,
feedback, experience reports."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from events.models import (
    CONTRIBUTIONS_MAX,
    DEFAULT_TIMEZONE,
    EVIDENCE_MAX,
    FEEDBACK_TEXT_MAX,
    LARGEST_AUDIENCE,
    REPORT_MAX,
    Event,
    FeedbackRating,
)
from experience.models import MINUTES_IN_A_WEEK as REPORT_MOST_MINUTES
from experience.models import MOST_PARTICIPANTS, ExperienceReport, Fit
from experience.models import TEXT_MAX as REPORT_TEXT_MAX
from federation.blocks import MAX_REASON, GovernanceError, origin_normalised, own_origin
from federation.models import Block
from hub.admin_base import ItemAdminForm
from hub.choices import (
    PUBLISHED,
    AccessibilityFeature,
    StaircaseStep,
    TargetGroup,
    Visibility,
    staircase_level,
)
from hub.forms import item_form_class
from hub.models import Lab, PrivacyNotice
from hub.validators import http_url
from ideas.models import ANSWER_MAX as IDEA_ANSWER_MAX
from ideas.models import AUTHOR_NAME_MAX as IDEA_AUTHOR_NAME_MAX
from ideas.models import DISTRICT_MAX as IDEA_DISTRICT_MAX
from ideas.models import REASON_MAX as IDEA_REASON_MAX
from ideas.models import TEXT_MAX as IDEA_TEXT_MAX
from ideas.models import TITLE_MAX as IDEA_TITLE_MAX
from methods.models import MethodCard
from methods.services import MAX_STEPS
from web.closing import STAIRCASE_LEVELS, face_svg

_MethodBase = item_form_class(
    MethodCard, ItemAdminForm, choice_lists={"target_groups": TargetGroup},
    lines=("materials", "roles", "translations"), commas=("keywords",),
)
_EventBase = item_form_class(
    Event, ItemAdminForm, choice_lists={"target_groups": TargetGroup, "accessibility_features": AccessibilityFeature},
    lines=("method_iris",), commas=("languages", "keywords"),
)


def _labels_from_model(form: forms.ModelForm) -> None:
    """Labels as the model names its fields, first letter capitalised and the rest kept (German nouns, IRIs)."""
    for name, field in form.fields.items():
        try:
            field.label = capfirst(form._meta.model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            pass


def _labs_only(form: forms.ModelForm, labs: QuerySet[Lab]) -> None:
    """Offer only ``labs``: the labs of this node whose items the person may write."""
    field = form.fields["lab"]
    field.queryset = labs
    field.empty_label = None if field.queryset.count() == 1 else field.empty_label


class Sections:
    """Groups a form's fields into titled sections, shown as fieldsets."""

    sections: tuple[tuple[Any, tuple[str, ...]], ...] = ()

    def fieldsets(self) -> list[tuple[Any, list]]:
        """(legend, bound fields) for each section."""
        return [(legend, [self[name] for name in names if name in self.fields]) for legend, names in self.sections]


class MethodForm(Sections, _MethodBase):
    """A method card of this node, every field but its steps; ``labs`` are the labs it may belong to."""

    sections = (
        (_("The method"), ("title", "lab", "language", "phase", "summary", "added_value", "body")),
        (_("Frame"), ("duration_min", "duration_max", "group_size_min", "group_size_max", "difficulty", "target_groups")),
        (_("Carrying it out"), ("materials", "roles", "tips", "background", "accessibility_notes")),
        (_("Origin and licence"), ("license", "source", "based_on", "translations", "keywords")),
        (_("Publishing"), ("slug", "visibility")),
    )

    class Meta(_MethodBase.Meta):
        fields = (
            "title", "lab", "language", "phase", "summary", "added_value", "body", "duration_min", "duration_max",
            "group_size_min", "group_size_max", "difficulty", "target_groups", "materials", "roles", "tips",
            "background", "accessibility_notes", "license", "source", "based_on", "translations", "keywords",
            "slug", "visibility",
        )
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "added_value": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 10}),
            "tips": forms.Textarea(attrs={"rows": 3}),
            "background": forms.Textarea(attrs={"rows": 3}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, labs: QuerySet[Lab], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _labels_from_model(self)
        _labs_only(self, labs)
        if self.instance.pk is None:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Leave empty to derive it from the title.")
        self.fields["body"].help_text = _("Markdown: **bold**, *italic*, lists with “-”, links as [text](https://…).")


class StepForm(forms.Form):
    """One step of a method card; a step left empty is dropped."""

    title = forms.CharField(label=_("Title of the step"), max_length=200, required=False)
    text = forms.CharField(label=_("What happens"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("text", "").strip() and not cleaned.get("title", "").strip():
            self.add_error("title", _("Give this step a title, or empty its text to remove it."))
        return cleaned


StepFormSet = forms.formset_factory(StepForm, extra=0, max_num=MAX_STEPS, validate_max=True, absolute_max=MAX_STEPS + 10)
BLANK_STEPS = 3


def steps_formset(method: MethodCard | None, data=None, *, blank: int = BLANK_STEPS) -> forms.BaseFormSet:
    """The steps of a method (or none) plus a few blank ones to fill in."""
    if data is not None:
        return StepFormSet(data, prefix="steps")
    initial = [{"title": step.title, "text": step.text} for step in method.steps.all()] if method else []
    formset_class = forms.formset_factory(StepForm, extra=blank, max_num=MAX_STEPS, absolute_max=MAX_STEPS + 10)
    return formset_class(initial=initial, prefix="steps")


def steps_more(data) -> forms.BaseFormSet:
    """The submitted steps with more blank ones, for “add steps” (nothing is saved)."""
    submitted = StepFormSet(data, prefix="steps")
    initial = [form.cleaned_data for form in submitted.forms if form.is_valid()] if submitted.is_valid() else [
        {"title": form["title"].value(), "text": form["text"].value()} for form in submitted.forms
    ]
    formset_class = forms.formset_factory(StepForm, extra=BLANK_STEPS, max_num=MAX_STEPS, absolute_max=MAX_STEPS + 10)
    return formset_class(initial=initial, prefix="steps")


def steps_from(formset: forms.BaseFormSet) -> list[dict[str, str]]:
    """The filled-in steps, in order."""
    return [
        {"title": form.cleaned_data["title"].strip(), "text": form.cleaned_data.get("text", "")}
        for form in formset.forms
        if form.cleaned_data.get("title", "").strip()
    ]


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as typed, in the zone the form names (applied in EventForm.clean)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


ZONED_TIMES = ("start", "end", "registration_opens", "registration_closes")  # typed in the event's own zone
COUNTS_DEFAULT_ZERO = ("held_back_seats", "max_companions")  # left empty: none


class EventForm(Sections, _EventBase):
    """An event of this node, of one of ``labs``; its start and end are typed in the event's own time zone."""

    start = LocalDateTimeField(label=_("Start"))
    end = LocalDateTimeField(label=_("End"))
    registration_opens = LocalDateTimeField(label=_("Registration opens"), required=False)
    registration_closes = LocalDateTimeField(label=_("Registration closes"), required=False)

    sections = (
        (_("The event"), ("title", "lab", "description", "status")),
        (_("Date and time"), ("start", "end", "timezone")),
        (_("Place"), ("attendance_mode", "place_name", "place_address", "latitude", "longitude", "online_url")),
        (_("Who it is for"), ("target_groups", "languages", "is_free", "capacity", "accessibility_features", "accessibility_notes")),
        (_("Registration"), ("registration", "registration_url", "held_back_seats", "waiting_list",
                              "registration_opens", "registration_closes", "max_companions", "question")),
        (_("More"), ("keywords", "method_iris", "visibility")),
    )

    class Meta(_EventBase.Meta):
        fields = (
            "title", "lab", "description", "status", "start", "end", "timezone", "attendance_mode", "place_name",
            "place_address", "latitude", "longitude", "online_url", "target_groups", "languages", "is_free",
            "capacity", "accessibility_features", "accessibility_notes", "registration", "registration_url",
            "held_back_seats", "waiting_list", "registration_opens", "registration_closes", "max_companions",
            "question", "keywords", "method_iris", "visibility",
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "place_address": forms.Textarea(attrs={"rows": 2}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, labs: QuerySet[Lab], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _labels_from_model(self)
        self.fields["start"].label, self.fields["end"].label = _("Start"), _("End")
        _labs_only(self, labs)
        self.fields["timezone"].help_text = _("An IANA time zone such as Europe/Berlin; start and end are in this zone.")
        self.fields["registration_opens"].label = _("Registration opens")
        self.fields["registration_closes"].label = _("Registration closes")
        for name in COUNTS_DEFAULT_ZERO:
            self.fields[name].required = False
        if self.instance.pk:
            zone = zoneinfo.ZoneInfo(self.instance.timezone)
            for name in ZONED_TIMES:
                if getattr(self.instance, name) is not None:
                    self.initial[name] = getattr(self.instance, name).astimezone(zone).replace(tzinfo=None)

    def clean(self) -> dict[str, Any]:
        """Read start and end in the event's zone before the model's checks run."""
        zone_name = self.cleaned_data.get("timezone") or DEFAULT_TIMEZONE
        try:
            zone = zoneinfo.ZoneInfo(zone_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo(DEFAULT_TIMEZONE)
        for name in COUNTS_DEFAULT_ZERO:
            if self.cleaned_data.get(name) is None and name not in self.errors:
                self.cleaned_data[name] = 0
        for name in ZONED_TIMES:
            value = self.cleaned_data.get(name)
            if value is not None:
                naive = timezone.make_naive(value, timezone.get_current_timezone())
                self.cleaned_data[name] = timezone.make_aware(naive, zone)
        return super().clean()


class AdaptForm(forms.Form):
    """Adapt a method into one of ``labs``, the labs of this node the person writes for."""

    lab = forms.ModelChoiceField(queryset=Lab.objects.none(), to_field_name="iri", label=_("Into the lab"), empty_label=None)

    def __init__(self, *args: Any, labs: QuerySet[Lab], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = labs


class InvitationForm(forms.Form):
    """Create an invitation for another node."""

    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=30, initial=7)


class JoinForm(forms.Form):
    """Join another node with the invitation it gave us."""

    invitation = forms.CharField(
        label=_("Invitation"), widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("The text starting with stadtlabor-invitation: that the other node's staff gave you."),
    )


class OriginField(forms.CharField):
    """A node's address, read as the node IRI ``scheme://host[:port]/``; this node's own is refused."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Node"), max_length=300,
            help_text=_("The node's address, such as https://hub.example.de"),
            widget=forms.URLInput(attrs={"spellcheck": "false", "autocomplete": "off"}), **kwargs,
        )

    def clean(self, value: Any) -> str:
        try:
            origin = origin_normalised(super().clean(value))
        except GovernanceError:
            raise ValidationError(_("Give a node's address, such as https://hub.example.de")) from None
        if origin == own_origin():
            raise ValidationError(_("This is this node's own address: it is always allowed and cannot be blocked."))
        return origin


class BlockForm(forms.Form):
    """Block a node, with the reason the staff will see."""

    origin = OriginField()
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to this node's staff, and in the block list if this node publishes one."),
    )

    def clean_origin(self) -> str:
        origin = self.cleaned_data["origin"]
        if Block.objects.filter(origin=origin, status=Block.Status.ACTIVE).exists():
            raise ValidationError(_("This node is blocked already."))
        return origin


class OriginForm(forms.Form):
    """One node's address: to unblock, confirm, allow or disallow it."""

    origin = OriginField()


MARKDOWN_HELP = _("Markdown: **bold**, *italic*, lists with “-”, links as [text](https://…), headings with “##”.")


class PrivacyNoticeForm(forms.Form):
    """The node's privacy notice: who is responsible, the text in German and English, the consent sentences."""

    contact = forms.CharField(
        label=_("Who is responsible"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Name, address and e-mail of the lab or city office responsible (Markdown)."),
    )
    text_de = forms.CharField(
        label=_("Notice in German"), max_length=30000, help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 16, "lang": "de"}),
    )
    text_en = forms.CharField(
        label=_("Notice in English"), max_length=30000, help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 16, "lang": "en"}),
    )
    consent_de = forms.CharField(
        label=_("Consent sentence in German"), max_length=500, widget=forms.Textarea(attrs={"rows": 3, "lang": "de"}),
        help_text=_("The sentence beside the consent box of the registration form; one line, no Markdown."),
    )
    consent_en = forms.CharField(
        label=_("Consent sentence in English"), max_length=500, widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}),
        help_text=_("The sentence beside the consent box of the registration form; one line, no Markdown."),
    )

    def __init__(self, *args: Any, notice: PrivacyNotice, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(notice, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)


def form_add_service_errors(form: forms.Form, error: ValidationError) -> list[str]:
    """Put a service's errors at the form's fields; return the messages no field of the form shows."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    elsewhere = []
    for field, errors in error.error_dict.items():
        if field in form.fields:
            form.add_error(field, errors)
        else:
            elsewhere.extend(message for item in errors for message in item.messages)
    return elsewhere


# --- ideas ------------------------------------------------------------------------------------


class IdeaForm(forms.Form):
    """A citizen's idea for a lab: no account; name and e-mail address only for an answer.

    ``website`` is a honeypot: hidden from people (``display: none``), filled in by robots that fill
    every field; a submission with it filled is thanked for and thrown away.
    """

    title = forms.CharField(label=_("Title of your idea"), max_length=IDEA_TITLE_MAX)
    text = forms.CharField(
        label=_("Your idea"), max_length=IDEA_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}),
    )
    district = forms.CharField(
        label=_("District (optional)"), max_length=IDEA_DISTRICT_MAX, required=False,
        help_text=_("Where in the city, if your idea belongs to a place."),
    )
    name = forms.CharField(
        label=_("Your name (optional)"), max_length=IDEA_AUTHOR_NAME_MAX, required=False,
        help_text=_("A first name or a pseudonym is enough. It is not published."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address (optional)"), required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    website = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _("What should change, for whom, and why? At most %(max)d characters.") % {
            "max": IDEA_TEXT_MAX
        }
        self.fields["email"].help_text = _(
            "Only if you want an answer by e-mail. It is not published, used for nothing else, and erased "
            "%(days)d days after the lab's answer."
        ) % {"days": settings.HUB_IDEA_RETENTION_DAYS}

    @property
    def is_robot(self) -> bool:
        """Whether the honeypot was filled in."""
        return bool((self.data.get(self.add_prefix("website")) or "").strip())

    def visible_fields(self) -> list:
        """The fields people fill in, without the honeypot (rendered apart, hidden)."""
        return [field for field in super().visible_fields() if field.name != "website"]


class IdeaPublishForm(forms.Form):
    """Publish an idea, with the lab's public answer if there is one yet."""

    answer = forms.CharField(
        label=_("Public answer (optional)"), max_length=IDEA_ANSWER_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown with the idea; sent to the author if they left an e-mail address."),
    )
    visibility = forms.ChoiceField(
        label=_("Visible for"), choices=[(v, label) for v, label in Visibility.choices if v in PUBLISHED],
        initial=Visibility.PUBLIC, widget=forms.RadioSelect,
    )


class IdeaAnswerForm(forms.Form):
    """The lab's public answer to a published idea."""

    answer = forms.CharField(
        label=_("Public answer"), max_length=IDEA_ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown with the idea; sent to the author if they left an e-mail address."),
    )


class IdeaDeclineForm(forms.Form):
    """Decline an idea, with the reason the author is sent (never published)."""

    reason = forms.CharField(
        label=_("Reason"), max_length=IDEA_REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Not published; sent to the author if they left an e-mail address."),
    )


class IdeaLinkForm(forms.Form):
    """The events and method cards that took an idea up, chosen from those offered."""

    event_iris = forms.MultipleChoiceField(label=_("Events"), required=False, widget=forms.CheckboxSelectMultiple)
    method_iris = forms.MultipleChoiceField(label=_("Method cards"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, events: list[tuple[str, str]], methods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_iris"].choices = events
        self.fields["method_iris"].choices = methods


class CheckInForm(forms.Form):
    """The code a person shows at the door, typed or read from its QR code."""

    code = forms.CharField(label=_("Check-in code"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"}))


class OnBehalfForm(forms.Form):
    """Staff register someone who called or came by: a name and a note, no e-mail address."""

    name = forms.CharField(label=_("Name"), max_length=100)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("For example: called on Monday, needs a seat near the door."))
    companions = forms.IntegerField(label=_("Companions"), min_value=0, initial=0)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["companions"].max_value = event.max_companions
        self.fields["companions"].validators.append(MaxValueValidator(event.max_companions))


# --- closing reports and feedback -----------------------------------------------------------------


class ClosingReportForm(Sections, forms.Form):
    """An event's closing report as its lab's staff write it; ``methods`` are (IRI, title) of the methods offered."""

    sections = (
        (_("Who came"), ("attendees", "target_groups_reached")),
        (_("What came of it"), ("contributions_count", "contributions", "method_iris", "more_methods", "report")),
        (_("Impact staircase"), ("staircase_step", "staircase_evidence")),
        (_("Publishing"), ("published",)),
    )

    attendees = forms.IntegerField(
        label=_("Attendees"), min_value=0, max_value=LARGEST_AUDIENCE,
        help_text=_("Everyone who took part, companions and walk-ins included."),
    )
    target_groups_reached = forms.MultipleChoiceField(
        label=_("Target groups reached"), choices=TargetGroup.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Tick the groups that actually came, not those the event was meant for."),
    )
    contributions_count = forms.IntegerField(
        label=_("Number of contributions"), min_value=0, max_value=LARGEST_AUDIENCE, required=False,
        help_text=_("Ideas, prototypes, statements … that came out of the event."),
    )
    contributions = forms.CharField(
        label=_("Contributions"), max_length=CONTRIBUTIONS_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What they were, in a few lines."),
    )
    method_iris = forms.MultipleChoiceField(
        label=_("Methods actually used"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    more_methods = forms.CharField(
        label=_("Other methods of the network"), required=False, widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text=_("The addresses (IRIs) of further method cards you used, one per line."),
    )
    report = forms.CharField(
        label=_("Short report"), max_length=REPORT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened and what came of it; plain text, published with the event."),
    )
    staircase_step = forms.TypedChoiceField(
        label=_("Highest step reached on the impact staircase"), coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Choose the highest step the event reached.")},
    )
    staircase_evidence = forms.CharField(
        label=_("Evidence for the step"), max_length=EVIDENCE_MAX, required=False,
        help_text=_("One line: what shows that this step was reached (not needed for the first step)."),
    )
    published = forms.BooleanField(
        label=_("Publish the report with the event"), required=False,
        help_text=_("It becomes part of the event's page and of its document in the network. Feedback texts stay "
                    "internal unless you publish them as quotes."),
    )

    def __init__(self, *args: Any, methods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method_iris"].choices = methods
        self.fields["staircase_step"].choices = [
            (step.value, f"{step.value}. {step.label} ({STAIRCASE_LEVELS[staircase_level(step.value)]})")
            for step in StaircaseStep
        ]

    def clean_more_methods(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["more_methods"].splitlines() if line.strip()]
        for line in lines:
            try:
                http_url(line)
            except ValidationError:
                raise ValidationError(_("“%(line)s” is no web address starting with http:// or https://.") % {"line": line}) from None
        return lines

    def report_fields(self) -> dict[str, Any]:
        """The cleaned fields as ``closing_report_write`` takes them."""
        data = dict(self.cleaned_data)
        chosen = list(dict.fromkeys([*data.pop("method_iris"), *data.pop("more_methods")]))
        data["contributions_count"] = data.get("contributions_count") or 0
        return data | {"method_iris": chosen}




class FeedbackForm(forms.Form):
    """The participants' one question (five faces, each with its words) and what to do differently, optional."""

    rating = forms.TypedChoiceField(
        label=_("How did you like the event?"), coerce=int, choices=FeedbackRating.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Please choose one of the five answers."),
                        "invalid_choice": _("Please choose one of the five answers.")},
    )
    text = forms.CharField(
        label=_("What should we do differently? (optional)"), max_length=FEEDBACK_TEXT_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please write no names. The lab reads it; it is published only as a quote the lab chooses."),
        error_messages={"max_length": _("Please shorten your answer to at most %(limit_value)d characters.")},
    )

    def faces(self) -> list[tuple[Any, str]]:
        """Each radio button of the question with its face."""
        return [(choice, face_svg(int(choice.data["value"]))) for choice in self["rating"]]


# --- experience reports -----------------------------------------------------------------------


class ExperienceReportForm(Sections, forms.Form):
    """A lab's experience with a method: ``methods`` and ``events`` are the (IRI, name) pairs to choose from."""

    method_iri = forms.ChoiceField(label=_("Method"))
    event_iri = forms.ChoiceField(label=_("Event (optional)"), required=False)
    lab = forms.ModelChoiceField(queryset=Lab.objects.none(), to_field_name="iri", label=_("Lab"))
    date = forms.DateField(label=_("Date the method was used"), widget=forms.DateInput(attrs={"type": "date"},
                                                                                       format="%Y-%m-%d"))
    participants = forms.IntegerField(label=_("Participants"), min_value=0, max_value=MOST_PARTICIPANTS,
                                      help_text=_("How many people took part, staff not counted."))
    target_groups = forms.MultipleChoiceField(label=_("Target groups reached"), choices=TargetGroup.choices,
                                              required=False, widget=forms.CheckboxSelectMultiple)
    time_needed = forms.IntegerField(label=_("Time actually needed (minutes, optional)"), min_value=1,
                                     max_value=REPORT_MOST_MINUTES, required=False)
    fit = forms.TypedChoiceField(label=_("How well did the method fit?"), choices=Fit.choices, coerce=int,
                                 widget=forms.RadioSelect)
    staircase_step = forms.TypedChoiceField(
        label=_("Highest step reached on the impact staircase"), choices=StaircaseStep.choices, coerce=int,
        widget=forms.RadioSelect,
        help_text=_("Steps 1–3 are output, 4–6 outcome, 7 impact. Choose the highest step you have evidence for."),
    )
    worked = forms.CharField(label=_("What worked"), required=False, max_length=REPORT_TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 4}))
    adapted = forms.CharField(label=_("What was adapted"), required=False, max_length=REPORT_TEXT_MAX,
                              widget=forms.Textarea(attrs={"rows": 3}))
    watch_out = forms.CharField(label=_("What to watch out for"), required=False, max_length=REPORT_TEXT_MAX,
                                widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(
        label=_("Visible for"), choices=[(v, label) for v, label in Visibility.choices if v in PUBLISHED],
        initial=Visibility.PUBLIC, widget=forms.RadioSelect,
        help_text=_("Published under CC BY-SA 4.0 and shared with the network's nodes."),
    )

    sections = (
        (_("The method and where it was used"), ("method_iri", "event_iri", "lab", "date")),
        (_("Who took part"), ("participants", "target_groups", "time_needed")),
        (_("How it went"), ("fit", "staircase_step", "worked", "adapted", "watch_out")),
        (_("Publishing"), ("visibility",)),
    )

    def __init__(self, *args: Any, labs: QuerySet[Lab], methods: list[tuple[str, str]], events: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staircase_step"].choices = [(value, f"{value}. {label}") for value, label in StaircaseStep.choices]
        self.fields["method_iri"].choices = [("", _("Choose a method")), *methods]
        self.fields["event_iri"].choices = [("", _("No event")), *events]
        self.fields["lab"].queryset = labs
        self.fields["lab"].empty_label = None if labs.count() == 1 else self.fields["lab"].empty_label

    @classmethod
    def initial_of(cls, report: ExperienceReport) -> dict[str, Any]:
        """The form's values for a report being edited."""
        names = ("method_iri", "event_iri", "date", "participants", "target_groups", "time_needed", "fit",
                 "staircase_step", "worked", "adapted", "watch_out", "visibility")
        return {name: getattr(report, name) for name in names} | {"lab": report.lab_id}
