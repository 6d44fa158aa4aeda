"""Full-text search over events: a generated tsvector behind a GIN index on PostgreSQL, FTS5 on SQLite.

Neither is part of the model; ``hub.search`` reads them. An event is searched in the language listed
first in its ``languages``; the rule here must stay the one the model's ``search_index`` states. On
SQLite, a later migration that makes Django rebuild ``events_event`` drops the triggers with the old
table and must create them again; ``tests/hub/test_search.py`` notices when they are missing.
"""

from django.db import migrations

DOCUMENT = "title || ' ' || description || ' ' || place_name || ' ' || place_address"
FIRST_LANGUAGE = "coalesce(languages ->> 0, '')"
ENGLISH = f"{FIRST_LANGUAGE} = 'en' OR {FIRST_LANGUAGE} LIKE 'en-%'"

POSTGRESQL = [
    f"""ALTER TABLE events_event ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        CASE WHEN {ENGLISH} THEN to_tsvector('english'::regconfig, {DOCUMENT})
        ELSE to_tsvector('german'::regconfig, {DOCUMENT}) END) STORED""",
    "CREATE INDEX events_event_search ON events_event USING gin (search_vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS events_event_search",
    "ALTER TABLE events_event DROP COLUMN IF EXISTS search_vector",
]

# Contentless FTS5 kept by triggers, as for method cards; case and diacritics are folded.
COLUMNS = "title, description, place_name, place_address"
NEW = "new.title, new.description, new.place_name, new.place_address"
OLD = "old.title, old.description, old.place_name, old.place_address"
FTS = "events_event_fts"
SQLITE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='', tokenize='unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON events_event BEGIN
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON events_event BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); END""",
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE OF {COLUMNS} ON events_event BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END""",
    f"INSERT INTO {FTS}(rowid, {COLUMNS}) SELECT new.id, {NEW} FROM events_event AS new",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
            elidable=False,
        ),
    ]
