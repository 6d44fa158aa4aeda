"""Pages of the API's lists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

POSITIVE_WHOLE_NUMBER = _("Give a whole number of 1 or more.")


def positive_number(request: Request, name: str) -> int | None:
    """The query parameter as a whole number of 1 or more, None when absent or empty, or a 400 naming it."""
    text = request.query_params.get(name)
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ValidationError({name: [POSITIVE_WHOLE_NUMBER]})
    return int(text)


class CatalogPagination(PageNumberPagination):
    """Numbered pages of 20 items; ``?page_size=`` asks for up to 100, and a larger size gives 100.

    DRF ignores a page size it cannot read and answers 404 for a page number it cannot read; here both
    are a 400 naming the parameter, as the schema calls them invalid. A page after the last is a 404.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()

    def get_page_size(self, request: Request) -> int:
        """The requested size, at most ``max_page_size``, or the default."""
        size = positive_number(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def get_page_number(self, request: Request, paginator) -> int:
        """The requested page number, 1 by default."""
        return positive_number(request, self.page_query_param) or 1

    def get_schema_operation_parameters(self, view) -> list[dict]:
        """DRF's description of ``page`` and ``page_size``, with the smallest value and the largest size."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = f"Number of results per page; larger sizes give {self.max_page_size}."
        return parameters
