"""Closing reports across live nodes: a participant answers by the short link at the origin over real HTTP, the
lab publishes its report with a quote, and the peer shows the report while holding nothing else of the answers."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.parse
import urllib.request

from tests.network.test_registration_privacy import database_text

QUOTED, INTERNAL = "Endlich sprach jemand mit uns", "Geheimer Hinweis zum Hausmeister Krause"


def answer_by_the_short_link(url: str, rating: int, text: str) -> str:
    """Open the feedback form as a browser does (its cookie, its one-time visit) and send an answer."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(url, timeout=20) as response:
        form = response.read().decode()
    fields = {name: re.search(rf'name="{name}" value="([^"]+)"', form).group(1) for name in ("csrfmiddlewaretoken", "visit")}
    body = urllib.parse.urlencode(fields | {"rating": rating, "text": text}).encode()
    request = urllib.request.Request(url, data=body, headers={"Referer": url})
    with opener.open(request, timeout=20) as response:
        return response.read().decode()


def test_a_peer_shows_the_published_report_with_its_figures_and_quote_and_nothing_else_of_the_answers(network):
    a, b = network("Zukunftswerk Wiesbaden", "Wiesbaden"), network("CityLAB Berlin", "Berlin")
    b.join(a)
    event = a.python(
        """
        import json
        from datetime import timedelta
        from django.utils import timezone
        from events.closing.feedback import feedback_link_for
        from events.services import event_create
        from hub.models import Lab
        from hub.roles import SYSTEM
        start = timezone.now() - timedelta(days=2)
        event = event_create(actor=SYSTEM, title="Kiezspaziergang", start=start, end=start + timedelta(hours=2),
                             place_name="Treff", lab=Lab.objects.filter(origin__is_local=True).first())
        code = feedback_link_for(event=event, actor=SYSTEM).code
        print(json.dumps({"id": event.pk, "uuid": str(event.uuid), "iri": event.iri, "code": code}))
        """
    )
    short_link = f"{a.base_url}/f/{event['code']}"
    for rating, text in ((5, QUOTED), (2, INTERNAL), (4, "")):
        assert "Vielen Dank!" in answer_by_the_short_link(short_link, rating, text)
    a.python(
        f"""
        from events.closing.feedback import feedback_quote
        from events.closing.services import closing_report_write
        from events.models import Event, FeedbackAnswer
        from hub.roles import SYSTEM
        event = Event.objects.get(pk={event['id']})
        feedback_quote(answer=FeedbackAnswer.objects.get(text={QUOTED!r}), quoted=True, actor=SYSTEM)
        closing_report_write(event=event, actor=SYSTEM, published=True, attendees=12, staircase_step=4,
                             target_groups_reached=["older-people"], staircase_evidence="Sie planen den nächsten Weg selbst.")
        print("null")
        """
    )
    b.sync()

    mirrored = b.document(event["iri"])["closingReport"]
    assert (mirrored["participantCount"], mirrored["staircaseStep"], mirrored["feedbackRatings"]) == (12, 4, [0, 1, 0, 1, 1])
    assert mirrored["feedbackQuote"] == [QUOTED]
    with urllib.request.urlopen(f"{b.base_url}/events/{event['uuid']}", timeout=20) as response:
        page = response.read().decode()
    assert "Was daraus wurde" in page and QUOTED in page and "3 Antworten" in page
    with urllib.request.urlopen(f"{b.base_url}/api/events/{event['uuid']}/feedback/", timeout=20) as response:
        assert json.loads(response.read())["quotes"] == [QUOTED]
    impact = b.python(
        f"""
        import json
        from django.utils import timezone
        from events.closing.impact import impact_of_year
        from events.models import Event
        year = timezone.localtime(Event.objects.get(iri={event['iri']!r}).start).year
        total = impact_of_year(year=year).total()
        print(json.dumps([total.reports, total.attendees, total.groups["older-people"]]))
        """
    )
    assert impact == [1, 12, 1]
    for where, text in {"mirror's database": database_text(b), "mirror's log": b.log(), "origin's log": a.log(),
                        "origin's document": json.dumps(a.served(event["iri"]))}.items():
        assert "Hausmeister Krause" not in text, f"an unpublished answer in the {where}"
