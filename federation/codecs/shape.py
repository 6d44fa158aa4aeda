"""Reading a received JSON-LD document field by field, refusing every wrong shape with a reason."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.base import ModelState

from hub.validators import LANGUAGE_TAG

MAX_TEXT = 100_000
MAX_IRI = 300
MAX_URL = 500
MAX_ITEMS = 100
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2100, 12, 31)


class DocumentError(ValueError):
    """A document does not have the shape the vocabulary prescribes; the message says why."""


class UnknownTerms(DocumentError):
    """A document uses terms this node's vocabulary does not define (a newer vocabulary may: protocol §8)."""

    def __init__(self, message: str, terms: list[str]) -> None:
        super().__init__(message)
        self.terms = terms


TERM = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")  # what a term of a JSON-LD vocabulary looks like


def is_http_iri(value: object, max_length: int = MAX_IRI) -> bool:
    """Whether a value is an absolute http(s) IRI of sensible length without spaces."""
    if not isinstance(value, str) or len(value) > max_length:
        return False
    return _is_http_iri_remembered(value) if type(value) is str else _is_http_iri_text(value)


def _is_http_iri_text(value: str) -> bool:
    """``is_http_iri`` of a string within the length limit."""
    if _has_space_or_control(value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme in {"http", "https"} and bool(parts.hostname)
    except ValueError:  # such as an unclosed IPv6 bracket
        return False


# The same, remembered for the last few thousand strings: a page names its origin and labs in every document.
_is_http_iri_remembered = functools.lru_cache(maxsize=4096)(_is_http_iri_text)


def _has_space_or_control(value: str) -> bool:
    """Whether a string holds whitespace, a C0 control character or DEL.

    For ASCII (nearly every IRI) that is a space or a character ``isprintable`` refuses (the C0
    controls, which include ASCII's other whitespace, and DEL): two scans in C instead of a Python
    loop over the characters.
    """
    if value.isascii():
        return " " in value or not value.isprintable()
    return any(c.isspace() or c < " " or c == "\x7f" for c in value)


def allowed_values(choices: Iterable[str]) -> frozenset[str]:
    """A controlled list as the set ``Reader.choice`` and ``Reader.choices`` take: make it once, not per call."""
    return choices if isinstance(choices, frozenset) else frozenset(choices)


class Reader:
    """The fields of one JSON object; ``finish`` refuses the keys nobody read."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise DocumentError(f"{where} must be a JSON object")
        self.value = value
        self.where = where
        self.seen: set[str] = set()

    def _take(self, key: str, required: bool) -> Any:
        self.seen.add(key)
        value = self.value.get(key)  # absent or null
        if value is None and required:
            raise DocumentError(f"{self.where} lacks the required property '{key}'")
        return value

    def _fail(self, key: str, expected: str) -> DocumentError:
        return DocumentError(f"{self.where}.{key} must be {expected}")

    def allow(self, *keys: str) -> None:
        """Accept keys that another part of the pipeline reads (the proof, the context)."""
        self.seen.update(keys)

    def text(self, key: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
        """A string (empty when absent)."""
        value = self._take(key, required)
        if value is None:
            return ""
        if not isinstance(value, str) or len(value) > max_length:
            raise self._fail(key, f"a string of at most {max_length} characters")
        if "\x00" in value:
            raise self._fail(key, "text without NUL characters")
        if required and not value.strip():
            raise self._fail(key, "a non-empty string")
        return value

    def iri(self, key: str, *, required: bool = False, max_length: int = MAX_IRI) -> str:
        """An absolute http(s) IRI (empty when absent)."""
        value = self._take(key, required)
        if value is None:
            return ""
        if not is_http_iri(value, max_length):
            raise self._fail(key, f"an absolute http(s) IRI of at most {max_length} characters")
        return value

    def email(self, key: str) -> str:
        """An e-mail address (empty when absent)."""
        value = self.text(key, max_length=254)
        try:
            if value:
                validate_email(value)
        except ValidationError:
            raise self._fail(key, "an e-mail address") from None
        return value

    def languages(self, key: str, *, max_items: int) -> list[str]:
        """A list of language codes such as de or en."""
        values = self.texts(key, max_items=max_items, max_length=12)
        if not all(LANGUAGE_TAG.match(value) for value in values):
            raise self._fail(key, "a list of language codes such as de or en")
        return values

    def integer(self, key: str, *, required: bool = False, minimum: int = 0, maximum: int = 2**31 - 1) -> int | None:
        """A whole number within bounds (None when absent)."""
        value = self._take(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise self._fail(key, f"a whole number from {minimum} to {maximum}")
        return value

    def boolean(self, key: str, *, default: bool) -> bool:
        """true or false (``default`` when absent)."""
        value = self._take(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._fail(key, "true or false")
        return value

    def decimal(self, key: str, *, limit: int) -> Decimal | None:
        """A number between -limit and limit, kept to six decimal places (None when absent)."""
        value = self._take(key, False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self._fail(key, "a number")
        try:
            number = Decimal(str(value)).quantize(Decimal("0.000001"))
        except InvalidOperation:
            raise self._fail(key, "a finite number") from None
        if not -limit <= number <= limit:
            raise self._fail(key, f"a number from {-limit} to {limit}")
        return number

    def datetime(self, key: str, *, required: bool = False) -> datetime | None:
        """An ISO 8601 date and time with offset (None when absent)."""
        value = self._take(key, required)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise self._fail(key, "an ISO 8601 date and time with offset, like 2027-03-04T18:00:00+01:00")
        try:
            in_utc = parsed.astimezone(UTC)
        except OverflowError:
            in_utc = None
        if in_utc is None or not 1 < in_utc.year < 9999:
            raise self._fail(key, "a date between the years 2 and 9998")
        return parsed

    def date(self, key: str, *, required: bool = False, earliest: date = FIRST_DATE, latest: date = LAST_DATE) -> date | None:
        """A calendar date as ISO 8601, ``YYYY-MM-DD``, within bounds (None when absent)."""
        value = self._take(key, required)
        if value is None:
            return None
        try:
            parsed = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            parsed = None
        if parsed is None or not earliest <= parsed <= latest:
            raise self._fail(key, f"a date like 2027-03-04 from {earliest.isoformat()} to {latest.isoformat()}")
        return parsed

    def choice(self, key: str, choices: Iterable[str], *, default: str = "", required: bool = False) -> str:
        """One of the given values (``default`` when absent)."""
        value = self._take(key, required)
        if value is None:
            return default
        allowed = choices if type(choices) is frozenset else frozenset(choices)
        if not isinstance(value, str) or value not in allowed:
            raise self._fail(key, "one of " + ", ".join(sorted(allowed)))
        return value

    def _list(self, key: str, max_items: int) -> list:
        value = self._take(key, False)
        if value is None:
            return []
        if not isinstance(value, list) or len(value) > max_items:
            raise self._fail(key, f"a list of at most {max_items} entries")
        return value

    def texts(self, key: str, *, max_items: int = MAX_ITEMS, max_length: int = 200) -> list[str]:
        """A list of non-empty short strings."""
        values = self._list(key, max_items)
        if not all(isinstance(v, str) and v.strip() and len(v) <= max_length and "\x00" not in v for v in values):
            raise self._fail(key, f"a list of non-empty strings of at most {max_length} characters")
        return values

    def choices(self, key: str, choices: Iterable[str]) -> list[str]:
        """A list of distinct values from a controlled list."""
        values = self._list(key, MAX_ITEMS)
        allowed = allowed_values(choices)
        if not all(isinstance(v, str) and v in allowed for v in values) or len(set(values)) != len(values):
            raise self._fail(key, "a list of distinct values from: " + ", ".join(sorted(allowed)))
        return values

    def iris(self, key: str) -> list[str]:
        """A list of absolute http(s) IRIs."""
        values = self._list(key, MAX_ITEMS)
        if not all(is_http_iri(v) for v in values):
            raise self._fail(key, "a list of absolute http(s) IRIs")
        return values

    def objects(self, key: str, *, max_items: int = MAX_ITEMS) -> list[Reader]:
        """A list of JSON objects, each as a Reader."""
        return [Reader(v, f"{self.where}.{key}[{n}]") for n, v in enumerate(self._list(key, max_items))]

    def object(self, key: str) -> Reader | None:
        """A nested JSON object as a Reader (None when absent)."""
        value = self._take(key, False)
        return None if value is None else Reader(value, f"{self.where}.{key}")

    def finish(self) -> None:
        """Refuse any property the vocabulary does not define here."""
        if self.seen.issuperset(self.value):
            return
        unknown = sorted(set(self.value) - self.seen)
        if unknown:
            message = f"{self.where} has properties the vocabulary does not define here: {', '.join(unknown)}"
            if all(isinstance(key, str) and TERM.fullmatch(key) for key in unknown):
                raise UnknownTerms(message, unknown)
            raise DocumentError(message)


def compact(document: dict[str, Any]) -> dict[str, Any]:
    """Drop absent values (None, empty strings and lists) so documents stay small."""
    return {key: value for key, value in document.items() if value not in (None, "", [])}


def raise_if_inconsistent(model: type, fields: dict[str, Any]) -> None:
    """Apply the model's own cross-field rules (time order, ranges, place or link) to received fields."""
    try:
        _unsaved(model, fields).clean()
    except ValidationError as error:
        reasons = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
        raise DocumentError(f"the document is inconsistent: {reasons}") from None


_DEFAULTS: dict[type, dict[str, Any]] = {}


def _unsaved(model: type, fields: dict[str, Any]) -> Any:
    """An unsaved instance of the model holding these fields, for its ``clean`` to check.

    What ``model(**fields)`` would give ``clean`` (the received fields, the fields' defaults for the
    others, no lab: ``lab_id`` stays unset), without ``Model.__init__``, whose per-field work cost
    more than all the other checks of a document. The defaults are taken once per model.
    """
    defaults = _DEFAULTS.get(model)
    if defaults is None:
        defaults = _DEFAULTS[model] = {field.attname: field.get_default() for field in model._meta.concrete_fields}
    instance = model.__new__(model)
    state = instance.__dict__
    state.update(defaults)
    state.update(fields)
    if "lab_id" in fields:  # not given to the model: its default stays
        if "lab_id" in defaults:
            state["lab_id"] = defaults["lab_id"]
        else:
            del state["lab_id"]
    state["_state"] = ModelState()
    return instance
