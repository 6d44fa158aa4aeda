"""The public pages: home, catalog, method, events, event, labs, network; German by default."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event
from hub.models import Lab
from tests.api.factories import make_event, make_method, mirrored_method

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def test_home_shows_upcoming_events_methods_and_cities_of_the_network(client, lab, network):
    make_event(lab, title="Offene Werkstatt", start=timezone.now() + timedelta(days=2), end=timezone.now() + timedelta(days=2, hours=2))
    page = html(client.get("/"))
    assert '<html lang="de">' in page and "Kommende Veranstaltungen" in page
    assert "Offene Werkstatt" in page and "Stadtteilfest Moabit" in page
    assert "Kiezspaziergang" in page
    assert "Mönchengladbach" in page and "Teststadt" in page


def test_every_page_has_a_skip_link_landmarks_and_a_language_switch(client, lab):
    page = html(client.get("/"))
    assert 'class="skip-link" href="#main"' in page and '<main id="main"' in page
    assert 'action="/i18n/setlang/"' in page and 'value="en" lang="en">English</button>' in page


def test_english_is_one_switch_away(client, lab):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = html(client.get("/methods/"))
    assert '<html lang="en">' in page and "Search and filter" in page


def test_catalog_filters_by_phase_and_counts_every_value(client, lab, network):
    make_method(lab, title="Persona-Werkstatt", phase="erkennen", target_groups=["administration-staff"])
    page = html(client.get("/methods/", {"phase": "erkunden"}))
    assert "Kiezspaziergang" in page and "Quartiersrundgang" in page and "Persona-Werkstatt" not in page
    assert "2 Methoden gefunden" in page
    # counts of the phase facet ignore the chosen phase; the others count within it
    assert re.search(r'<option value="erkennen">Erkennen \(1\)</option>', page)
    assert re.search(r'<option value="erkunden" selected>Erkunden \(2\)</option>', page)
    assert re.search(r'<option value="Berlin">Berlin \(1\)</option>', page)


def test_catalog_filters_by_group_size_duration_language_lab_and_city(client, lab, network):
    def titles(**query):
        return set(re.findall(r'lang="de">([^<]+)</a></h3>', html(client.get("/methods/", query))))

    assert titles(group_size="16-30") == {"Quartiersrundgang"}
    assert titles(duration_max="60") == {"Kiezspaziergang"}
    assert titles(city="Mönchengladbach") == {"Quartiersrundgang"}
    assert titles(lab=network.citylab.iri) == {"Kiezspaziergang"}
    assert titles(language="de", q="Kiezspaziergang") == {"Kiezspaziergang"}


def test_catalog_says_which_lab_and_city_each_method_comes_from(client, network):
    page = html(client.get("/methods/"))
    assert "CityLAB Berlin · Berlin" in page and "aus dem Netzwerk" in page


def test_catalog_ignores_unknown_filter_values(client, network):
    assert "2 Methoden gefunden" in html(client.get("/methods/", {"phase": "zaubern", "per_page": "7"}))


def test_method_page_shows_every_field_steps_family_and_links_its_json_ld(client, lab, network):
    page = html(client.get(f"/methods/{network.walk.uuid}"))
    assert "Kiezspaziergang" in page and "Route planen" in page and page.index("Route planen") < page.index("Losgehen")
    assert "CC BY-SA 4.0" in page and 'rel="license nofollow noopener"' in page
    assert "Ältere Menschen" in page and "60 Minuten – 2 Stunden" in page and "3–12" in page
    assert "Angepasst von" in page and "Quartiersrundgang" in page and "CitizenLab Mönchengladbach" in page
    assert f'<link rel="alternate" type="application/ld+json" href="/methods/{network.walk.uuid}">' in page


def test_method_page_names_what_an_adaptation_is_based_on(client, network):
    page = html(client.get(f"/methods/{network.walk_adapted.uuid}"))
    assert "Basiert auf" in page and f"/methods/{network.walk.uuid}" in page


def test_markdown_from_other_nodes_is_rendered_and_sanitised(client, network):
    page = html(client.get(f"/methods/{network.walk.uuid}"))
    assert "<strong>gemeinsam</strong>" in page and "<h3>Ablauf</h3>" in page
    assert "<script>alert" not in page
    assert '<a href="https://example.org/kiez" rel="nofollow noopener">Mehr</a>' in page


def test_plain_text_from_other_nodes_is_escaped(client, node, remote_lab):
    method = mirrored_method(remote_lab, title="<img src=x onerror=alert(1)>", summary="<script>boom()</script>")
    page = html(client.get(f"/methods/{method.uuid}"))
    assert "<script>boom()" not in page and "&lt;script&gt;boom()&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_method_json_ld_is_still_served_at_the_same_address(client, lab):
    method = make_method(lab)
    response = client.get(f"/methods/{method.uuid}", HTTP_ACCEPT="application/ld+json")
    assert response.status_code == 200 and response.json()["name"] == "Persona-Werkstatt"


def test_event_list_shows_upcoming_events_by_day_and_past_ones_on_request(client, lab, network):
    make_event(lab, title="Vergangene Werkstatt", start=timezone.now() - timedelta(days=3), end=timezone.now() - timedelta(days=3) + timedelta(hours=1))
    upcoming = html(client.get("/events/"))
    assert "Stadtteilfest Moabit" in upcoming and "Vergangene Werkstatt" not in upcoming
    assert upcoming.index("Repair-Café Rheydt") < upcoming.index("Stadtteilfest Moabit")
    past = html(client.get("/events/", {"upcoming": "false"}))
    assert "Vergangene Werkstatt" in past and "Stadtteilfest Moabit" not in past


def test_event_list_filters_by_city_accessibility_attendance_and_costs(client, network):
    assert "Repair-Café" not in html(client.get("/events/", {"accessibility": "hearing-loop"}))
    assert "Stadtteilfest" not in html(client.get("/events/", {"attendance_mode": "hybrid"}))
    assert "Stadtteilfest" not in html(client.get("/events/", {"free": "false"}))
    page = html(client.get("/events/", {"city": "Berlin"}))
    assert "Stadtteilfest" in page and "Repair-Café" not in page
    assert re.search(r'<option value="hearing-loop">Induktionsschleife \(1\)</option>', page)


def test_event_list_links_its_filters_as_a_calendar(client, network):
    page = html(client.get("/events/", {"city": "Berlin"}))
    assert 'href="/events.ics?city=Berlin&amp;upcoming=true"' in page


def test_event_page_has_time_in_its_zone_place_link_registration_and_schema_org(client, network):
    page = html(client.get(f"/events/{network.market.uuid}"))
    assert "Stadtteilfest Moabit" in page and "Europe/Berlin" in page
    assert "https://www.openstreetmap.org/?mlat=52.530000&amp;mlon=13.340000" in page
    assert "Stufenloser Zugang" in page and "Keine Anmeldung nötig" in page
    assert f'href="/events/{network.market.uuid}.ics"' in page
    document = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert document["@context"] == "https://schema.org" and document["@type"] == "Event"
    assert document["eventStatus"] == "https://schema.org/EventScheduled"
    assert document["location"][0]["geo"]["latitude"] == 52.53
    assert document["startDate"].endswith(("+01:00", "+02:00"))


def test_a_cancelled_event_says_so_loudly(client, network):
    page = html(client.get(f"/events/{network.cancelled.uuid}"))
    assert "<title>Abgesagt: Repair-Café Rheydt" in page
    assert "Diese Veranstaltung findet nicht statt." in page
    assert '"eventStatus": "https://schema.org/EventCancelled"' in page


def test_schema_org_in_the_page_cannot_close_its_script_element(client, node, remote_lab):
    event = Event.objects.create(
        iri=f"{remote_lab.origin.base_url}/events/boese", origin=remote_lab.origin, lab=remote_lab,
        title="</script><script>alert(1)</script>", start=timezone.now(), end=timezone.now() + timedelta(hours=1),
        place_name="Platz",
    )
    page = html(client.get(f"/events/{event.uuid}"))
    assert "</script><script>alert(1)" not in page
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in page


def test_add_to_calendar_downloads_an_ics_file(client, network):
    response = client.get(f"/events/{network.market.uuid}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert b"SUMMARY:Stadtteilfest Moabit" in response.content
    assert response["Content-Disposition"].startswith("attachment")


def test_own_lab_page_lists_its_events_and_methods(client, lab):
    make_method(lab, title="Persona-Werkstatt")
    make_event(lab, title="Offene Werkstatt", start=timezone.now() + timedelta(days=1), end=timezone.now() + timedelta(days=1, hours=1))
    page = html(client.get(f"/labs/{lab.slug}"))
    assert "Persona-Werkstatt" in page and "Offene Werkstatt" in page


def test_mirrored_labs_have_a_page_under_their_origin_host(client, network):
    page = html(client.get("/labs/citylab.example.org/citylab"))
    assert "CityLAB Berlin" in page and "Stadtteilfest Moabit" in page and "Kiezspaziergang" in page
    assert "gespiegelt von CityLAB Berlin" in page
    assert client.get("/labs/citylab.example.org/unbekannt").status_code == 404


def test_lab_list_links_local_and_mirrored_labs(client, lab, network):
    page = html(client.get("/labs/"))
    assert f'href="/labs/{lab.slug}"' in page and 'href="/labs/citizenlab.example.net/citizenlab"' in page


def test_network_page_shows_nodes_labs_counts_and_accessible_charts(client, lab, network):
    page = html(client.get("/network/"))
    assert "CityLAB Berlin" in page and "https://citizenlab.example.net/" in page
    assert page.count('role="img"') == 4
    for chart in ("chart-events", "chart-phases", "chart-groups", "chart-travellers"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in page and f'<title id="{chart}-title">' in page
    assert "Methoden, die am weitesten reisen" in page and "Kiezspaziergang" in page
    assert "Verbindung abgelehnt" not in page, "sync errors are for staff"


def test_network_page_shows_staff_the_sync_state_of_every_peer(staff_client, network):
    page = html(staff_client.get("/network/"))
    assert "Letzter erfolgreicher Abgleich" in page and "Verbindung abgelehnt" in page


def test_travelling_methods_are_measured_in_labs_cities_and_kilometres(lab, network):
    from web.network import travelling_methods

    [walk] = travelling_methods(include_network=False)
    assert (walk.method, walk.adaptations, walk.labs, walk.cities) == (network.walk, 1, 1, ["Mönchengladbach"])
    assert 480 < walk.farthest_km < 520


def test_network_only_items_stay_hidden_from_anonymous_readers(client, staff, node, remote_lab):
    mirrored_method(remote_lab, title="Nur im Netzwerk", visibility="network")
    assert "Nur im Netzwerk" not in html(client.get("/methods/"))
    client.force_login(staff)
    assert "Nur im Netzwerk" in html(client.get("/methods/"))


def test_unknown_pages_answer_404_with_a_page(client, lab):
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404 and "Seite nicht gefunden" in response.content.decode()


def test_only_local_labs_live_at_labs_slug(client, network):
    assert Lab.objects.filter(slug="citylab").exists()
    assert client.get("/labs/citylab").status_code == 404
