"""CSV files for spreadsheets: UTF-8 with a byte order mark, a header row, and no cell that runs as a formula.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some programs, a tab
or a carriage return before them) as a formula, which can fetch from the web or run commands when the
file is opened (CSV injection). Every text cell starting so gets a leading apostrophe, which the
spreadsheet shows as text. Numbers the node itself wrote (a negative longitude) stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
BYTE_ORDER_MARK = "\ufeff"  # so that spreadsheets read UTF-8; CSV readers skip it (Python: encoding="utf-8-sig")


def csv_cell(value: object) -> str | int | float | Decimal:
    """A value as a cell: None as empty, numbers as they are, text that could run as a formula behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(*, filename: str, columns: Sequence[str], rows: Iterable[Sequence[object]],
                 disposition: str = "attachment") -> HttpResponse:
    """A CSV download: the header row of ``columns``, then one row per item, every cell through ``csv_cell``."""
    response = HttpResponse(content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.write(BYTE_ORDER_MARK)
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response
