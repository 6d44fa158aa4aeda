"""Writing this node's labs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hub.models import ChangeLogEntry, Lab
from hub.roles import raise_unless_node_admin
from hub.selectors import local_node
from hub.services.descriptor import node_descriptor_publish
from hub.services.items import (
    item_record_change,
    item_record_deletion,
    item_touch,
    item_validate,
    raise_if_not_local,
    raise_if_unknown_fields,
    raise_if_unpublishing,
)

MANAGING_LABS = _("create, change or delete this node's labs")
LAB_FIELDS = (
    "slug", "name", "city", "address", "latitude", "longitude", "description", "website", "email",
    "opening_hours", "accessibility", "visibility", "regional_key", "data_license",
)


def lab_iri(slug: str) -> str:
    """The IRI a local lab with this slug has."""
    return f"{settings.HUB_BASE_URL}/labs/{slug}"


@transaction.atomic
def lab_create(*, actor: Any, **fields: Any) -> Lab:
    """Create a lab of this node (node administrators); its slug fixes its IRI for good."""
    raise_unless_node_admin(actor=actor, action=MANAGING_LABS)
    raise_if_unknown_fields(Lab, fields, LAB_FIELDS)
    lab = Lab(origin=local_node(), **fields)
    lab.iri = lab_iri(lab.slug)
    item_validate(lab, extra_errors=_reused_iri_error(lab))
    lab.save()
    item_record_change(lab)
    node_descriptor_publish()
    return lab


@transaction.atomic
def lab_update(*, lab: Lab, actor: Any, **fields: Any) -> Lab:
    """Change a lab of this node (node administrators); the slug cannot change because it is part of the IRI."""
    raise_if_not_local(lab)
    raise_unless_node_admin(actor=actor, action=MANAGING_LABS)
    raise_if_unknown_fields(Lab, fields, LAB_FIELDS)
    lab = Lab.objects.select_for_update().get(pk=lab.pk)
    previous_visibility = lab.visibility
    slug = fields.pop("slug", lab.slug)
    for name, value in fields.items():
        setattr(lab, name, value)
    extra = {}
    if slug != lab.slug:
        extra["slug"] = _("The short name is part of the lab's permanent address and cannot change.")
    raise_if_unpublishing(lab, previous_visibility)
    item_validate(lab, extra_errors=extra)
    item_touch(lab)
    lab.save()
    item_record_change(lab)
    if previous_visibility != lab.visibility:
        node_descriptor_publish()
    return lab


@transaction.atomic
def lab_delete(*, lab: Lab, actor: Any) -> None:
    """Delete a lab of this node (node administrators), leaving a tombstone where it had been published."""
    raise_if_not_local(lab)
    raise_unless_node_admin(actor=actor, action=MANAGING_LABS)
    if lab.methods.exists() or lab.events.exists() or lab.ideas.exists():
        raise ValidationError(_("This lab still has method cards, events or ideas; move or delete them first."))
    if lab.experience_reports.exists():  # the reverse relation of experience.models.ExperienceReport.lab
        raise ValidationError(_("This lab still has experience reports; delete them first."))
    item_record_deletion(lab)
    lab.delete()
    node_descriptor_publish()


def _reused_iri_error(lab: Lab) -> dict[str, Any]:
    if lab.slug and ChangeLogEntry.objects.filter(iri=lab.iri, deleted=True).exists():
        return {"slug": _("This short name belonged to a deleted lab and is never reused; choose another.")}
    return {}
