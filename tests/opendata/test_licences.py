"""The project's Creative Commons licences on the dcat-ap.de licence list, alone and together."""

from __future__ import annotations

import pytest

from hub.choices import License
from opendata.licences import OTHER_CLOSED, catalog_licence

LIST = "http://dcat-ap.de/def/licenses/"


@pytest.mark.parametrize(("licences", "iri", "named"), [
    ({License.CC0}, LIST + "cc-zero", (License.CC0,)),
    ({License.BY}, LIST + "cc-by/4.0", (License.BY,)),
    ({License.BY_SA}, LIST + "cc-by-sa/4.0", (License.BY_SA,)),
    ({License.BY_NC}, LIST + "cc-by-nc/4.0", (License.BY_NC,)),
    ({License.BY_ND}, LIST + "cc-by-nd/4.0", (License.BY_ND,)),
    ({License.BY_NC_SA}, OTHER_CLOSED, (License.BY_NC_SA,)),  # not on the list
    ({License.BY_NC_ND}, OTHER_CLOSED, (License.BY_NC_ND,)),
    ({License.CC0, License.BY}, LIST + "cc-by/4.0", (License.BY,)),
    ({License.BY, License.BY_SA, License.CC0}, LIST + "cc-by-sa/4.0", (License.BY_SA,)),
    ({License.BY_NC, License.BY_SA}, OTHER_CLOSED, (License.BY_NC_SA,)),
    ({License.BY_SA, License.BY_ND}, OTHER_CLOSED, (License.BY_ND, License.BY_SA)),  # no licence allows both
])
def test_items_under_these_licences_go_out_under(licences, iri, named):
    licence = catalog_licence(licence.value for licence in licences)
    assert (licence.iri, licence.creative_commons) == (iri, tuple(each.value for each in named))
    assert licence.is_exact == (iri != OTHER_CLOSED)
    assert licence.needs_attribution == (named != (License.CC0,))
