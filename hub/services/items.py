"""What every local write shares: the origin guard, validation, versions and the change log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hub.choices import PUBLISHED, Visibility
from hub.models import ChangeLogEntry, FederatedItem, Lab
from hub.publishing import ItemChange, item_changed, publisher
from hub.roles import raise_unless_may_edit
from hub.services.changelog import Change, changelog_record


class MirroredItemError(PermissionDenied):
    """A write was attempted on an item whose origin is another node."""

    def __init__(self, item: FederatedItem) -> None:
        self.item = item
        super().__init__(
            gettext("“%(item)s” is a copy mirrored from %(origin)s; only its origin node can change it.")
            % {"item": item, "origin": item.origin.iri}
        )


def raise_if_not_local(item: FederatedItem) -> None:
    """Refuse to write an item that another node created."""
    if not item.is_local:
        raise MirroredItemError(item)


def raise_unless_may_write(item: FederatedItem, *, actor: Any, lab_before: str | None = None) -> None:
    """Refuse an actor who may not write the item's lab, nor, when an update moves the item, the lab it leaves."""
    if lab_before is not None and lab_before != item.lab_id:
        raise_unless_may_edit(actor=actor, lab=lab_before)
    raise_unless_may_edit(actor=actor, lab=item.lab_id)


def raise_if_unknown_fields(model: type[Model], fields: Mapping[str, Any], editable: Iterable[str]) -> None:
    """Refuse field names that a service does not accept, naming them."""
    unknown = sorted(set(fields) - set(editable))
    if unknown:
        message = _("“%(name)s” is not a field of %(model)s that can be written.")
        raise ValidationError(
            {
                name: ValidationError(message, code="unknown", params={"name": name, "model": model._meta.verbose_name})
                for name in unknown
            }
        )


UNPUBLISH_MESSAGE = _("A published item cannot become a draft again; delete it instead.")


def raise_if_unpublishing(item: FederatedItem, previous_visibility: str) -> None:
    """Refuse to turn a published item back into a draft: its copies are already in the network."""
    if previous_visibility in PUBLISHED and item.visibility == Visibility.DRAFT:
        raise ValidationError({"visibility": UNPUBLISH_MESSAGE})


def item_validate(item: FederatedItem, *, extra_errors: Mapping[str, Any] | None = None) -> None:
    """Run the model's field and cross-field checks and the slug check, raising all errors at once."""
    errors: dict[str, list] = {}
    try:
        item.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    clash = slug_error(item)
    if clash:
        errors.setdefault("slug", []).append(clash)
    for field, message in (extra_errors or {}).items():
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


def slug_error(item: FederatedItem) -> ValidationError | None:
    """The error for a slug that another item of the same type and origin already uses."""
    slug = getattr(item, "slug", None)
    if not slug:
        return None
    clash = type(item).objects.filter(origin_id=item.origin_id, slug=slug).exclude(pk=item.pk)
    if clash.exists():
        return ValidationError(
            _("The short name “%(slug)s” is already used by another %(model)s of this node."),
            code="unique",
            params={"slug": slug, "model": item._meta.verbose_name},
        )
    return None


def local_lab_error(item: FederatedItem, *, missing: str) -> dict[str, Any]:
    """The error for an item's ``lab`` unless it names one of this node's labs."""
    lab = Lab.objects.filter(iri=item.lab_id).first() if item.lab_id else None
    if lab is None:
        return {"lab": missing}
    if not lab.is_local:
        return {"lab": _("Choose one of this node's labs; a mirrored lab belongs to its own node.")}
    if lab.visibility == Visibility.DRAFT and item.visibility in PUBLISHED:
        # Its copies would travel naming a lab that no other node may know yet.
        return {"lab": _("This lab is still a draft: publish the lab first, or keep this item a draft.")}
    return {}


def item_touch(item: FederatedItem) -> None:
    """Count a change by the origin: the next version, modified now."""
    item.version += 1
    item.date_modified = timezone.now()


def item_record_change(item: FederatedItem) -> None:
    """Sign a published item's new state and put it into the change log; drafts stay off it."""
    if item.visibility not in PUBLISHED:
        return
    document = publisher().item_document(item)
    transaction.on_commit(publisher().changes_committed)
    changelog_record(
        Change(
            iri=item.iri,
            item_type=type(item).__name__,
            origin_id=item.origin_id,
            version=item.version,
            visibility=item.visibility,
            document=document,
        )
    )
    item_changed(ItemChange(item_type=type(item).__name__, iri=item.iri, visibility=item.visibility))


def item_record_deletion(item: FederatedItem) -> None:
    """Record the signed tombstone of a deleted item that had been published; a draft leaves no trace."""
    entry = ChangeLogEntry.objects.filter(iri=item.iri).first()
    if entry is None:
        return
    version = item.version + 1
    document = publisher().tombstone_document(item, version=version, deleted=timezone.now())
    transaction.on_commit(publisher().changes_committed)
    changelog_record(
        Change(
            iri=item.iri,
            item_type=entry.item_type,
            origin_id=item.origin_id,
            version=version,
            visibility=entry.visibility,
            deleted=True,
            document=document,
        )
    )
    item_changed(ItemChange(item_type=entry.item_type, iri=item.iri, visibility=entry.visibility, deleted=True))
