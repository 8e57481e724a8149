"""Budgets per year, target group and paragraph, set the way a municipality sets them.

A real budget is set before the year, from last year's level regulated by the price index; it never knows the
year's own growth in volume. So a line of an earlier year is the previous year's expected cost (computed, expected
grants weighted by their probability) × the P/L regulation × a random factor within ± BUDGET_LINE_SPREAD, and a
line without a previous year (the world's first year, or a paragraph new that year) starts from the year's own
cost. The current year's lines for the calibrated budget paragraphs follow the design ratio of calibration.py
(the seed's published budget), its other lines the year's own cost × the random factor, so that the demo shows
the budget the seed shows. Amounts are rounded to whole thousands.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from dispo.domain.price_index import price_index

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
    previous = cost.select((pl.col("year") + 1).alias("year"), "tp", pl.col("cost").alias("previous_cost"))
    cost = cost.join(previous, on=["year", "tp"], how="left").sort("year", "target_group", "paragraph")
    regulation = {year: price_index(year) / price_index(year - 1) for year in tl.years}
    spread = np.clip(rng.normal(0.0, BUDGET_LINE_SPREAD / 2, cost.height), -BUDGET_LINE_SPREAD, BUDGET_LINE_SPREAD)
    designed = (
        (pl.col("year") == tl.year)
        & pl.col("target_group").is_in(CALIBRATED_GROUPS)
        & pl.col("paragraph").is_in(list(BUDGET_RATIO))
    )
    ratio = pl.col("paragraph").replace_strict(BUDGET_RATIO, default=1.0, return_dtype=pl.Float64)
    from_last_year = (
        pl.col("previous_cost") * pl.col("year").replace_strict(regulation, return_dtype=pl.Float64) / pl.col("cost")
    )
    level = pl.when((pl.col("year") < tl.year) & pl.col("previous_cost").is_not_null()).then(from_last_year)
    factor = pl.when(designed).then(ratio).otherwise(level.otherwise(1.0) * (1.0 + pl.Series(spread)))
    return cost.select(
        pl.col("year").cast(pl.Int32),
        "target_group",
        "paragraph",
        pl.lit(unit).alias("unit_id"),
        ((pl.col("cost") * factor / 1000).round(0) * 1000).alias("amount"),
    )
