"""Word search over method cards and events: index upkeep, language, and reader input that is never syntax."""

import pytest
from django.db import connection

from events.models import Event
from hub.roles import SYSTEM
from hub.search import fts5_query, search_items
from methods.models import MethodCard
from methods.services import method_delete, method_update
from tests.api.factories import make_event, make_method, mirrored_method

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stemming")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 prefixes")

HOSTILE = [
    '"', '""', "a\"b", "*", "NEAR(persona werkstatt)", "title:persona", "-persona", "persona -",
    "AND OR NOT", "(", ")", "^persona", "persona:*", "!persona & |", "'; DROP TABLE methods_methodcard; --",
    "\\", "%", "_", "ünïcödé ß 東京 🙂", "\u200b", "persona\x00werkstatt", " " * 3, "a" * 500, "x " * 200,
]


def found(queryset, text: str) -> list[str]:
    return sorted(search_items(queryset, text).values_list("title", flat=True))


@pytest.mark.django_db
def test_a_method_is_found_by_each_word_of_its_title_summary_body_and_keywords(lab):
    make_method(lab, title="Persona-Werkstatt", summary="Wer nutzt den Dienst?", body="Mit Karten",
                keywords=["Bürgerbeteiligung"])
    for text in ("persona", "werkstatt", "DIENST", "karten", "bürgerbeteiligung", "Burgerbeteiligung"):
        assert found(MethodCard.objects, text) == ["Persona-Werkstatt"], text


@pytest.mark.django_db
def test_every_word_must_occur(lab):
    make_method(lab, title="Persona-Werkstatt", summary="Wer nutzt den Dienst?")
    make_method(lab, title="Zukunftswerkstatt", summary="Visionen für den Dienst")
    assert found(MethodCard.objects, "dienst") == ["Persona-Werkstatt", "Zukunftswerkstatt"]
    assert found(MethodCard.objects, "dienst visionen") == ["Zukunftswerkstatt"]
    assert found(MethodCard.objects, "persona visionen") == []


@pytest.mark.django_db
def test_the_index_follows_updates_deletions_and_mirrored_rows(lab, remote_lab):
    method = make_method(lab, title="Persona-Werkstatt")
    mirrored_method(remote_lab, title="Stadtspaziergang")
    method = method_update(actor=SYSTEM, method=method, title="Nutzerreise")
    assert found(MethodCard.objects, "persona") == []
    assert found(MethodCard.objects, "nutzerreise") == ["Nutzerreise"]
    assert found(MethodCard.objects, "stadtspaziergang") == ["Stadtspaziergang"]
    method_delete(actor=SYSTEM, method=method)
    assert found(MethodCard.objects, "nutzerreise") == []


@pytest.mark.django_db
def test_events_are_found_by_title_description_and_place(lab):
    make_event(lab, title="Erzählcafé", description="Geschichten aus dem Viertel", place_name="Stadtteilbüro",
               place_address="Marktstraße 3")
    for text in ("erzählcafé", "geschichten", "stadtteilbüro", "marktstraße"):
        assert found(Event.objects, text) == ["Erzählcafé"], text


@pytest.mark.django_db
@pytest.mark.parametrize("text", HOSTILE)
def test_no_reader_input_breaks_the_search(lab, text):
    make_method(lab, title="Persona-Werkstatt")
    make_event(lab, title="Erzählcafé")
    assert list(search_items(MethodCard.objects.order_by("pk"), text)[:5]) is not None
    assert search_items(Event.objects.all(), text).count() >= 0


@pytest.mark.django_db
def test_search_text_is_not_sql(lab):
    make_method(lab, title="Persona-Werkstatt")
    found(MethodCard.objects, "'; DROP TABLE methods_methodcard; --")
    assert MethodCard.objects.count() == 1


def test_the_fts5_query_quotes_every_word_as_a_prefix():
    assert fts5_query('NEAR(a "b") OR title:c* -d ü') == '"NEAR"* "a"* "b"* "OR"* "title"* "c"* "d"* "ü"*'
    assert fts5_query('" * ( ) : ^ -') == ""


@on_sqlite
@pytest.mark.django_db
def test_on_sqlite_words_match_as_prefixes(lab):
    make_method(lab, title="Zukunftstheater", summary="Szenen spielen")
    assert found(MethodCard.objects, "szene spiel") == ["Zukunftstheater"]


@on_sqlite
@pytest.mark.django_db
def test_on_sqlite_the_triggers_that_keep_the_index_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%fts%'")
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        f"{table}_fts_{action}" for table in ("methods_methodcard", "events_event", "ideas_idea")
        for action in ("insert", "update", "delete")
    }


@on_postgresql
@pytest.mark.django_db
def test_on_postgresql_each_item_is_stemmed_in_its_language(lab):
    make_method(lab, title="Werkstätten der Stadt", language="de")
    make_method(lab, title="Running workshops", summary="For everyone", language="en")
    make_event(lab, title="Führungen im Reparaturcafé", languages=["de"])
    make_event(lab, title="Meetups for makers", languages=["en-GB"])
    assert found(MethodCard.objects, "werkstatt") == ["Werkstätten der Stadt"]
    assert found(MethodCard.objects, "workshop run") == ["Running workshops"]
    assert found(Event.objects, "führung") == ["Führungen im Reparaturcafé"]
    assert found(Event.objects, "maker meetup") == ["Meetups for makers"]


@on_postgresql
@pytest.mark.django_db
def test_on_postgresql_web_search_syntax_is_understood(lab):
    make_method(lab, title="Persona-Werkstatt", summary="Wer nutzt den Dienst?")
    make_method(lab, title="Zukunftswerkstatt", summary="Visionen für den Dienst")
    assert found(MethodCard.objects, "persona or visionen") == ["Persona-Werkstatt", "Zukunftswerkstatt"]
    assert found(MethodCard.objects, "dienst -persona") == ["Zukunftswerkstatt"]
    assert found(MethodCard.objects, '"den dienst"') == ["Persona-Werkstatt", "Zukunftswerkstatt"]


@on_postgresql
@pytest.mark.django_db
def test_on_postgresql_the_search_uses_the_gin_index(lab):
    sql, params = search_items(MethodCard.objects.all(), "persona").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "methods_methodcard_search" in plan
