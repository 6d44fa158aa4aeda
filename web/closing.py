"""What the closing report and feedback pages show beside their forms: methods, links, the QR code, the figures."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from events.models import ClosingReport, Event
from methods.selectors import methods_visible

# The three parts of the impact staircase (hub.choices.staircase_level), as pages name them.
STAIRCASE_LEVELS = {"output": _("output"), "outcome": _("outcome"), "impact": _("impact")}
# The experience report form of the network's methods (the `xr` part of issue 14): a path, so it works once that lands.
EXPERIENCE_REPORT_NEW = "/staff/experience-reports/new"


@dataclass(frozen=True)
class MethodUsed:
    """A method a closing report names: its IRI, its title if this node holds it, and where to report on it."""

    iri: str
    title: str
    url: str  # the method's page here, if this node holds it
    experience_url: str


def method_titles(iris: list[str], *, include_network: bool) -> dict[str, tuple[str, str]]:
    """The title and page of each method of ``iris`` the reader may see on this node."""
    found = methods_visible(include_network=include_network).filter(iri__in=iris).values_list("iri", "title", "uuid")
    return {iri: (title, reverse("method-detail", kwargs={"uuid": uuid})) for iri, title, uuid in found}


def methods_used(report: ClosingReport, *, include_network: bool) -> list[MethodUsed]:
    """The methods of a closing report, each with the link to write an experience report about it at its event."""
    titles = method_titles(list(report.method_iris), include_network=include_network)
    return [
        MethodUsed(iri=iri, title=titles.get(iri, (iri, ""))[0], url=titles.get(iri, ("", ""))[1],
                   experience_url=experience_report_url(iri, report.event))
        for iri in report.method_iris
    ]


def experience_report_url(method_iri: str, event: Event) -> str:
    """Where staff write an experience report about a method used at an event."""
    return f"{EXPERIENCE_REPORT_NEW}?{urlencode({'method': method_iri, 'event': event.iri})}"


def method_choices(event: Event, report: ClosingReport | None, *, include_network: bool) -> list[tuple[str, str]]:
    """The methods the closing report form offers: those the event planned and those the report names."""
    iris = list(dict.fromkeys([*event.method_iris, *(report.method_iris if report else [])]))
    titles = method_titles(iris, include_network=include_network)
    return [(iri, titles[iri][0] if iri in titles else iri) for iri in iris]


def feedback_short_url(code: str) -> str:
    """The short link walk-in participants answer with."""
    return f"{settings.HUB_BASE_URL}{reverse('feedback-walk-in', kwargs={'code': code})}"


def qr_code_svg(url: str, *, label: str) -> SafeString:
    """The QR code of ``url`` as inline SVG (no image request, nothing inline the page's CSP refuses), named ``label``."""
    svg = segno.make(url, error="m").svg_inline(scale=8, border=2, omitsize=True, svgclass="qr-code", dark="#000",
                                                 light="#fff")
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


# How far the mouth of each face bends (the control point's height below its corners): the saddest first.
MOUTHS = {1: -6, 2: -3, 3: 0, 4: 3, 5: 6}


def face_svg(rating: int) -> SafeString:
    """A face for an answer of the feedback question, drawn as SVG (no emoji font needed), hidden from screen readers:
    the answer's words beside it say what it means."""
    bend = MOUTHS[rating]
    corners = 15.5 - bend / 4
    return mark_safe(
        '<svg class="face" viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false">'
        '<circle cx="12" cy="12" r="10.5" fill="none" stroke="currentColor" stroke-width="1.6"/>'
        '<circle cx="8.5" cy="9.5" r="1.4" fill="currentColor"/><circle cx="15.5" cy="9.5" r="1.4" fill="currentColor"/>'
        f'<path d="M7.5 {corners} Q12 {corners + bend} 16.5 {corners}" fill="none" stroke="currentColor" '
        'stroke-width="1.6" stroke-linecap="round"/></svg>'
    )
