"""Inhabitants on the first day of a quarter, as Danmarks Statistik's FOLK1A counts them."""

from __future__ import annotations

from django.db import models


class Population(models.Model):
    """The number of inhabitants of one age (and sex, when the table has it) in a municipality on the first day
    of a quarter. `sex` is blank when the imported table counted both sexes together."""

    municipality = models.CharField(max_length=3)
    area_name = models.CharField(max_length=200)
    age = models.PositiveSmallIntegerField()
    sex = models.CharField(max_length=1, blank=True, choices=[("M", "Mænd"), ("K", "Kvinder")])
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(help_text="1-4: the population on the first day of the quarter")
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "quarter", "age", "sex"], name="population_one_count_per_cell"
            )
        ]
        indexes = [models.Index(fields=["municipality", "year"], name="population_municipality_year")]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}K{self.quarter} {self.age} år {self.sex}: {self.count}"
