"""The MethodCard document (a subclass of schema:HowTo)."""

from __future__ import annotations

from typing import Any

from federation.codecs.common import (
    Decoded,
    item_header,
    last_segment,
    read_header,
    read_lab,
    uuid_of,
)
from federation.codecs.shape import (
    MAX_URL,
    DocumentError,
    Reader,
    allowed_values,
    compact,
    raise_if_inconsistent,
)
from hub.choices import Difficulty, License, Phase, TargetGroup
from methods.models import MINUTES_IN_A_WEEK, MethodCard

MAX_STEPS = 50
# The controlled lists as sets, made once (``Choices.values`` builds a new list on every access).
PHASES = allowed_values(Phase.values)
DIFFICULTIES = allowed_values(Difficulty.values)
TARGET_GROUPS = allowed_values(TargetGroup.values)
LICENSES = allowed_values(License.values)
STEP_TYPES = allowed_values(["HowToStep"])


def method_to_document(method: MethodCard, steps: list | None = None) -> dict[str, Any]:
    """A method card as its compact JSON-LD document (without proof)."""
    steps = list(method.steps.all()) if steps is None else steps
    return item_header(method, "MethodCard") | compact(
        {
            "name": method.title,
            "inLanguage": [method.language],
            "description": method.summary,
            "addedValue": method.added_value,
            "text": method.body,
            "phase": method.phase,
            "minDuration": method.duration_min,
            "maxDuration": method.duration_max,
            "difficulty": method.difficulty,
            "minGroupSize": method.group_size_min,
            "maxGroupSize": method.group_size_max,
            "materials": method.materials,
            "roles": method.roles,
            "step": [
                compact({"type": "HowToStep", "position": number, "name": step.title, "text": step.text})
                for number, step in enumerate(steps, start=1)
            ],
            "tips": method.tips,
            "background": method.background,
            "targetGroup": method.target_groups,
            "accessibilityNote": method.accessibility_notes,
            "license": method.license,
            "creator": method.lab_id,
            "isBasedOn": method.based_on,
            "workTranslation": method.translations,
            "keywords": method.keywords,
            "source": method.source,
        }
    )


def method_from_document(reader: Reader) -> Decoded:
    """A method card's model fields and steps from its document."""
    decoded = read_header(reader, "MethodCard")
    languages = reader.languages("inLanguage", max_items=1) or ["de"]
    decoded.fields |= {
        "uuid": uuid_of(decoded.iri),
        "slug": last_segment(decoded.iri),
        "title": reader.text("name", required=True, max_length=200),
        "language": languages[0],
        "summary": reader.text("description", required=True),
        "added_value": reader.text("addedValue"),
        "body": reader.text("text"),
        "phase": reader.choice("phase", PHASES, required=True),
        "duration_min": reader.integer("minDuration", maximum=MINUTES_IN_A_WEEK),
        "duration_max": reader.integer("maxDuration", maximum=MINUTES_IN_A_WEEK),
        "difficulty": reader.choice("difficulty", DIFFICULTIES),
        "group_size_min": reader.integer("minGroupSize", minimum=1, maximum=10000),
        "group_size_max": reader.integer("maxGroupSize", minimum=1, maximum=10000),
        "materials": reader.texts("materials", max_items=50),
        "roles": reader.texts("roles", max_items=50),
        "tips": reader.text("tips"),
        "background": reader.text("background"),
        "target_groups": reader.choices("targetGroup", TARGET_GROUPS),
        "accessibility_notes": reader.text("accessibilityNote"),
        "license": reader.choice("license", LICENSES, required=True),
        "lab_id": read_lab(reader, "creator", decoded.origin_iri),
        "based_on": reader.iri("isBasedOn"),
        "translations": reader.iris("workTranslation"),
        "keywords": reader.texts("keywords", max_items=50, max_length=80),
        "source": reader.iri("source", max_length=MAX_URL),
    }
    raise_if_inconsistent(MethodCard, decoded.fields)
    decoded.related["steps"] = [_read_step(step, number) for number, step in enumerate(reader.objects("step", max_items=MAX_STEPS), 1)]
    reader.finish()
    return decoded


def _read_step(step: Reader, number: int) -> dict[str, str]:
    step.choice("type", STEP_TYPES, required=True)
    if step.integer("position", required=True, minimum=1, maximum=MAX_STEPS) != number:
        raise DocumentError(f"{step.where}.position must be {number}: steps are listed in order")
    result = {"title": step.text("name", required=True, max_length=200), "text": step.text("text")}
    step.finish()
    return result
