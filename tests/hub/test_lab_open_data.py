"""A lab's open data settings: the municipality's regional key and the licence of its events, written by node
administrators (services, admin), shown by the API for this node's labs only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from hub.models import Lab
from hub.roles import SYSTEM
from hub.services import lab_update

pytestmark = pytest.mark.django_db

WIESBADEN_ARS, WIESBADEN_AGS = "064140000000", "06414000"


@pytest.mark.parametrize("key", [WIESBADEN_ARS, WIESBADEN_AGS, "110000000000"])
def test_a_regional_or_municipality_key_is_taken(lab, key):
    changed = lab_update(lab=lab, actor=SYSTEM, regional_key=key)
    assert (changed.regional_key, changed.version) == (key, lab.version + 1)


@pytest.mark.parametrize("key", [
    "06 414 000", "0641400", "0641400000001", "6414000", "064140000000\n", "991234567890", "001234567890",
    "06414ABC", "０６４１４０００",  # full-width digits
])
def test_anything_else_is_refused_naming_the_field(lab, key):
    with pytest.raises(ValidationError) as refused:
        lab_update(lab=lab, actor=SYSTEM, regional_key=key)
    assert "regional_key" in refused.value.message_dict
    assert Lab.objects.get(pk=lab.pk).regional_key == ""


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("verwaltung", "verwaltung@example.org", "ein-langes-passwort"))
    return client


def lab_form(lab: Lab, **fields) -> dict:
    data = {"name": lab.name, "city": lab.city, "address": "", "latitude": "", "longitude": "", "description": "",
            "website": "", "email": "", "opening_hours": "", "accessibility": "", "visibility": "public",
            "regional_key": "", "data_license": "https://creativecommons.org/licenses/by/4.0/"}
    return data | fields


def test_the_admin_lab_form_explains_and_takes_the_regional_key(admin_client, lab):
    page = admin_client.get(f"/admin/hub/lab/{lab.pk}/change/").content.decode()
    assert "Regionalschlüssel" in page and "064140000000" in page and "Lizenz der offenen Daten" in page
    response = admin_client.post(f"/admin/hub/lab/{lab.pk}/change/", lab_form(
        lab, regional_key=WIESBADEN_ARS, data_license="https://creativecommons.org/publicdomain/zero/1.0/"))
    assert response.status_code == 302, response.content.decode()[:3000]
    lab.refresh_from_db()
    assert (lab.regional_key, lab.data_license) == (WIESBADEN_ARS, "https://creativecommons.org/publicdomain/zero/1.0/")


def test_the_admin_shows_a_wrong_key_at_the_field_in_german(admin_client, lab):
    response = admin_client.post(f"/admin/hub/lab/{lab.pk}/change/", lab_form(lab, regional_key="6414"))
    assert response.status_code == 200
    assert "ist kein Regionalschlüssel" in response.content.decode()
    assert Lab.objects.get(pk=lab.pk).regional_key == ""


def test_the_api_shows_the_settings_of_this_nodes_labs_only(client, lab, remote_lab):
    lab_update(lab=lab, actor=SYSTEM, regional_key=WIESBADEN_AGS)
    labs = {row["iri"]: row for row in client.get("/api/labs/").json()["results"]}
    assert (labs[lab.iri]["regional_key"], labs[lab.iri]["data_license"]) == (
        WIESBADEN_AGS, "https://creativecommons.org/licenses/by/4.0/")
    assert (labs[remote_lab.iri]["regional_key"], labs[remote_lab.iri]["data_license"]) == (None, None)
