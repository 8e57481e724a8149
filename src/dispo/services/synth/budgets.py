"""Budgets per year, target group and paragraph, close to what the world turns out to cost.

A real budget is set before the year from last year's level; it is never exact. Each line is the year's expected
cost (computed, expected grants weighted by their probability) × a factor: for the current year's calibrated
budget paragraphs the design ratio of calibration.py, otherwise a random factor within ± BUDGET_LINE_SPREAD.
Amounts are rounded to whole thousands.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from .calibration import BUDGET_LINE_SPREAD, BUDGET_RATIO
from .timeline import Timeline

CALIBRATED_GROUPS = ("handicap", "psykiatri")


def budgets(rng: np.random.Generator, rows: pl.DataFrame, pairs: pl.DataFrame, tl: Timeline, unit: str) -> pl.DataFrame:
    """budgets.csv rows for the world's three years; `pairs` maps `tp` to target_group and paragraph."""
    cost = (
        rows.group_by("year", "tp")
        .agg((pl.col("amount") * pl.col("probability")).sum().alias("cost"))
        .filter(pl.col("cost") > 0)
        .join(pairs, on="tp", how="left")
        .sort("year", "target_group", "paragraph")
    )
    spread = np.clip(rng.normal(0.0, BUDGET_LINE_SPREAD / 2, cost.height), -BUDGET_LINE_SPREAD, BUDGET_LINE_SPREAD)
    designed = (
        (pl.col("year") == tl.year)
        & pl.col("target_group").is_in(CALIBRATED_GROUPS)
        & pl.col("paragraph").is_in(list(BUDGET_RATIO))
    )
    ratio = pl.col("paragraph").replace_strict(BUDGET_RATIO, default=1.0, return_dtype=pl.Float64)
    factor = pl.when(designed).then(ratio).otherwise(1.0 + pl.Series(spread))
    return cost.select(
        pl.col("year").cast(pl.Int32),
        "target_group",
        "paragraph",
        pl.lit(unit).alias("unit_id"),
        ((pl.col("cost") * factor / 1000).round(0) * 1000).alias("amount"),
    )
