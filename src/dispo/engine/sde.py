"""The state reimbursement for expensive single cases (særligt dyre enkeltsager), month by month.

Serviceloven § 176 / barnets lov § 198: each month, the part of the month's net expense above 1/12 of each
yearly threshold is reimbursed at that step's share. One-off expenses are spread evenly over the year's 12
months first. Computing per month rather than per year matters: uneven expenses are reimbursed more
(DESIGN.md §4; the cases in tests/data/scenarios/reimbursement.yaml).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl


def reimbursement_of(expense: pl.Expr, thresholds: Sequence[float], shares: Sequence[float]) -> pl.Expr:
    """Reimbursement of one month's net `expense` against yearly `thresholds` with `shares` per step.

    The steps are marginal: share i applies to the part of the month's expense between threshold i and
    threshold i+1 (the last step has no ceiling).
    """
    monthly = [t / 12.0 for t in thresholds]
    ceilings = [*monthly[1:], None]
    total = pl.lit(0.0)
    for floor, ceiling, share in zip(monthly, ceilings, shares, strict=True):
        above = (expense - floor).clip(lower_bound=0.0)
        band = above if ceiling is None else above.clip(upper_bound=ceiling - floor)
        total = total + band * share
    return total


def monthly_reimbursement(
    expenses: pl.LazyFrame,
    thresholds: Sequence[float],
    shares: Sequence[float],
    key: str = "citizen_id",
) -> pl.LazyFrame:
    """Per `key` and month: the net expense (with its share of the year's one-offs) and the reimbursement.

    `expenses` has columns `key`, `month` (a date in the month) and `expense`, plus an optional `one_off`
    (an expense not tied to a month, spread as 1/12 over every month of the year). Months of the year in which
    the key has no row but one-offs exist are filled in, so the spread reaches all twelve.
    """
    columns = expenses.collect_schema().names()
    if "one_off" not in columns:
        expenses = expenses.with_columns(one_off=pl.lit(0.0))
    spread = (
        expenses.group_by(key)
        .agg(pl.col("one_off").sum() / 12.0, pl.col("month").min().dt.year().alias("year"))
        .with_columns(month=pl.date_ranges(pl.date(pl.col("year"), 1, 1), pl.date(pl.col("year"), 12, 1), "1mo"))
        .explode("month")
        .select(key, "month", pl.col("one_off").alias("spread"))
    )
    monthly = expenses.group_by(key, pl.col("month").dt.month_start()).agg(pl.col("expense").sum())
    return (
        spread.join(monthly, on=[key, "month"], how="left")
        .with_columns(expense=pl.col("expense").fill_null(0.0) + pl.col("spread"))
        .with_columns(reimbursement=reimbursement_of(pl.col("expense"), thresholds, shares))
        .select(key, "month", "expense", "reimbursement")
    )
