"""The project's Creative Commons licences on the dcat-ap.de licence list (https://www.dcat-ap.de/def/licenses/).

The list (version 20210721, the one GovData checks against) names CC0, CC BY 4.0, CC BY-SA 4.0, CC BY-NC 4.0
and CC BY-ND 4.0, but neither CC BY-NC-SA 4.0 nor CC BY-NC-ND 4.0: those go out as "other-closed" (a licence
that is not open), with the Creative Commons licence itself named in ``dct:rights``.

A dataset holds many items (method cards), each under its own licence. Its distributions carry the licence
under which all of them may be used together: the conditions of every item's licence at once (attribution,
share-alike, non-commercial, no derivatives). When no single Creative Commons licence states those conditions
(share-alike and no derivatives together), the distribution is "other-closed" and names every licence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hub.choices import License

DCAT_AP_DE = "http://dcat-ap.de/def/licenses/"
OTHER_CLOSED = DCAT_AP_DE + "other-closed"

ON_THE_LIST = {
    License.CC0: DCAT_AP_DE + "cc-zero",
    License.BY: DCAT_AP_DE + "cc-by/4.0",
    License.BY_SA: DCAT_AP_DE + "cc-by-sa/4.0",
    License.BY_NC: DCAT_AP_DE + "cc-by-nc/4.0",
    License.BY_ND: DCAT_AP_DE + "cc-by-nd/4.0",
}

# What each licence asks of whoever reuses the work.
CONDITIONS = {
    License.CC0: frozenset(),
    License.BY: frozenset({"by"}),
    License.BY_SA: frozenset({"by", "sa"}),
    License.BY_NC: frozenset({"by", "nc"}),
    License.BY_ND: frozenset({"by", "nd"}),
    License.BY_NC_SA: frozenset({"by", "nc", "sa"}),
    License.BY_NC_ND: frozenset({"by", "nc", "nd"}),
}
BY_CONDITIONS = {conditions: licence for licence, conditions in CONDITIONS.items()}


@dataclass(frozen=True)
class CatalogLicence:
    """A licence as a distribution names it: on the dcat-ap.de list, and the Creative Commons licences behind it."""

    iri: str
    creative_commons: tuple[str, ...]

    @property
    def is_exact(self) -> bool:
        """Whether the list's entry names the licence itself (else ``dct:rights`` must name it)."""
        return self.iri != OTHER_CLOSED

    @property
    def needs_attribution(self) -> bool:
        """Whether reusers must name the author (every licence but CC0)."""
        return self.creative_commons != (License.CC0,)


def catalog_licence(licences: Iterable[str]) -> CatalogLicence:
    """The licence under which items under ``licences`` (Creative Commons URLs) may be used together."""
    given = sorted(set(licences))
    conditions = frozenset().union(*(CONDITIONS[License(licence)] for licence in given))
    combined = BY_CONDITIONS.get(conditions)
    if combined is not None and combined in ON_THE_LIST:
        return CatalogLicence(ON_THE_LIST[combined], (combined.value,))
    return CatalogLicence(OTHER_CLOSED, (combined.value,) if combined else tuple(given))
