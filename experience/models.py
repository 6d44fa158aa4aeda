"""Experience reports: a lab tells the network how a method went when it used it, and what it learnt.

A report names its method by IRI (any method of the network, mirrored or this node's own) and may
name the event it was used at. It is kept whether or not this node holds that method yet, and counted
from the start: the figures are keyed by the method's IRI (``MethodExperience``), so they are there
when the method arrives. Reports travel as signed ``ExperienceReport`` documents like every item.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hub.choices import License, StaircaseStep, TargetGroup
from hub.models import FederatedItem, Lab
from hub.validators import ChoiceList, http_url

TEXT_MAX = 5000
MOST_PARTICIPANTS = 100_000
MINUTES_IN_A_WEEK = 7 * 24 * 60
FIT_LOWEST, FIT_HIGHEST = 1, 5
WORKED_FIT = 4  # a report "worked with" the target groups it reached when its fit is at least this


class Fit(models.IntegerChoices):
    """How well the method fitted, as the lab judged it afterwards (1 not at all … 5 very well)."""

    NOT_AT_ALL = 1, _("1 – did not fit")
    POORLY = 2, _("2 – fitted poorly")
    PARTLY = 3, _("3 – fitted in part")
    WELL = 4, _("4 – fitted well")
    VERY_WELL = 5, _("5 – fitted very well")


class ExperienceReport(FederatedItem):
    """One lab's experience with one method on one day: who came, what worked, what to watch out for."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    method_iri = models.URLField(_("method (IRI)"), max_length=300, validators=[http_url])
    event_iri = models.URLField(_("event (IRI)"), max_length=300, blank=True, validators=[http_url])
    lab = models.ForeignKey(
        Lab,
        to_field="iri",
        db_column="lab_iri",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="experience_reports",
        verbose_name=_("lab"),
    )
    date = models.DateField(_("date the method was used"))
    participants = models.PositiveIntegerField(
        _("participants"), validators=[MaxValueValidator(MOST_PARTICIPANTS)]
    )
    target_groups = models.JSONField(
        _("target groups reached"), default=list, blank=True, validators=[ChoiceList(TargetGroup)]
    )
    time_needed = models.PositiveIntegerField(
        _("time actually needed (minutes)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MINUTES_IN_A_WEEK)],
    )
    adapted = models.TextField(_("what was adapted"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    worked = models.TextField(_("what worked"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    watch_out = models.TextField(_("what to watch out for"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    fit = models.PositiveSmallIntegerField(
        _("fit"), choices=Fit.choices, validators=[MinValueValidator(FIT_LOWEST), MaxValueValidator(FIT_HIGHEST)]
    )
    staircase_step = models.PositiveSmallIntegerField(
        _("highest step on the impact staircase"), choices=StaircaseStep.choices,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    license = models.CharField(_("licence"), max_length=100, choices=License.choices, default=License.BY_SA)

    class Meta:
        verbose_name = _("experience report")
        verbose_name_plural = _("experience reports")
        ordering = ["-date", "-pk"]
        indexes = [
            # The method page's latest reports, and the recount of one method's figures.
            models.Index(fields=["method_iri", "date", "id"], name="report_method_date"),
            models.Index(fields=["lab", "date"], name="report_lab_date"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """How pages name a report: by the day the method was used."""
        day = date_format(self.date, "DATE_FORMAT") if self.date else "?"
        return gettext("Experience report of %(date)s") % {"date": day}

    @property
    def anchor(self) -> str:
        """The id of the report's heading where pages show it in full."""
        return f"report-{self.uuid}"


class Audience(models.TextChoices):
    """Who may see a set of figures: everyone (public reports of public labs), or peers and staff (network ones too)."""

    PUBLIC = "public", _("Everyone")
    NETWORK = "network", _("The network")


class MethodExperience(models.Model):
    """The figures of the reports about one method, for one audience, kept up to date on every write and mirror.

    One row per method IRI and audience that has at least one report; no row means no report. Rows
    are counted again (``experience.services.method_experience_recount``) in the transaction that
    writes, mirrors, updates or removes a report about the method, never per request.
    """

    method_iri = models.URLField(max_length=300)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    reports = models.PositiveIntegerField(default=0)
    labs = models.PositiveIntegerField(default=0)
    lab_iris = models.JSONField(default=list, help_text="The labs that reported; their cities are read when shown.")
    participants = models.PositiveBigIntegerField(default=0)
    fit_counts = models.JSONField(default=list, help_text="Reports per fit, 1 to 5.")
    median_fit = models.FloatField(null=True)
    target_groups = models.JSONField(default=dict, help_text="Reports reaching each target group.")
    worked_groups = models.JSONField(default=list, help_text="Target groups reached by a report with fit 4 or 5.")
    staircase = models.JSONField(default=dict, help_text="Reports per highest staircase step, 1 to 7.")
    latest = models.DateField(null=True)
    counted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("experience with a method")
        verbose_name_plural = _("experience with methods")
        constraints = [
            models.UniqueConstraint(fields=["method_iri", "audience"], name="method_experience_once"),
        ]
        indexes = [models.Index(fields=["audience", "labs"], name="experience_audience_labs")]

    def __str__(self) -> str:
        return f"{self.method_iri} ({self.audience}): {self.reports} reports"
