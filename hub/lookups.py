"""Lookups on JSON lists that work alike on SQLite and PostgreSQL.

``target_groups__has="older-people"`` keeps rows whose list holds that exact string, and
``keywords__any_icontains="beteil"`` rows with an element containing the text in any case. Both read
the decoded elements, so text outside ASCII matches although SQLite stores it escaped (``\\u00fc``).
They are registered on ``JSONField`` when this module is imported (``api.apps.ApiConfig.ready``).
"""

from __future__ import annotations

import json

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import JSONField, Lookup
from django.db.models.sql.compiler import SQLCompiler
from django.db.utils import NotSupportedError

SQL = tuple[str, list]


class JSONListLookup(Lookup):
    """A lookup whose right-hand side is one plain string compared with the list's elements."""

    prepare_rhs = False

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> SQL:
        """Refuse databases other than SQLite and PostgreSQL."""
        raise NotSupportedError(f"The lookup “{self.lookup_name}” supports SQLite and PostgreSQL only.")

    def column(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> SQL:
        """The compiled JSON column with its parameters."""
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return lhs, list(lhs_params)


@JSONField.register_lookup
class JSONListHas(JSONListLookup):
    """The JSON list holds this exact string."""

    lookup_name = "has"

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> SQL:
        """Search the decoded elements with ``json_each``."""
        lhs, lhs_params = self.column(compiler, connection)
        return f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value = %s)", lhs_params + [self.rhs]

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> SQL:
        """Use jsonb containment, which a GIN index can serve."""
        lhs, lhs_params = self.column(compiler, connection)
        return f"{lhs} @> %s::jsonb", lhs_params + [json.dumps([self.rhs])]


@JSONField.register_lookup
class JSONListAnyIContains(JSONListLookup):
    """Some string of the JSON list contains the text, ignoring case."""

    lookup_name = "any_icontains"

    def pattern(self, connection: BaseDatabaseWrapper) -> str:
        """The LIKE pattern for the text, its wildcards escaped."""
        return f"%{connection.ops.prep_for_like_query(self.rhs)}%"

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> SQL:
        """Match the decoded elements with LIKE, which ignores ASCII case in SQLite."""
        lhs, lhs_params = self.column(compiler, connection)
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value LIKE %s ESCAPE '\\')"
        return sql, lhs_params + [self.pattern(connection)]

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> SQL:
        """Match the array's text elements with ILIKE; a value that is no array matches nothing."""
        lhs, lhs_params = self.column(compiler, connection)
        sql = (
            f"CASE WHEN jsonb_typeof({lhs}) = 'array' THEN EXISTS "
            f"(SELECT 1 FROM jsonb_array_elements_text({lhs}) AS element WHERE element ILIKE %s) ELSE false END"
        )
        return sql, lhs_params + lhs_params + [self.pattern(connection)]
