"""The method card pages."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse

from hub.access import can_see_network
from hub.items import gone_response, item_response
from methods.selectors import method_for_reader


def method_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A method card as a page or as its signed document."""
    method = method_for_reader(
        uuid=uuid, include_network=can_see_network(request), include_drafts=request.user.is_staff
    )
    if method is None:
        return gone_response(request, f"/methods/{uuid}")
    return item_response(request, method, template="methods/method_detail.html")
