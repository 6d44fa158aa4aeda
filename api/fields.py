"""The fields clients write, each saying in the OpenAPI schema what it accepts.

drf-spectacular reads DRF's own arguments (``max_length``, ``min_value``, choices, ``allow_blank``)
and regex validators into the schema. What the item models check beyond that is stated here, so
that a client generated from the schema sends what the API takes: ``Stated`` fields add their
``stated_schema()`` to what drf-spectacular makes of them (``api.schema.StatedFieldExtension``).
Rules between fields (an end after the start, a place for an event held in person) are in the
request bodies' descriptions; OpenAPI 3.0 cannot say them.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import ClassVar

from django.core.validators import RegexValidator, URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from events.models import EVENT_EARLIEST, EVENT_LATEST, iana_timezone, iana_zones
from hub.models import Lab
from hub.validators import LANGUAGE_TAG, http_url


def escaped(characters: str) -> str:
    """Characters as ``\\uXXXX`` escapes, which ECMA, Python and Rust regular expressions read alike."""
    return "".join(f"\\u{ord(character):04x}" for character in characters)


# DRF refuses NUL in any text, trims the characters str.strip() trims (spelled out: the regex engines
# disagree about \s) and refuses a required text left empty.
SPACES = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())
ANY_TEXT = r"^[^\u0000]*$"
NOT_ONLY_SPACES = rf"^[^\u0000]*[^\u0000{escaped(SPACES)}][^\u0000]*$"
# drf-spectacular makes a text that may be blank "this pattern, or empty": the pattern must not match "".
SOME_TEXT = r"^[^\u0000]+$"
# The web addresses the models take (``hub.validators.http_url``).
HTTP_URL = r"^https?://"
# RFC 3339 as the API reads it: a T and a UTC offset (Z or ±hh:mm), fractions of a second allowed.
TIME = r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?"
OFFSET = r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
MONTH_DAY = r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
DATE = r"[0-9]{4}" + MONTH_DAY
RFC3339 = re.compile(f"{DATE}{TIME}{OFFSET}")
WITHOUT_OFFSET = re.compile(f"{DATE}{TIME}")
# The same in the years of ``events.models.EVENT_EARLIEST`` to ``EVENT_LATEST`` (tests/api/test_schema.py
# compares them). Spelled out in full, so that a client generator draws valid times from it fast.
EVENT_DATE_TIME = f"^(20[0-9]{{2}}|2100){MONTH_DAY}{TIME}{OFFSET}$"


class Stated:
    """A field whose validation takes less than its type allows; ``stated_schema`` says what it takes."""

    def stated_schema(self) -> dict:
        """OpenAPI keywords to add to what drf-spectacular makes of the field."""
        raise NotImplementedError


class JsonTyped:
    """A field that takes only the JSON type the schema names, where DRF would convert others ("12", 1.0, "yes", 123)."""

    json_types: ClassVar[tuple[type, ...]] = (str,)

    def to_internal_value(self, data: object) -> object:
        """The value, if JSON gave it the schema's type (true and false are no numbers)."""
        if not isinstance(data, self.json_types) or (isinstance(data, bool) and bool not in self.json_types):
            self.fail("invalid")
        return super().to_internal_value(data)


class WholeNumberField(JsonTyped, serializers.IntegerField):
    """A JSON integer."""

    json_types = (int,)


class YesOrNoField(JsonTyped, serializers.BooleanField):
    """A JSON true or false."""

    json_types = (bool,)


class SlugField(JsonTyped, serializers.SlugField):
    """A short name in an address, as a JSON string."""


class TextField(JsonTyped, Stated, serializers.CharField):
    """A text without NUL characters that, unless it may be blank, holds more than spaces."""

    def stated_schema(self) -> dict:
        """A pattern refusing NUL and, for a required text, asking for a character that is not a space."""
        return {"pattern": SOME_TEXT if self.allow_blank else NOT_ONLY_SPACES}


class LanguageField(JsonTyped, serializers.CharField):
    """A language tag of the simple kind the items use (de, en, de-CH); its regex becomes the schema's pattern."""

    def __init__(self, **kwargs) -> None:
        validator = RegexValidator(LANGUAGE_TAG, message=_("“%(value)s” is not a language code such as de or en."))
        # Not trimmed: the schema's pattern admits no spaces, so the API does not either.
        super().__init__(max_length=12, validators=[validator], trim_whitespace=False, **kwargs)


class HttpUrlField(JsonTyped, Stated, serializers.URLField):
    """A web address starting with http:// or https://, or empty where the field allows it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.validators = [*(v for v in self.validators if not isinstance(v, URLValidator)), http_url]

    def stated_schema(self) -> dict:
        """A pattern for the scheme, which ``format: uri`` leaves open (drf-spectacular adds "or empty")."""
        return {"pattern": HTTP_URL}


class ChoiceListField(Stated, serializers.ListField):
    """A list of values from a controlled list, each at most once."""

    default_error_messages: ClassVar[dict[str, str]] = {"repeated": _("A value is listed twice.")}

    def __init__(self, choices, **kwargs) -> None:
        kwargs.setdefault("default", list)
        super().__init__(child=serializers.ChoiceField(choices), **kwargs)

    def to_internal_value(self, data) -> list:
        """The values, refusing a repeated one."""
        values = super().to_internal_value(data)
        if len(set(values)) != len(values):
            self.fail("repeated")
        return values

    def stated_schema(self) -> dict:
        """Unique items."""
        return {"uniqueItems": True}


class TimeZoneField(JsonTyped, Stated, serializers.CharField):
    """An IANA time zone name such as Europe/Berlin."""

    def __init__(self, **kwargs) -> None:
        super().__init__(max_length=64, validators=[iana_timezone], **kwargs)

    def stated_schema(self) -> dict:
        """The zone names this node knows, as an enumeration."""
        return {"enum": sorted(iana_zones())}


class LabField(serializers.SlugRelatedField):
    """A lab named by its IRI; the services accept only this node's labs."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", "The IRI of one of this node's labs (see /api/labs/?origin=…).")
        super().__init__(slug_field="iri", queryset=Lab.objects.all(), **kwargs)


class OffsetDateTimeField(Stated, serializers.DateTimeField):
    """A date and time that must carry its UTC offset, so that it means one instant; events take the years 2000 to 2100."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "naive": _("Give the time with its UTC offset, for example 2027-03-04T18:00:00+01:00."),
        "rfc3339": _("Give the time in RFC 3339, for example 2027-03-04T18:00:00+01:00."),
    }

    def to_internal_value(self, value: object) -> datetime:
        """Read only RFC 3339, the form the schema names, rather than every form Python reads."""
        if isinstance(value, str) and WITHOUT_OFFSET.fullmatch(value):
            self.fail("naive")
        if not isinstance(value, str) or not RFC3339.fullmatch(value):
            self.fail("rfc3339")
        return super().to_internal_value(value)

    def enforce_timezone(self, value: datetime) -> datetime:
        """Refuse a time without offset instead of guessing its zone."""
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)

    def stated_schema(self) -> dict:
        """RFC 3339 with an offset, in the years an event may take place in (``events.models``)."""
        years = f"{EVENT_EARLIEST.year} to {EVENT_LATEST.year - 1}"
        return {"pattern": EVENT_DATE_TIME, "description": f"RFC 3339 with its UTC offset, in the years {years} (UTC)."}


class CoordinateField(JsonTyped, serializers.DecimalField):
    """A latitude or longitude within ±``limit`` degrees, rounded to the six decimal places (about 10 cm) that are stored."""

    json_types = (int, float)

    def __init__(self, *, limit: int, **kwargs) -> None:
        super().__init__(max_digits=9, decimal_places=6, rounding=ROUND_HALF_EVEN, allow_null=True,
                         min_value=Decimal(-limit), max_value=Decimal(limit), **kwargs)

    def validate_precision(self, value: Decimal) -> Decimal:
        """Round to six places before checking the number of digits; a number beyond the limit does not round."""
        if value > self.max_value:
            self.fail("max_value", max_value=self.max_value)
        if value < self.min_value:
            self.fail("min_value", min_value=self.min_value)
        return super().validate_precision(value.quantize(Decimal("0.000001"), rounding=self.rounding))


def optional_text(max_length: int | None = None) -> TextField:
    """An optional text field, empty when not given."""
    return TextField(allow_blank=True, default="", max_length=max_length)


def text_list(*, max_items: int = 50, max_length: int = 200) -> serializers.ListField:
    """An optional list of short texts (keywords, materials, roles), as ``hub.validators.TextList`` takes them."""
    return serializers.ListField(child=TextField(max_length=max_length), max_length=max_items, default=list)


def optional_list(child: serializers.Field) -> serializers.ListField:
    """An optional list field, empty when not given."""
    return serializers.ListField(child=child, default=list)
