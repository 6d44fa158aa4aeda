"""A NUL character anywhere a client can put one gets a 400 that says so, never a server error.

PostgreSQL cannot store or compare text holding NUL, so before the middleware these requests ended
in a 500 there (a mirrored lab's address, the token endpoint's ``client_id``); on SQLite they
slipped through as 404s or as odd searches.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

GERMAN_DETAIL = "Die Anfrage enthält ein NUL-Zeichen (%00)"


def test_a_page_address_with_nul_gets_a_readable_400_page(client, lab):
    response = client.get("/labs/x%00y/abc")
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Ungültige Anfrage</h1>" in page and GERMAN_DETAIL in page
    assert "\x00" not in page


def test_a_search_with_nul_on_a_page_gets_a_400(client, lab):
    response = client.get("/methods/?q=werk%00statt")
    assert response.status_code == 400
    assert GERMAN_DETAIL in response.content.decode()


@pytest.mark.parametrize("path", ["/api/methods/?q=a%00b", "/api/labs/?iri=https://x.example/%00", "/api/events/%00/"])
def test_the_api_answers_nul_with_problem_details(client, lab, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert body["detail"].startswith("The request contains a NUL character (%00)")
    assert "\x00" not in body["instance"]


def test_the_token_endpoint_answers_nul_in_a_form_field_with_an_oauth_error(client, lab):
    form = {"grant_type": "client_credentials", "client_id": "peer\x00x", "client_secret": "s"}
    response = client.post("/o/token/", form)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_forms_without_nul_still_reach_their_view(client, lab):
    form = {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "s"}
    response = client.post("/o/token/", form)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_the_token_endpoint_answers_nul_in_a_url_encoded_form_as_peers_send_it(client, lab):
    body = "grant_type=client_credentials&client_id=peer%00x&client_secret=s"
    response = client.post("/o/token/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "NUL" in response.json()["error_description"]
