"""The Idea document (``sl:Idea``): a citizen's idea as its lab published it, without its author.

Only what the lab made public travels: title, text, district, the lab it was sent to, its status,
the lab's public answer and the events and methods that took it up. The author's name, address and
language and a decline's reason are no terms of the vocabulary, so a document that carries them (or
any other property) is refused by ``Reader.finish``.
"""

from __future__ import annotations

from typing import Any

from federation.codecs.common import Decoded, instant, item_header, read_header, read_lab, uuid_of
from federation.codecs.shape import Reader, allowed_values, compact
from ideas.models import ANSWER_MAX, DISTRICT_MAX, TEXT_MAX, TITLE_MAX, TRAVELLING, Idea

STATUSES = allowed_values(TRAVELLING)


def idea_to_document(idea: Idea) -> dict[str, Any]:
    """A published idea as its compact JSON-LD document (without proof)."""
    return item_header(idea, "Idea") | compact(
        {
            "name": idea.title,
            "text": idea.text,
            "district": idea.district,
            "recipient": idea.lab_id,
            "ideaStatus": idea.status,
            "answer": idea.answer,
            "dateAnswered": instant(idea.answered_at) if idea.answered_at else None,
            "takenUpInEvent": idea.event_iris,
            "takenUpWithMethod": idea.method_iris,
        }
    )


def idea_from_document(reader: Reader) -> Decoded:
    """An idea's model fields from its document."""
    decoded = read_header(reader, "Idea")
    decoded.fields |= {
        "uuid": uuid_of(decoded.iri),
        "title": reader.text("name", required=True, max_length=TITLE_MAX),
        "text": reader.text("text", required=True, max_length=TEXT_MAX),
        "district": reader.text("district", max_length=DISTRICT_MAX),
        "lab_id": read_lab(reader, "recipient", decoded.origin_iri),
        "status": reader.choice("ideaStatus", STATUSES, required=True),
        "answer": reader.text("answer", max_length=ANSWER_MAX),
        "answered_at": reader.datetime("dateAnswered"),
        "event_iris": reader.iris("takenUpInEvent"),
        "method_iris": reader.iris("takenUpWithMethod"),
    }
    reader.finish()
    return decoded
