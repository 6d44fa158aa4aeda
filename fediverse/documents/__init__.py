"""The fediverse face's JSON: actors, events (FEP-8a8e), method cards as articles, activities, collections.

Every document starts with ``CONTEXT``: the ActivityStreams context, the security context (the actor's
``publicKey``) and one inline context for the event terms ActivityStreams lacks, so that a JSON-LD
processor reads every property (tests/fediverse check it with pyld against the bundled contexts).
"""

from fediverse.documents.activities import (
    accept,
    activity_id,
    cancellation_note,
    create,
    delete,
    update,
)
from fediverse.documents.actors import (
    actor_document,
    nodeinfo_document,
    nodeinfo_links,
    webfinger_document,
)
from fediverse.documents.collections import followers_document, outbox_document, outbox_page
from fediverse.documents.context import CONTEXT
from fediverse.documents.objects import article_document, event_document, object_document

__all__ = [
    "CONTEXT",
    "accept",
    "activity_id",
    "actor_document",
    "article_document",
    "cancellation_note",
    "create",
    "delete",
    "event_document",
    "followers_document",
    "nodeinfo_document",
    "nodeinfo_links",
    "object_document",
    "outbox_document",
    "outbox_page",
    "update",
    "webfinger_document",
]
