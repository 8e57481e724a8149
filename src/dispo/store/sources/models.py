"""The source systems' exports kept for the ottetals-kontrol, their data quality over time, and KL's checklist.

An extract is one imported file of one kind of source (case, settlement or finance system); its lines are the
normalised rows of `dispo.services.source_lines` — postings of the finance system are lines of its extract, so
the three sources share one table and one comparison. No CPR number is stored here: only the keyed pseudonym
(the join key) and the masked form.
"""

from __future__ import annotations

from django.db import models

KIND_CHOICES = [("case", "Fagsystem"), ("settlement", "Afregningssystem"), ("finance", "Økonomisystem")]


class SourceExtract(models.Model):
    """One imported export. `current` marks the extract the ottetals-kontrol uses for its kind; an older one keeps
    its quality measurement (the series over time) but not its lines."""

    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    profile = models.CharField(max_length=100)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    problem_rows = models.PositiveIntegerField(default=0)
    imported_by = models.CharField(max_length=150)
    imported_at = models.DateTimeField()
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        indexes = [models.Index(fields=["kind", "current"], name="sources_extract_kind_current")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name} ({self.imported_at:%Y-%m-%d})"


class SourceLine(models.Model):
    """One normalised row of an extract (`dispo.services.source_lines.LINE`); `problem` marks a row with a
    problem in the export, which counts in the data quality but not in the comparison."""

    extract = models.ForeignKey(SourceExtract, on_delete=models.CASCADE, related_name="lines")
    row = models.PositiveIntegerField()
    citizen = models.CharField(max_length=64, blank=True)
    cpr_masked = models.CharField(max_length=11, blank=True)
    paragraph = models.CharField(max_length=20, blank=True)
    account_function = models.CharField(max_length=10, blank=True)
    provider = models.CharField(max_length=64, blank=True)
    start = models.DateField(null=True)
    end = models.DateField(null=True)
    price_basis = models.CharField(max_length=10, blank=True)
    rate = models.FloatField(null=True)
    hours_per_week = models.FloatField(null=True)
    month = models.CharField(max_length=7, blank=True)
    amount = models.FloatField(null=True)
    reference = models.CharField(max_length=64, blank=True)
    problem = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["extract", "row"], name="sources_line_extract_row")]


class QualityMeasurement(models.Model):
    """The data quality of one extract, measured when it was imported (docs/reconciliation.md defines each
    count and the score): one point of its source's series over time."""

    extract = models.OneToOneField(SourceExtract, on_delete=models.CASCADE, related_name="quality")
    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    measured_on = models.DateField()
    rows = models.PositiveIntegerField()
    problem_rows = models.PositiveIntegerField()
    duplicate_rows = models.PositiveIntegerField()
    unknown_paragraphs = models.PositiveIntegerField()
    without_citizen = models.PositiveIntegerField()
    unmatched_citizens = models.PositiveIntegerField()
    clean_rows = models.PositiveIntegerField()
    score = models.FloatField()

    class Meta:
        ordering = ["kind", "measured_on", "pk"]


class ChecklistStatus(models.Model):
    """The municipality's own status on one of KL's eight steps (`dispo.domain.checklist`)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Ikke startet"
        IN_PROGRESS = "in_progress", "I gang"
        DONE = "done", "Færdig"

    step = models.PositiveSmallIntegerField(unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    responsible = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    updated_by = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"Trin {self.step}: {self.get_status_display()}"
