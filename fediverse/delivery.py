"""Delivering one activity to one inbox: the exact bytes signed by the lab's key, sent through the guarded client."""

from __future__ import annotations

from typing import Any

import orjson
from django.conf import settings

from federation import http
from fediverse.signing import signed_exchange
from hub.models import Lab

DELIVERY_TIMEOUT = 15  # seconds for the whole exchange
MEDIA_TYPE = "application/activity+json"


def deliver(*, lab: Lab, inbox: str, activity: dict[str, Any]) -> int:
    """POST ``activity`` to ``inbox`` signed as the lab's actor (RFC 9421 or draft-cavage, as the server gets it); the status."""
    body = orjson.dumps(activity)
    return signed_exchange(url=inbox, signer=lab, method="POST", body=body,
                           headers={"Content-Type": MEDIA_TYPE, "Accept": MEDIA_TYPE},
                           send=lambda headers: http.post_bytes(inbox, body, allow_private=settings.HUB_ALLOW_PRIVATE_PEERS,
                                                                timeout=DELIVERY_TIMEOUT, headers=headers))
