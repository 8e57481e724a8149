"""The domain's paragraph catalogue and target groups as tables the engine can join on."""

from __future__ import annotations

from functools import cache

import polars as pl

from dispo.domain.paragraphs import catalogue
from dispo.domain.target_groups import target_groups


@cache
def paragraph_table() -> pl.DataFrame:
    """One row per paragraph code: label fields, category, account function, SDE flag, group."""
    rows = [
        {
            "paragraph": p.code,
            "paragraph_group": p.group,
            "category": p.category,
            "account_function": p.account_function,
            "sde": p.sde,
        }
        for p in catalogue().values()
    ]
    return pl.DataFrame(rows)


@cache
def step_table() -> pl.DataFrame:
    """The default staircase step of each paragraph per target group (through its staircase model)."""
    rows = [
        {"paragraph": p.code, "target_group": g.code, "step": p.steps.get(g.staircase_model)}
        for p in catalogue().values()
        for g in target_groups().values()
    ]
    return pl.DataFrame(rows, schema={"paragraph": pl.String, "target_group": pl.String, "step": pl.Int32})
