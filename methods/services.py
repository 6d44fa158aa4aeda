"""Writing method cards: create, update, delete and adapt."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from hub.models import Lab
from hub.selectors import local_node
from hub.services.items import (
    item_record_change,
    item_record_deletion,
    item_touch,
    item_validate,
    local_lab_error,
    raise_if_not_local,
    raise_if_unknown_fields,
    raise_if_unpublishing,
    raise_unless_may_write,
)
from methods.models import MethodCard, MethodStep

METHOD_FIELDS = (
    "title", "slug", "language", "summary", "added_value", "body", "phase", "duration_min",
    "duration_max", "difficulty", "group_size_min", "group_size_max", "materials", "roles", "tips",
    "background", "target_groups", "accessibility_notes", "license", "lab", "based_on",
    "translations", "keywords", "source", "visibility",
)
NO_LAB = _("Choose the lab that authored this method.")
MAX_STEPS = 50


@transaction.atomic
def method_create(*, actor: Any, steps: Sequence[dict[str, str]] = (), **fields: Any) -> MethodCard:
    """Create a method card authored by one of this node's labs, if ``actor`` may write that lab's items."""
    raise_if_unknown_fields(MethodCard, fields, METHOD_FIELDS)
    method = MethodCard(origin=local_node(), **fields)
    raise_unless_may_write(method, actor=actor)
    method.iri = f"{settings.HUB_BASE_URL}/methods/{method.uuid}"
    if not method.slug:
        method.slug = _free_slug(method)
    item_validate(method, extra_errors=local_lab_error(method, missing=NO_LAB) | _steps_error(steps))
    method.save()
    _steps_replace(method, steps)
    item_record_change(method)
    return method


@transaction.atomic
def method_update(
    *, method: MethodCard, actor: Any, steps: Sequence[dict[str, str]] | None = None, **fields: Any
) -> MethodCard:
    """Change a method card of this node; ``steps``, when given, replace the old ones."""
    raise_if_not_local(method)
    raise_if_unknown_fields(MethodCard, fields, METHOD_FIELDS)
    method = MethodCard.objects.select_for_update().get(pk=method.pk)
    previous_visibility, lab_before = method.visibility, method.lab_id
    for name, value in fields.items():
        setattr(method, name, value)
    raise_unless_may_write(method, actor=actor, lab_before=lab_before)
    raise_if_unpublishing(method, previous_visibility)
    extra = local_lab_error(method, missing=NO_LAB) | (_steps_error(steps) if steps is not None else {})
    item_validate(method, extra_errors=extra)
    item_touch(method)
    method.save()
    if steps is not None:
        _steps_replace(method, steps)
    item_record_change(method)
    return method


@transaction.atomic
def method_delete(*, method: MethodCard, actor: Any) -> None:
    """Delete a method card of this node, leaving a tombstone where it had been published."""
    raise_if_not_local(method)
    raise_unless_may_write(method, actor=actor)
    item_record_deletion(method)
    method.delete()


@transaction.atomic
def method_adapt(
    *, original: MethodCard, lab: Lab, actor: Any, steps: Sequence[dict[str, str]] | None = None, **overrides: Any
) -> MethodCard:
    """Create this node's own version of a method (local or mirrored), remembering what it is based on."""
    fields = {name: getattr(original, name) for name in METHOD_FIELDS if name not in {"lab", "slug", "translations"}}
    fields |= {"based_on": original.iri, "lab": lab, "source": ""} | overrides
    if steps is None:
        steps = [{"title": step.title, "text": step.text} for step in original.steps.all()]
    return method_create(actor=actor, steps=steps, **fields)


def _free_slug(method: MethodCard) -> str:
    """A slug from the title that no other method of this node uses."""
    base = slugify(method.title)[:100] or "methode"
    taken = set(
        MethodCard.objects.filter(origin_id=method.origin_id, slug__startswith=base).values_list("slug", flat=True)
    )
    candidate, counter = base, 2
    while candidate in taken:
        candidate, counter = f"{base}-{counter}", counter + 1
    return candidate


def _steps_error(steps: Sequence[dict[str, str]]) -> dict[str, Any]:
    if len(steps) > MAX_STEPS:
        return {"steps": _("A method card has at most %(max)d steps.") % {"max": MAX_STEPS}}
    for number, step in enumerate(steps, start=1):
        title = step.get("title", "") if isinstance(step, dict) else ""
        if not isinstance(title, str) or not title.strip() or len(title) > 200:
            return {"steps": _("Step %(number)d needs a title of at most 200 characters.") % {"number": number}}
        if not isinstance(step.get("text", ""), str):
            return {"steps": _("The text of step %(number)d must be text.") % {"number": number}}
    return {}


def _steps_replace(method: MethodCard, steps: Sequence[dict[str, str]]) -> None:
    method.steps.all().delete()
    MethodStep.objects.bulk_create(
        MethodStep(method=method, position=number, title=step["title"].strip(), text=step.get("text", ""))
        for number, step in enumerate(steps, start=1)
    )
