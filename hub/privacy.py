"""The node's privacy notice for people who register: the version in force, its default text, and its stamp.

Node administrators publish new versions (``hub.services.privacy``); until the first one, the notice
is a default text in German and English, built from the node's labs and
``HUB_REGISTRATION_RETENTION_DAYS`` each time it is read, as version 0. A registration stores the
consent sentence it was given with the notice's stamp (version and date), so what a person agreed
to can be looked up later.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from hub.models import Lab, Node, PrivacyNotice
from hub.selectors import labs_local, local_node_or_none

# When the default text below last changed; its stamp names this date.
DEFAULT_DATE = datetime(2026, 12, 3, tzinfo=UTC)
LANGUAGES = ("de", "en")

DEFAULT_CONSENT = gettext_noop(
    "I agree that %(node)s keeps my name, my e-mail address and my answers to manage my registration, "
    "and erases them %(days)d days after the event. I can see, cancel and erase my registration at any time "
    "through the link in the mail."
)
DEFAULT_TEXT = gettext_noop(
    "## What we keep\n\n"
    "When you register for an event, we keep: your name (a first name or a pseudonym is enough), your "
    "e-mail address, how many people you bring along, what you need to take part (for example a place "
    "for a wheelchair), your answer to the lab's question, the language of our e-mails, your consent with "
    "its time, and where your registration stands (confirmed, on the waiting list, checked in).\n\n"
    "What you tick under “I need …” can say something about your health. You do not have to tick "
    "anything: we ask only so that we can prepare the event for you.\n\n"
    "## What for\n\n"
    "We use your details only for your registration: to confirm it, to give you a seat or a place on the "
    "waiting list, to remind you the day before, to tell you if the event changes or is cancelled, and "
    "to check you in at the door. We do this because you agree to it (Art. 6(1)(a) GDPR; for what you "
    "need, Art. 9(2)(a) GDPR).\n\n"
    "## Who sees your details\n\n"
    "Only the staff of the lab that organises the event, on %(node)s. Your details never go to the other "
    "cities of the Stadtlabor network: they only learn how many seats are left. We do not pass your "
    "details on to anyone else, and there is no tracking and no advertising on this site.\n\n"
    "## Your rights\n\n"
    "The link in our e-mails opens your registration. There you can see everything we keep about you, "
    "cancel your registration, and erase it at once. You can take back your consent at any time; this "
    "does not change what happened before. You also have the right to have your details corrected or "
    "their use restricted, and to complain to a data protection authority. If you have questions, write "
    "to the people responsible, named above.\n\n"
    "## Cookies\n\n"
    "This site sets only the cookies it needs: one for the language you choose, and one that protects "
    "its forms against misuse."
)
STAMP = gettext_noop("privacy notice of %(node)s, version %(version)d of %(date)s: %(url)s")
DEFAULT_STAMP = gettext_noop("privacy notice of %(node)s, standard text of %(date)s: %(url)s")


def privacy_notice_current() -> PrivacyNotice:
    """The notice in force: the newest published version, else the default text as version 0 (unsaved)."""
    return PrivacyNotice.objects.order_by("-version").first() or privacy_notice_default()


def privacy_notice_versions() -> list[PrivacyNotice]:
    """Every published version, newest first, with who published it."""
    return list(PrivacyNotice.objects.select_related("published_by").order_by("-version"))


def privacy_notice_default() -> PrivacyNotice:
    """The default notice, in German and English, naming this node's labs and its retention period."""
    node = local_node_or_none()
    values = {"node": node.name if node else "Stadtlabor Hub", "days": settings.HUB_REGISTRATION_RETENTION_DAYS}
    texts = {language: _translated(DEFAULT_TEXT, language, values) for language in LANGUAGES}
    consents = {language: _translated(DEFAULT_CONSENT, language, values) for language in LANGUAGES}
    return PrivacyNotice(
        version=0, contact=default_contact(node, list(labs_local())), text_de=texts["de"], text_en=texts["en"],
        consent_de=consents["de"], consent_en=consents["en"], published_at=DEFAULT_DATE,
    )


def default_contact(node: Node | None, labs: list[Lab]) -> str:
    """Who is responsible, as Markdown: the node's labs with their addresses and public e-mail addresses."""
    blocks = []
    for lab in labs:
        lines = [f"**{_markdown_escaped(lab.name)}**", *(_markdown_escaped(line) for line in lab.address.splitlines() if line.strip())]
        if lab.email:
            lines.append(f"<{lab.email}>")
        blocks.append("  \n".join(lines))
    return "\n\n".join(blocks) or (_markdown_escaped(node.name) if node else "")


def privacy_notice_stamp(notice: PrivacyNotice, language: str) -> str:
    """The notice named by its node, version and date, in ``language``; stored with each consent."""
    node = local_node_or_none()
    values = {
        "node": node.name if node else "Stadtlabor Hub", "version": notice.version,
        "date": notice.published_at.date().isoformat(),
        "url": settings.HUB_BASE_URL + reverse("privacy") + (f"?version={notice.version}" if notice.version else ""),
    }
    return _translated(STAMP if notice.version else DEFAULT_STAMP, language, values)


def privacy_consent_text(language: str) -> str:
    """What a person agrees to when they register: the notice's consent sentence and its stamp, in ``language``."""
    notice = privacy_notice_current()
    return f"{notice.consent(language)} ({privacy_notice_stamp(notice, language)})"


def _translated(message: str, language: str, values: dict) -> str:
    with translation.override(language):
        return gettext(message) % values


def _markdown_escaped(text: str) -> str:
    """Text that Markdown shows as it is (names and addresses): its inline markup characters escaped."""
    return "".join(f"\\{character}" if character in "\\`*_[]<>#" else character for character in text.strip())
