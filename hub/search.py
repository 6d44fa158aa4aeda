"""Word search over method cards and events, with each database's own full-text machinery.

PostgreSQL: a stored generated ``search_vector`` column per table, built with the ``english`` text
search configuration for items in English and ``german`` for every other item, behind a GIN index.
A query is read with ``websearch_to_tsquery`` (quoted phrases, ``or``, ``-word``; any text is valid)
in the configuration of the row it is matched against, so stems meet stems of the same language.

SQLite: a contentless FTS5 table per model (``unicode61``, case and diacritics folded) kept in step
with the rows by triggers. FTS5 has no stemmer for German, so every word of the query is matched as a word
prefix (``Szene`` finds ``Szenen``); the words are quoted, so no user input is FTS5 syntax.

Both are created by migrations (``methods/0002``, ``events/0002``) on the database the node uses,
and both follow every write path (services, the mirror's bulk writes, the admin) because the
database itself keeps them current. The columns and tables are invisible to the models; each searchable model names its index as
``search_index`` (a ``SearchIndex``), which must say what its migration's generated column says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connections
from django.db.models import BooleanField, Expression, QuerySet
from django.db.models.expressions import RawSQL

MAX_QUERY_WORDS = 32
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchIndex:
    """Where a model's full-text index lives and how a row's language picks its configuration."""

    fts_table: str
    english_sql: str  # a condition on the row's columns, ``{alias}`` standing for its table

    def is_english(self, alias: str) -> str:
        """The SQL condition that the row under ``alias`` is indexed with the English configuration."""
        return self.english_sql.format(alias=alias)


def search_items(queryset: QuerySet, text: str) -> QuerySet:
    """The items of ``queryset`` (a model with a ``search_index``) whose words match the search text."""
    index: SearchIndex = queryset.model.search_index
    text = text.replace("\x00", " ")  # PostgreSQL's text cannot hold it; it separates words anyway
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        return queryset.filter(_VectorMatch(index, text))
    if vendor == "sqlite":
        query = fts5_query(text)
        if not query:
            return queryset.none()
        matches = f"SELECT rowid FROM {index.fts_table} WHERE {index.fts_table} MATCH %s"
        return queryset.filter(pk__in=RawSQL(matches, [query]))
    raise NotImplementedError(f"no full-text search for the {vendor} database")


def fts5_query(text: str) -> str:
    """An FTS5 query matching rows that hold every word of the text, each as a word prefix.

    Only runs of letters and digits are taken from the text and each is quoted, so nothing a reader
    types (quotes, ``*``, ``NEAR``, ``-``, column filters) is ever read as FTS5 syntax.
    """
    words = _WORD.findall(text)[:MAX_QUERY_WORDS]
    return " ".join(f'"{word}"*' for word in words)


class _VectorMatch(Expression):
    """``search_vector @@ query`` in the configuration of each row's language (PostgreSQL)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, index: SearchIndex, text: str) -> None:
        super().__init__()
        self.index, self.text = index, text

    def as_sql(self, compiler, connection):
        """Match English rows with the English reading of the text and all others with the German one."""
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        english = self.index.is_english(alias)
        vector = f"{alias}.search_vector"
        sql = (
            f"(({english} AND {vector} @@ websearch_to_tsquery('english'::regconfig, %s))"
            f" OR (NOT {english} AND {vector} @@ websearch_to_tsquery('german'::regconfig, %s)))"
        )
        return sql, (self.text, self.text)
