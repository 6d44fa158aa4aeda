"""Sending one mail to one person: plain text plus accessible HTML, in their language, through Django's mail.

A domain describes the mail as a ``Mail`` (greeting, paragraphs, facts, one button, attachments);
``mail_send`` renders it with ``hub/mail/message.txt`` and ``message.html`` and sends it with the
configured backend: SMTP from ``HUB_EMAIL_URL`` in production, ``FilesAndConsoleBackend`` in
development. Sending is the caller's task's work, with its retries (``events.tasks``).
"""

from __future__ import annotations

import secrets
import sys
from dataclasses import dataclass, field
from email.mime.image import MIMEImage
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import timezone, translation


@dataclass(frozen=True)
class Attachment:
    """A file sent with a mail; with ``content_id``, an image the HTML part shows (``cid:…``)."""

    filename: str
    content: bytes
    mimetype: str
    content_id: str = ""


@dataclass(frozen=True)
class Mail:
    """What one mail says, in the order its parts are shown; every text already in the person's language."""

    to: str
    language: str
    subject: str
    greeting: str
    paragraphs: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    action: tuple[str, str] | None = None  # the button: its label and address
    image: Attachment | None = None  # shown under the facts, with ``image_text`` as its text alternative
    image_text: str = ""
    closing: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


def mail_message(mail: Mail) -> EmailMultiAlternatives:
    """The mail as a message with a plain-text body, an HTML alternative and its attachments."""
    with translation.override(mail.language):
        context = {"mail": mail, "language": mail.language}
        text = render_to_string("hub/mail/message.txt", context)
        html = render_to_string("hub/mail/message.html", context)
    message = EmailMultiAlternatives(mail.subject, text, settings.DEFAULT_FROM_EMAIL, [mail.to])
    message.attach_alternative(html, "text/html")
    for attachment in ([mail.image] if mail.image else []) + list(mail.attachments):
        if attachment.content_id:
            message.attach(_part(attachment))
        else:
            message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def mail_send(mail: Mail) -> None:
    """Send the mail now; a failure raises (``OSError``, ``smtplib.SMTPException``) for the caller to retry."""
    mail_message(mail).send(fail_silently=False)


def _part(attachment: Attachment) -> MIMEImage:
    part = MIMEImage(attachment.content, _subtype=attachment.mimetype.partition("/")[2])
    part.add_header("Content-ID", f"<{attachment.content_id}>")
    part.add_header("Content-Disposition", "inline", filename=attachment.filename)
    return part


DEVELOPMENT_BACKEND = "hub.mail.FilesAndConsoleBackend"


@checks.register(checks.Tags.compatibility, deploy=True)
def mail_server_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``check --deploy``: a node without ``HUB_EMAIL_URL`` writes its mails to files nobody receives."""
    if settings.EMAIL_BACKEND != DEVELOPMENT_BACKEND:
        return []
    return [checks.Warning(
        "HUB_EMAIL_URL is not set: registration mails are written to files under HUB_DATA_DIR/mail/ and reach nobody.",
        hint="Set HUB_EMAIL_URL (smtp+tls://user:password@mail.example.de:587) and HUB_EMAIL_FROM.",
        id="hub.W001",
    )]


class FilesAndConsoleBackend(BaseEmailBackend):
    """Development: every mail is a file ``HUB_DATA_DIR/mail/<time>-<random>.eml`` and is shown on the console."""

    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        """Write each message to its own file and print its headers and text; return how many there were."""
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            path = folder / f"{timezone.now():%Y%m%d-%H%M%S-%f}-{secrets.token_hex(3)}.eml"
            path.write_bytes(message.message().as_bytes(linesep="\n"))
            sys.stderr.write(f"--- mail to {', '.join(message.to)}: {message.subject} ({path})\n{message.body}\n---\n")
        return len(email_messages)
