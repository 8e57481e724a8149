"""The dates that let a past forecast be replayed from only what was known then (engine.knowledge)."""

from __future__ import annotations

from django.db import models


class KnownDates(models.Model):
    """The day a grant entered the ledger (its decision; for an expected grant its registration) and the day its
    end became known — blank while the grant runs until further notice."""

    grant = models.OneToOneField("store.Grant", on_delete=models.CASCADE, related_name="known_dates")
    known_on = models.DateField()
    end_known_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.grant_id}: kendt {self.known_on}, slut kendt {self.end_known_on or '–'}"
