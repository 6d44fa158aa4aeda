"""What the pages show of the network's experience with a method: the staircase chart and the figures as JSON-LD.

The figures are this node's count of the reports it holds, so they never go into the method's own
document, which its origin signed: they are served apart, at ``/methods/{uuid}/experience``, as a
``MethodExperience`` about the method (``docs/vocabulary.md``), and linked from the method's page
and document (HTTP ``Link``).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from experience.selectors import Experience
from federation.codecs.common import VOCABULARY, instant
from hub.choices import StaircaseStep
from hub.selectors import local_node
from methods.models import MethodCard
from web.charts import BarChart, bar_chart

EXPERIENCE_RELATION = "https://w3id.org/stadtlabor/ns#experience"


def staircase_chart(figures: Experience) -> BarChart:
    """A bar per step of the impact staircase: how many reports reached it as their highest step."""
    return bar_chart(
        id="chart-staircase", title=_("Highest step reached on the impact staircase"),
        description=_("Bar chart of the number of reports per highest step reached, from 1 (the activity took place) "
                      "to 7 (society changed); the numbers are in the table beside it."),
        data=[(f"{step}. {label}", figures.staircase.get(step, 0)) for step, label in StaircaseStep.choices],
    )


def experience_document(*, method: MethodCard, figures: Experience, url: str) -> dict[str, Any]:
    """The figures as JSON-LD: a ``MethodExperience`` about the method, computed by this node, unsigned."""
    counted = figures.counted_at or timezone.now()
    document = {
        "@context": [VOCABULARY],
        "id": url,
        "type": "MethodExperience",
        "about": method.iri,
        "computedBy": local_node().iri,
        "dateComputed": instant(counted),
        "reviewCount": figures.reports,
        "labCount": figures.labs,
        "cityCount": len(figures.cities),
        "participantCount": figures.participants,
        "reachedTargetGroup": [{"targetGroup": group, "reportCount": count} for group, count in figures.reached_groups],
        "stepReached": [{"staircaseStep": step, "reportCount": count} for step, count in sorted(figures.staircase.items())],
    }
    if figures.median_fit is not None:
        document["medianFit"] = figures.median_fit
    return document


def experience_link(url: str) -> str:
    """The HTTP ``Link`` header value that points from a method to its figures."""
    return f'<{url}>; rel="{EXPERIENCE_RELATION}"; type="application/ld+json"'
