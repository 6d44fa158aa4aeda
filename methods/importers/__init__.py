"""Importers that turn method collections published elsewhere into this node's method cards.

``handbook_import`` reads CityLAB Berlin's handbook "Öffentliches Gestalten" (see docs/import.md).
"""

from methods.importers.handbook import (
    HandbookPathError,
    handbook_import,
    handbook_source,
    imported_method,
)
from methods.importers.report import FileReport, ImportReport

__all__ = ["FileReport", "HandbookPathError", "ImportReport", "handbook_import", "handbook_source", "imported_method"]
