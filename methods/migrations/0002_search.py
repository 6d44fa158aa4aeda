"""Full-text search over method cards: a generated tsvector behind a GIN index on PostgreSQL, FTS5 on SQLite.

Neither is part of the model; ``hub.search`` reads them, and the language rule here must stay the one
the model's ``search_index`` states. On SQLite, a later migration that makes Django rebuild
``methods_methodcard`` (it does so for most field changes) drops the triggers with the old table and
must create them again; ``tests/hub/test_search.py`` notices when they are missing.
"""

from django.db import migrations

DOCUMENT = "title || ' ' || summary || ' ' || body || ' ' || keywords::text"
ENGLISH = "\"language\" = 'en' OR \"language\" LIKE 'en-%'"

POSTGRESQL = [
    f"""ALTER TABLE methods_methodcard ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        CASE WHEN {ENGLISH} THEN to_tsvector('english'::regconfig, {DOCUMENT})
        ELSE to_tsvector('german'::regconfig, {DOCUMENT}) END) STORED""",
    "CREATE INDEX methods_methodcard_search ON methods_methodcard USING gin (search_vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS methods_methodcard_search",
    "ALTER TABLE methods_methodcard DROP COLUMN IF EXISTS search_vector",
]

# Contentless FTS5: the index holds derived text (the keywords' items, not their JSON), which only
# the triggers know; case and diacritics are folded (Bürger = burger).
COLUMNS = "title, summary, body, keywords"
KEYWORDS = "(SELECT group_concat(value, ' ') FROM json_each({row}.keywords))"
NEW = f"new.title, new.summary, new.body, {KEYWORDS.format(row='new')}"
OLD = f"old.title, old.summary, old.body, {KEYWORDS.format(row='old')}"
FTS = "methods_methodcard_fts"
SQLITE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='', tokenize='unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON methods_methodcard BEGIN
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON methods_methodcard BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); END""",
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE OF {COLUMNS} ON methods_methodcard BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END""",
    f"INSERT INTO {FTS}(rowid, {COLUMNS}) SELECT new.id, {NEW} FROM methods_methodcard AS new",
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
    dependencies = [("methods", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
            elidable=False,
        ),
    ]
