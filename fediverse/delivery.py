"""Delivering one activity to one inbox: the exact bytes signed by the lab's key, sent through the guarded client."""

from __future__ import annotations

from typing import Any

import orjson
from django.conf import settings

from federation import http
from fediverse import iris
from fediverse.keys import signing_key
from fediverse.signatures import sign_request
from hub.models import Lab

DELIVERY_TIMEOUT = 15  # seconds for the whole exchange
MEDIA_TYPE = "application/activity+json"


def deliver(*, lab: Lab, inbox: str, activity: dict[str, Any]) -> int:
    """POST ``activity`` to ``inbox`` signed (draft-cavage, with Digest) as the lab's actor; the answer's status."""
    body = orjson.dumps(activity)
    headers = sign_request(method="POST", url=inbox, key=signing_key(lab), key_id=iris.key_id(lab), body=body,
                           headers={"Content-Type": MEDIA_TYPE, "Accept": MEDIA_TYPE})
    return http.post_bytes(inbox, body, allow_private=settings.HUB_ALLOW_PRIVATE_PEERS, timeout=DELIVERY_TIMEOUT,
                           headers=headers)
