"""A saved version of a staircase model: its step names and the step of each paragraph.

Versions are never edited: a change saves a new one, with who, when and why. The newest version of a model is
the effective one; a model without versions is the shipped default (domain/data/staircases.yaml and the
paragraph catalogue's steps).
"""

from __future__ import annotations

from django.db import models


class StaircaseVersion(models.Model):
    """One saved state of a staircase model. `steps` lists the step names lowest first (step 1 is the first);
    `assignments` maps each paragraph code of the model to its step number, or to null for no step."""

    model = models.CharField(max_length=40)
    steps = models.JSONField()
    assignments = models.JSONField()
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.CharField(max_length=150)
    reason = models.TextField()

    class Meta:
        ordering = ["-saved_at", "-id"]
        indexes = [models.Index(fields=["model", "-saved_at"], name="staircase_newest_version")]

    def __str__(self) -> str:
        return f"{self.model} {self.saved_at:%Y-%m-%d %H:%M} ({self.saved_by})"
