"""Full-text search over ideas: a generated tsvector behind a GIN index on PostgreSQL, FTS5 on SQLite.

As for events and method cards (``hub.search``): the title, text, district and the lab's answer,
never the author's name or address. An idea is searched in English when its author wrote in English
(``author_language``; mirrored ideas are German), in German otherwise; the rule here must stay the
one ``Idea.search_index`` states.
"""

from django.db import migrations

DOCUMENT = "title || ' ' || text || ' ' || district || ' ' || answer"
ENGLISH = "author_language = 'en' OR author_language LIKE 'en-%'"

POSTGRESQL = [
    f"""ALTER TABLE ideas_idea ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        CASE WHEN {ENGLISH} THEN to_tsvector('english'::regconfig, {DOCUMENT})
        ELSE to_tsvector('german'::regconfig, {DOCUMENT}) END) STORED""",
    "CREATE INDEX ideas_idea_search ON ideas_idea USING gin (search_vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS ideas_idea_search",
    "ALTER TABLE ideas_idea DROP COLUMN IF EXISTS search_vector",
]

COLUMNS = "title, text, district, answer"
NEW = "new.title, new.text, new.district, new.answer"
OLD = "old.title, old.text, old.district, old.answer"
FTS = "ideas_idea_fts"
SQLITE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='', tokenize='unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON ideas_idea BEGIN
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON ideas_idea BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); END""",
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE OF {COLUMNS} ON ideas_idea BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END""",
    f"INSERT INTO {FTS}(rowid, {COLUMNS}) SELECT new.id, {NEW} FROM ideas_idea AS new",
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
    dependencies = [("ideas", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
            elidable=False,
        ),
    ]
