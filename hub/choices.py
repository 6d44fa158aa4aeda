"""The controlled lists shared by every node: their values travel on the wire, their labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    NETWORK = "network", _("Network only")
    DRAFT = "draft", _("Draft")


PUBLISHED = (Visibility.PUBLIC, Visibility.NETWORK)


class Phase(models.TextChoices):
    """The six phases of CityLAB Berlin's handbook "Öffentliches Gestalten"."""

    VORBEREITEN = "vorbereiten", _("Prepare")
    ERKUNDEN = "erkunden", _("Explore")
    ERKENNEN = "erkennen", _("Understand")
    ENTWERFEN = "entwerfen", _("Design")
    ERPROBEN = "erproben", _("Test")
    NAVIGIEREN = "navigieren", _("Navigate")


class Difficulty(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class TargetGroup(models.TextChoices):
    """Who a method or event is for; vulnerable groups are named explicitly."""

    OLDER_PEOPLE = "older-people", _("Older people")
    PEOPLE_WITH_DISABILITIES = "people-with-disabilities", _("People with disabilities")
    LITTLE_GERMAN_OR_LOW_LITERACY = "little-german-or-low-literacy", _(
        "People with little German or low literacy"
    )
    CHILDREN_AND_YOUNG_PEOPLE = "children-and-young-people", _("Children and young people")
    WITHOUT_INTERNET_ACCESS = "without-internet-access", _("People without internet access")
    GENERAL_PUBLIC = "general-public", _("General public")
    ADMINISTRATION_STAFF = "administration-staff", _("Administration staff")


class License(models.TextChoices):
    """The Creative Commons licences, by their canonical URL (schema:license on the wire)."""

    CC0 = "https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0"
    BY = "https://creativecommons.org/licenses/by/4.0/", "CC BY 4.0"
    BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/", "CC BY-SA 4.0"
    BY_NC = "https://creativecommons.org/licenses/by-nc/4.0/", "CC BY-NC 4.0"
    BY_NC_SA = "https://creativecommons.org/licenses/by-nc-sa/4.0/", "CC BY-NC-SA 4.0"
    BY_ND = "https://creativecommons.org/licenses/by-nd/4.0/", "CC BY-ND 4.0"
    BY_NC_ND = "https://creativecommons.org/licenses/by-nc-nd/4.0/", "CC BY-NC-ND 4.0"


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in-person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    POSTPONED = "postponed", _("Postponed")
    RESCHEDULED = "rescheduled", _("Rescheduled")


class AccessibilityFeature(models.TextChoices):
    STEP_FREE_ACCESS = "step-free-access", _("Step-free access")
    ACCESSIBLE_TOILET = "accessible-toilet", _("Accessible toilet")
    HEARING_LOOP = "hearing-loop", _("Hearing loop")
    SIGN_LANGUAGE = "sign-language", _("Sign language interpretation")
    EASY_LANGUAGE = "easy-language", _("Easy language (Leichte Sprache)")
    LIVE_CAPTIONS = "live-captions", _("Live captions")
    QUIET_ROOM = "quiet-room", _("Quiet room")
    SEATING = "seating", _("Seating available throughout")
    CHILDCARE = "childcare", _("Childcare")
    ASSISTANCE_DOGS = "assistance-dogs", _("Assistance dogs welcome")


class Registration(models.TextChoices):
    """How people register: not at all, at another site (``recommended``, ``required``: the link), or on the event's node."""

    NONE = "none", _("No registration needed")
    RECOMMENDED = "recommended", _("Registration recommended")
    REQUIRED = "required", _("Registration required")
    NODE = "node", _("Registration on this node")


# The modes that send people to a registration link elsewhere (the "external").
EXTERNAL_REGISTRATION = (Registration.RECOMMENDED, Registration.REQUIRED)


class RegistrationStatus(models.TextChoices):
    """Where one person's registration for an event stands."""

    PENDING = "pending", _("Not confirmed yet")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


# The registrations that hold (or may still take) a seat or a place on the waiting list.
ACTIVE_REGISTRATION = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


# The target groups a report counts as vulnerable (the impact view shows the share of events reaching each).
VULNERABLE_GROUPS = (
    TargetGroup.OLDER_PEOPLE,
    TargetGroup.PEOPLE_WITH_DISABILITIES,
    TargetGroup.LITTLE_GERMAN_OR_LOW_LITERACY,
    TargetGroup.CHILDREN_AND_YOUNG_PEOPLE,
    TargetGroup.WITHOUT_INTERNET_ACCESS,
)


class StaircaseStep(models.IntegerChoices):
    """The impact staircase (Wirkungstreppe): the highest step an activity reached.

    Steps 1–3 are output, 4–6 outcome, 7 impact. Closing reports and experience reports use it; its
    integer travels on the wire.
    """

    TOOK_PLACE = 1, _("The activity took place")
    GROUPS_REACHED = 2, _("The target groups were reached")
    ACCEPTED = 3, _("The target groups accepted it")
    AWARENESS_OR_SKILLS = 4, _("Awareness or skills changed")
    BEHAVIOUR = 5, _("Behaviour changed")
    SITUATION = 6, _("Their situation changed")
    SOCIETY = 7, _("Society changed")


def staircase_level(step: int) -> str:
    """``output`` (1–3), ``outcome`` (4–6) or ``impact`` (7): where a staircase step sits."""
    return "output" if step <= 3 else "outcome" if step <= 6 else "impact"
