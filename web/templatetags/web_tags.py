"""Template tags and filters of the web pages."""

from __future__ import annotations

import json
from typing import Any

from django import forms, template
from django.conf import settings
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info, gettext, ngettext

from hub import choices
from hub.models import Lab
from hub.roles import grants_of
from web import links, text
from web.closing import STAIRCASE_LEVELS

register = template.Library()

CHOICE_LISTS = {
    "target_group": choices.TargetGroup,
    "accessibility": choices.AccessibilityFeature,
    "phase": choices.Phase,
}
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def has_role(user: Any) -> bool:
    """Whether the person holds a role on this node, and so may use the staff pages."""
    return grants_of(user).reads_network


@register.filter
def markdown(value: str) -> SafeString:
    """Markdown rendered and sanitised."""
    return text.markdown_html(value)


@register.filter
def plain(value: str) -> SafeString:
    """Plain text as escaped paragraphs with line breaks."""
    return text.plain_text_html(value)


@register.filter
def safe_url(value: str) -> str:
    """The URL when it is http(s) or mailto, else empty."""
    return text.safe_url(value)


@register.filter
def labels(values: list[str], kind: str) -> list[str]:
    """The translated labels of controlled values (unknown values as they are)."""
    names = dict(CHOICE_LISTS[kind].choices)
    return [str(names.get(value, value)) for value in values or []]


@register.filter
def index(container: Any, key: Any) -> Any:
    """``container[key]`` for a list, dict or Counter (a Counter's missing key is 0); None when there is none."""
    try:
        return container[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def staircase_level_label(step: int) -> str:
    """Whether a step of the impact staircase is output, outcome or impact, in the reader's language."""
    return str(STAIRCASE_LEVELS[choices.staircase_level(int(step))])


@register.filter
def language_name(code: str) -> str:
    """A language's name in the reader's language, or its code."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


@register.filter
def minutes(value: int | None) -> str:
    """A duration in minutes, as minutes or hours."""
    if value is None:
        return ""
    if value < 120 or value % 60:
        return ngettext("%(n)d minute", "%(n)d minutes", value) % {"n": value}
    return ngettext("%(n)d hour", "%(n)d hours", value // 60) % {"n": value // 60}


@register.simple_tag
def span(low: int | None, high: int | None, unit: str = "") -> str:
    """A range such as “4–25”, or its one known end."""
    if low is not None and high is not None and low != high:
        return f"{low}–{high}{unit}"
    value = low if low is not None else high
    return "" if value is None else f"{value}{unit}"


@register.filter
def lab_url(lab: Lab) -> str:
    """The lab's page on this node."""
    return links.lab_path(lab)


@register.simple_tag
def openstreetmap(item: Any) -> str:
    """A link to the item's place on OpenStreetMap, or empty."""
    return links.openstreetmap_url(
        latitude=item.latitude, longitude=item.longitude, address=getattr(item, "place_address", "") or getattr(item, "address", "")
    )


@register.simple_tag
def jsonld_script(document: dict) -> SafeString:
    """A JSON-LD script element whose content cannot close the element early."""
    payload = json.dumps(document, ensure_ascii=False, sort_keys=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.filter
def is_choice_group(field: BoundField) -> bool:
    """Whether a field renders as a group of check boxes or radio buttons (a fieldset with a legend)."""
    return isinstance(field.field.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect))


@register.filter
def is_checkbox(field: BoundField) -> bool:
    """Whether a field is a single check box (its label follows it)."""
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.simple_tag
def field_widget(field: BoundField) -> SafeString:
    """The field's widget, pointing at its help text and errors, and marked invalid when it has errors."""
    attrs = {}
    described = [f"{field.auto_id}-help"] if field.help_text else []
    if field.errors:
        described.insert(0, f"{field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if described and not is_choice_group(field):
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def status_note(status: str) -> str:
    """The loud note for an event that does not take place as planned."""
    notes = {
        choices.EventStatus.CANCELLED: gettext("Cancelled"),
        choices.EventStatus.POSTPONED: gettext("Postponed"),
        choices.EventStatus.RESCHEDULED: gettext("Rescheduled"),
    }
    return notes.get(status, "")


SECTIONS = (("/methods", "methods"), ("/events", "events"), ("/labs", "labs"), ("/ideas", "ideas"), ("/network", "network"),
            ("/staff", "staff"))


@register.filter
def section(request) -> str:
    """The part of the site a page belongs to, for marking the current navigation entry."""
    path = request.path if request is not None else ""
    if path == "/":
        return "home"
    return next((name for prefix, name in SECTIONS if path.startswith(prefix)), "")


@register.simple_tag
def heading(level: int, *, id: str = "", css: str = "") -> SafeString:
    """The opening tag of a heading of the given level (2 to 6)."""
    level = min(max(int(level), 2), 6)
    attributes = (format_html(' id="{}"', id) if id else "") + (format_html(' class="{}"', css) if css else "")
    return mark_safe(f"<h{level}{attributes}>")


@register.simple_tag
def end_heading(level: int) -> SafeString:
    """The closing tag of a heading of the given level."""
    return mark_safe(f"</h{min(max(int(level), 2), 6)}>")


@register.simple_tag(takes_context=True)
def query_without(context, *names: str) -> str:
    """The current query string without the given parameters and the page number."""
    query = context["request"].GET.copy()
    for name in (*names, "page"):
        query.pop(name, None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def foreign_zone(zone: str) -> bool:
    """Whether a time zone differs from this node's, so that times shown in it need the zone named."""
    return zone != settings.TIME_ZONE


@register.simple_tag(takes_context=True)
def query_with(context, name: str, value: str) -> str:
    """The current query string with one parameter set, back on the first page."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    query[name] = value
    return f"?{query.urlencode()}"
