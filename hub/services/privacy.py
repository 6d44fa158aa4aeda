"""Publishing a new version of the node's privacy notice (node administrators)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hub.models import PrivacyNotice
from hub.roles import raise_unless_node_admin

EDITING_PRIVACY = _("change the privacy notice")
NOTICE_FIELDS = ("contact", "text_de", "text_en", "consent_de", "consent_en")
ONE_LINE = ("consent_de", "consent_en")


@transaction.atomic
def privacy_notice_publish(*, actor: Any, **fields: str) -> PrivacyNotice:
    """Publish the notice as its next version; the earlier versions stay, as the consents name them."""
    raise_unless_node_admin(actor=actor, action=EDITING_PRIVACY)
    values = {name: str(fields.get(name) or "").replace("\r\n", "\n").strip() for name in NOTICE_FIELDS}
    errors = {name: _("A sentence on one line.") for name in ONE_LINE if _has_control_characters(values[name])}
    latest = PrivacyNotice.objects.select_for_update().order_by("-version").first()
    notice = PrivacyNotice(
        version=(latest.version if latest else 0) + 1,
        published_by=actor if getattr(actor, "is_authenticated", False) else None, **values,
    )
    try:
        notice.full_clean(exclude=["published_by", *errors])
    except ValidationError as error:
        errors = error.message_dict | errors
    if errors:
        raise ValidationError(errors)
    notice.save()
    return notice


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(character).startswith("C") for character in text)
