"""Field validators shared by the item models; their messages name what is wrong."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

http_url = URLValidator(schemes=["http", "https"], message=_("Enter a web address starting with http:// or https://."))

LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?\Z")  # \Z, not $: no line break after the tag


# A municipality's Amtlicher Regionalschlüssel (ARS: state, government district, district, association,
# municipality; 12 digits) or its Amtlicher Gemeindeschlüssel (AGS: the same without the association; 8 digits).
REGIONAL_KEY = re.compile(r"^([0-9]{12}|[0-9]{8})\Z")  # [0-9], not \d: no digits of other scripts
GERMAN_STATES = range(1, 17)  # the states' keys: 01 Schleswig-Holstein … 16 Thüringen


def regional_key(value: str) -> None:
    """Accept a municipality's Regionalschlüssel (12 digits) or Gemeindeschlüssel (8 digits), without spaces."""
    if not REGIONAL_KEY.match(value or "") or int(value[:2]) not in GERMAN_STATES:
        raise ValidationError(
            _("“%(value)s” is not a regional key: give the municipality's Regionalschlüssel of 12 digits, such as "
              "064140000000 for Wiesbaden, or its Gemeindeschlüssel of 8 digits, such as 06414000, without spaces."),
            code="invalid",
            params={"value": value},
        )


def language_tag(value: str) -> None:
    """Accept a BCP 47 language tag of the simple kind used here (de, en, de-CH)."""
    if not LANGUAGE_TAG.match(value or ""):
        raise ValidationError(
            _("“%(value)s” is not a language code such as de or en."), code="invalid", params={"value": value}
        )


@deconstructible
class ChoiceList:
    """Validate a JSON list whose every element is one of the given choices, without repeats."""

    def __init__(self, choices: type) -> None:
        self.choices = choices

    def __call__(self, value: object) -> None:
        if not isinstance(value, list):
            raise ValidationError(_("Expected a list of values."), code="invalid")
        allowed = set(self.choices.values)
        unknown = [item for item in value if item not in allowed]
        if unknown:
            raise ValidationError(
                _("Unknown value(s): %(values)s. Allowed: %(allowed)s."),
                code="unknown_value",
                params={"values": ", ".join(map(str, unknown)), "allowed": ", ".join(sorted(allowed))},
            )
        if len(set(value)) != len(value):
            raise ValidationError(_("A value is listed twice."), code="duplicate")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChoiceList) and other.choices is self.choices


@deconstructible
class TextList:
    """Validate a JSON list of short, non-empty strings (keywords, materials, roles)."""

    def __init__(self, max_items: int = 50, max_length: int = 200) -> None:
        self.max_items = max_items
        self.max_length = max_length

    def __call__(self, value: object) -> None:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError(_("Expected a list of texts."), code="invalid")
        if len(value) > self.max_items:
            raise ValidationError(
                _("At most %(max)d entries are allowed."), code="too_many", params={"max": self.max_items}
            )
        if any(not item.strip() or len(item) > self.max_length for item in value):
            raise ValidationError(
                _("Each entry must be between 1 and %(max)d characters long."),
                code="invalid_length",
                params={"max": self.max_length},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextList) and (other.max_items, other.max_length) == (
            self.max_items,
            self.max_length,
        )


def language_list(value: object) -> None:
    """Validate a JSON list of language codes."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Expected a list of language codes."), code="invalid")
    for item in value:
        language_tag(item)


def http_url_list(value: object) -> None:
    """Validate a JSON list of http(s) IRIs."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Expected a list of web addresses."), code="invalid")
    for item in value:
        http_url(item)


@deconstructible
class MaxItems:
    """Validate that a JSON list holds at most ``limit`` entries."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, value: object) -> None:
        if isinstance(value, list) and len(value) > self.limit:
            raise ValidationError(
                _("At most %(max)d entries are allowed."), code="too_many", params={"max": self.limit}
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaxItems) and other.limit == self.limit
