"""The monthly budget follow-up (budgetopfølgning) as an immutable snapshot (DESIGN.md §3, "History").

A follow-up freezes the forecast as of a date: one `FollowUpGrant` per grant (its terms and figures at that
moment, enough to explain any later change without the live ledger) and one `FollowUpLine` per line of the
follow-up table (its figures and the change since the previous follow-up). Nothing here is ever updated after
approval; figures are floats so that the frozen sums are exactly the engine's unrounded sums.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FollowUp(models.Model):
    """One follow-up of a year as of a date. `previous` is the approved follow-up of the same year it was
    compared with when it was made (none for the year's first): the change columns are against it."""

    class Status(models.TextChoices):
        DRAFT = "kladde", "Kladde"
        APPROVED = "godkendt", "Godkendt"

    year = models.IntegerField()
    as_of = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next")
    ledger_version = models.CharField(max_length=32, blank=True)
    replayed = models.BooleanField(
        default=False, help_text="frozen after the fact from the ledger as it was known on as_of, not as it stood"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="followups_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="followups_approved"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-as_of"]
        constraints = [models.UniqueConstraint(fields=["year", "as_of"], name="one_followup_per_year_and_date")]

    def __str__(self) -> str:
        return f"Budgetopfølgning {self.year} pr. {self.as_of:%d-%m-%Y}"

    @property
    def approved(self) -> bool:
        return self.status == self.Status.APPROVED


class FollowUpGrant(models.Model):
    """One grant as it stood in a follow-up: its terms and attributes, and its figures for the year.

    `computed` is what the grant's terms give for the whole year (every month computed, none booked), so
    `forecast − computed` is what the payments booked differ from the terms; `active_days` counts the grant's
    active days in the year unweighted (a one-off dated in the year counts 1)."""

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="grants")
    grant_id = models.CharField(max_length=64)
    citizen_id = models.CharField(max_length=64)
    target_group = models.CharField(max_length=20)
    category = models.CharField(max_length=100, blank=True)
    paragraph = models.CharField(max_length=16)
    step = models.IntegerField(null=True, blank=True)
    provider_id = models.CharField(max_length=64, blank=True)
    provider_type = models.CharField(max_length=20, blank=True)
    unit_id = models.CharField(max_length=64, blank=True)
    caseworker_id = models.CharField(max_length=64, blank=True)
    price_basis = models.CharField(max_length=10)
    rate = models.FloatField()
    hours_per_week = models.FloatField(null=True, blank=True)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10)
    probability = models.FloatField(null=True, blank=True)
    active = models.BooleanField()
    active_days = models.FloatField()
    computed = models.FloatField()
    actual_to_date = models.FloatField()
    remaining = models.FloatField()
    forecast = models.FloatField()
    fte = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["followup", "grant_id"], name="one_snapshot_row_per_grant")]


class FollowUpLine(models.Model):
    """One line of a follow-up's table (total, area, category or paragraph) with its change since the previous
    follow-up split into its parts (`dispo.engine.changes`), and the controller's comment on it.

    The change columns are null in the year's first follow-up: there is nothing to compare with."""

    class Level(models.TextChoices):
        TOTAL = "total", "I alt"
        AREA = "area", "Målgruppe"
        CATEGORY = "category", "Kategori"
        PARAGRAPH = "paragraph", "Paragraf"

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="lines")
    position = models.IntegerField()
    level = models.CharField(max_length=10, choices=Level.choices)
    target_group = models.CharField(max_length=20, blank=True)
    category = models.CharField(max_length=100, blank=True)
    paragraph = models.CharField(max_length=16, blank=True)
    label = models.CharField(max_length=200)
    budget = models.FloatField(null=True, blank=True)
    forecast = models.FloatField()
    diff = models.FloatField(null=True, blank=True)
    grants = models.IntegerField()
    fte = models.FloatField()
    avg_price = models.FloatField(null=True, blank=True)
    citizens = models.IntegerField()
    actual_to_date = models.FloatField()
    remaining = models.FloatField()
    previous_forecast = models.FloatField(null=True, blank=True)
    change = models.FloatField(null=True, blank=True)
    change_new = models.FloatField(null=True, blank=True)
    change_ended = models.FloatField(null=True, blank=True)
    change_price = models.FloatField(null=True, blank=True)
    change_period = models.FloatField(null=True, blank=True)
    change_expected = models.FloatField(null=True, blank=True)
    change_payments = models.FloatField(null=True, blank=True)
    change_moved = models.FloatField(null=True, blank=True)
    comment = models.TextField(blank=True)
    commented_by = models.CharField(max_length=150, blank=True)
    commented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["followup", "position"]
        constraints = [models.UniqueConstraint(fields=["followup", "position"], name="one_line_per_position")]
