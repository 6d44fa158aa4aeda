"""Method cards: reusable ways of working that labs share and adapt."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.choices import Difficulty, License, Phase, TargetGroup
from hub.models import FederatedItem, Lab
from hub.search import SearchIndex
from hub.validators import ChoiceList, TextList, http_url, http_url_list, language_tag

MINUTES_IN_A_WEEK = 7 * 24 * 60
LARGEST_GROUP = 10_000


class MethodCard(FederatedItem):
    """A method as a card: what it is for, how long it takes, who is needed, and its steps."""

    # Must say exactly what the generated column of migration 0002_search says.
    search_index = SearchIndex(
        fts_table="methods_methodcard_fts",
        english_sql="({alias}.\"language\" = 'en' OR {alias}.\"language\" LIKE 'en-%%')",
    )

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in the address"), max_length=120)
    language = models.CharField(_("language"), max_length=12, default="de", validators=[language_tag])
    summary = models.TextField(_("what and what for"))
    added_value = models.TextField(_("added value"), blank=True)
    body = models.TextField(_("description (Markdown)"), blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    duration_min = models.PositiveIntegerField(
        _("shortest duration (minutes)"), null=True, blank=True, validators=[MaxValueValidator(MINUTES_IN_A_WEEK)]
    )
    duration_max = models.PositiveIntegerField(
        _("longest duration (minutes)"), null=True, blank=True, validators=[MaxValueValidator(MINUTES_IN_A_WEEK)]
    )
    difficulty = models.CharField(_("difficulty"), max_length=10, choices=Difficulty.choices, blank=True)
    group_size_min = models.PositiveIntegerField(
        _("smallest group"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(LARGEST_GROUP)]
    )
    group_size_max = models.PositiveIntegerField(
        _("largest group"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(LARGEST_GROUP)]
    )
    materials = models.JSONField(_("materials"), default=list, blank=True, validators=[TextList()])
    roles = models.JSONField(_("roles"), default=list, blank=True, validators=[TextList()])
    tips = models.TextField(_("tips"), blank=True)
    background = models.TextField(_("background note"), blank=True)
    target_groups = models.JSONField(
        _("target groups"), default=list, blank=True, validators=[ChoiceList(TargetGroup)]
    )
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    license = models.CharField(_("licence"), max_length=100, choices=License.choices, default=License.BY_SA)
    lab = models.ForeignKey(
        Lab,
        to_field="iri",
        db_column="lab_iri",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="methods",
        verbose_name=_("authoring lab"),
    )
    based_on = models.URLField(
        _("based on (IRI of the adapted method)"), max_length=300, blank=True, validators=[http_url]
    )
    translations = models.JSONField(
        _("translations (IRIs of the same method in other languages)"),
        default=list,
        blank=True,
        validators=[http_url_list],
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True, validators=[TextList(max_length=80)])
    source = models.URLField(_("source"), max_length=500, blank=True, validators=[http_url])

    class Meta:
        verbose_name = _("method card")
        verbose_name_plural = _("method cards")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["origin", "slug"], name="method_unique_slug_per_origin"),
        ]
        # The catalog's pages: counting a visibility's cards and reading them by title without a sort.
        indexes = [models.Index(fields=["visibility", "title", "id"], name="method_listed")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """Refuse ranges whose minimum lies above their maximum."""
        errors = {}
        if _inverted(self.duration_min, self.duration_max):
            errors["duration_max"] = _("The longest duration must not be shorter than the shortest.")
        if _inverted(self.group_size_min, self.group_size_max):
            errors["group_size_max"] = _("The largest group must not be smaller than the smallest.")
        if errors:
            raise ValidationError(errors)


def _inverted(low: int | None, high: int | None) -> bool:
    return low is not None and high is not None and low > high


class MethodStep(models.Model):
    """One step of a method card, in order."""

    method = models.ForeignKey(MethodCard, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["method", "position"]
        constraints = [
            models.UniqueConstraint(fields=["method", "position"], name="step_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"
