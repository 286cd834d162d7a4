"""Network analytics: the switch, raw interaction edges (kept for a while), aggregates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_MIN_GROUP = 5
DEFAULT_RETENTION_DAYS = 90


class AnalyticsSettings(models.Model):
    """One row (pk=1): whether analytics record and compute anything, and their limits.

    Changed only through ``hanse.analytics.services`` (each change is written to the audit
    log with its reason). The ``view_analytics`` permission is the analytics role."""

    enabled = models.BooleanField(_("enabled"), default=False)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Only ever raised: a smaller group would make earlier published figures re-identifiable.
    min_group = models.PositiveSmallIntegerField(_("minimum group size"), default=DEFAULT_MIN_GROUP)
    retention_days = models.PositiveSmallIntegerField(
        _("days raw interactions are kept"), default=DEFAULT_RETENTION_DAYS
    )

    class Meta:
        verbose_name = _("analytics settings")
        verbose_name_plural = _("analytics settings")
        permissions = [("view_analytics", _("Can see network analytics"))]

    def __str__(self) -> str:
        return str(_("Network analytics"))


class InteractionEdge(models.Model):
    """Two people interacted on a day (``a_id < b_id``): raw, deleted after the retention."""

    kind = models.CharField(max_length=32)
    a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "a", "b", "day"], name="analytics_edge_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day}"


class Aggregate(models.Model):
    """One figure of one period: a measure for the organisation, a unit or a pair of units.

    ``people`` is how many distinct people the figure is derived from; suppression reads it
    (hanse/analytics/suppression.py). Never a person's id: keys are unit ids or ""."""

    class Period(models.TextChoices):
        WEEK = "week", _("Week")
        MONTH = "month", _("Month")

    period = models.CharField(max_length=5, choices=Period.choices)
    start = models.DateField()
    dimension = models.CharField(max_length=12)  # org, department, branch, region, community
    measure = models.CharField(max_length=32)
    # A unit's id, or for searches without results the words searched for.
    key = models.CharField(max_length=100, blank=True, default="")
    key2 = models.CharField(max_length=32, blank=True, default="")
    value = models.FloatField()
    people = models.PositiveIntegerField()
    # Withheld by small-group suppression (hanse/analytics/suppression.py); set after every
    # computation and whenever the minimum group is raised. Hidden rows are never shown.
    hidden = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "start", "dimension", "measure", "key", "key2"],
                name="analytics_aggregate_once",
            ),
        ]
        indexes = [models.Index(fields=["period", "dimension", "start"])]

    def __str__(self) -> str:
        return f"{self.period} {self.start} {self.dimension} {self.measure}"


class MissedSearch(models.Model):
    """Someone searched for ``text`` in ``month`` and found nothing: one row per person,
    month and text, for counting distinct people. ``searcher`` is a keyed hash of the month
    and the person (never their id, different every month); the rows are deleted with the raw
    edges once their month is folded into its aggregates."""

    month = models.DateField(db_index=True)
    text = models.CharField(max_length=100)
    searcher = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "text", "searcher"], name="analytics_missed_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.text}"


class EdgeDay(models.Model):
    """Who had at least one interaction on a day: a bitmask of person ids (hex), derived from
    the raw edges of that day for the daily computation (hanse/analytics/state.py). Deleted
    with the day's raw edges (retention) and whenever a person is erased (rebuilt from the
    edges by the next run)."""

    day = models.DateField(unique=True)
    people = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return self.day.isoformat()


class PeriodState(models.Model):
    """How far a week's or month's aggregates were computed (raw edges of days before
    ``through``) and, while the period is open, the condensed state the next day's edges are
    added to (JSON, hanse/analytics/state.py: per unit kind the interactions between units
    and bitmasks of who met which unit). Emptied once the period is complete; deleted with
    the period's raw edges and whenever a person is erased."""

    period = models.CharField(max_length=5, choices=Aggregate.Period.choices)
    start = models.DateField()
    through = models.DateField()
    data = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "start"], name="analytics_state_once"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.start} .. {self.through}"


class LateDay(models.Model):
    """An interaction was recorded for a day before today (an event's co-attendance recorded
    afterwards): the next daily run recomputes that day's week and month in full."""

    day = models.DateField()

    def __str__(self) -> str:
        return self.day.isoformat()
