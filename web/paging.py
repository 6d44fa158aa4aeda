"""Paging through a list: the page size a reader chose from a fixed set, and the page itself."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict

PAGE_SIZES = (12, 24, 48, 96)
DEFAULT_PAGE_SIZE = 24


def page_size(data: QueryDict) -> int:
    """The chosen page size if it is one of PAGE_SIZES, else the default."""
    try:
        size = int(data.get("per_page", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def page_of(queryset: QuerySet, data: QueryDict) -> Page:
    """The requested page of the list (the last one when the number is too high, the first when invalid)."""
    return Paginator(queryset, page_size(data)).get_page(data.get("page"))
