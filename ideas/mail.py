"""The mails an idea's author receives: the lab's public answer, or the reason of a decline.

Plain text with an accessible HTML alternative, in the language the author wrote in, made from what
the node holds when the mail is sent (an author whose contact was erased meanwhile gets nothing).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from ideas.models import Idea

KINDS = ("answer", "decline")


def idea_mail(idea: Idea, kind: str) -> EmailMultiAlternatives | None:
    """The mail of ``kind`` to the idea's author, or None when they left no address."""
    if kind not in KINDS:
        raise ValueError(f"no idea mail of the kind {kind!r}")
    if not idea.author_email:
        return None
    context = {
        "idea": idea,
        "lab": idea.lab,
        "node": idea.origin,
        "idea_url": f"{settings.HUB_BASE_URL}/ideas/{idea.uuid}",
        "lab_url": idea.lab.iri if idea.lab else settings.HUB_BASE_URL,
    }
    with translation.override(idea.author_language):
        subject = " ".join(render_to_string(f"ideas/mail/{kind}_subject.txt", context).split())
        text = render_to_string(f"ideas/mail/{kind}.txt", context)
        html = render_to_string(f"ideas/mail/{kind}.html", context | {"language": translation.get_language()})
    message = EmailMultiAlternatives(subject=subject, body=text, to=[idea.author_email])
    message.attach_alternative(html, "text/html")
    return message
