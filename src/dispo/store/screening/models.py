"""The screening of expensive single cases: question-set versions, one registration per citizen and year, and
the aggregate files a consortium coordinator has imported from the municipalities."""

from __future__ import annotations

from django.db import models

from dispo.store.models import Citizen


class QuestionSetVersion(models.Model):
    """One version of the question set (`domain.screening.question_document`). Version 1 is the shipped set;
    an administrator's addition makes the next. A version is never changed once a registration uses it."""

    version = models.PositiveIntegerField(unique=True)
    document = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)
    reason = models.TextField()

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Spørgesæt version {self.version}"


class Screening(models.Model):
    """A citizen's registration for a year: the answers, keyed by question id, in the version they were given in."""

    class Status(models.TextChoices):
        DRAFT = "kladde", "Kladde"
        DONE = "faerdig", "Færdig"

    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="screenings")
    year = models.PositiveSmallIntegerField()
    question_set = models.ForeignKey(QuestionSetVersion, on_delete=models.PROTECT, related_name="screenings")
    answers = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["citizen", "year"], name="one_screening_per_citizen_and_year")]

    def __str__(self) -> str:
        return f"Screening {self.year} af {self.citizen}"


class ConsortiumFile(models.Model):
    """One municipality's aggregate file for a year, as imported by the coordinator; a new file for the same
    municipality and year replaces it. `content` is the file itself (no person-level field, no cell under 5)."""

    municipality = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField()
    format_version = models.PositiveSmallIntegerField()
    question_set_version = models.PositiveIntegerField()
    file_name = models.CharField(max_length=200)
    content = models.TextField()
    imported_at = models.DateTimeField(auto_now=True)
    imported_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["municipality"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="one_consortium_file_per_municipality_year")
        ]
