"""Summing the per-grant forecast by any dimension, with the budget beside it (DESIGN.md §4).

A summary row is always a plain sum over the grants that fall in it, so every level of the follow-up table
(area, category, paragraph, total) is computed the same way and adds up.
"""

from __future__ import annotations

import polars as pl

from dispo.engine.net import NET_COLUMNS
from dispo.engine.periods import Frame, lazy

SUMMARY_COLUMNS = (
    "budget",
    "forecast",
    "diff",
    "grants",
    "fte",
    "avg_price",
    "citizens",
    "actual_to_date",
    "remaining",
)


def summarise(ledger: Frame, by: list[str], budgets: Frame | None = None) -> pl.LazyFrame:
    """One row per combination of the `by` columns of `ledger` (the per-grant forecast with attributes).

    `grants` counts grants with an active day in the year, `citizens` the distinct citizens among them.
    `avg_price` is forecast / fte (null without årsværk). `budgets`, when given, must hold the `by` columns
    and `amount`; its lines appear even where no grant does. `diff = budget − forecast`: what is left.
    Gross-to-net columns (`NET_COLUMNS`) present in `ledger` are summed too.
    """
    active = pl.col("active")
    ledger = lazy(ledger)
    net = [c for c in NET_COLUMNS if c in ledger.collect_schema().names()]
    sums = ledger.group_by(by).agg(
        pl.col(net).sum(),
        pl.col("forecast").sum(),
        pl.col("actual_to_date").sum(),
        pl.col("remaining").sum(),
        pl.col("fte").sum(),
        active.sum().cast(pl.Int64).alias("grants"),
        pl.col("citizen_id").filter(active).n_unique().cast(pl.Int64).alias("citizens"),
    )
    if budgets is None:
        joined = sums.with_columns(budget=pl.lit(None, dtype=pl.Float64))
    else:
        budget = lazy(budgets).group_by(by).agg(pl.col("amount").sum().alias("budget"))
        joined = sums.join(budget, on=by, how="full", coalesce=True, nulls_equal=True)
    zero = {
        **dict.fromkeys(net, 0.0),
        "forecast": 0.0,
        "actual_to_date": 0.0,
        "remaining": 0.0,
        "fte": 0.0,
        "grants": 0,
        "citizens": 0,
    }
    return (
        joined.with_columns(pl.col(name).fill_null(value) for name, value in zero.items())
        .with_columns(
            diff=pl.col("budget") - pl.col("forecast"),
            avg_price=pl.when(pl.col("fte") > 0).then(pl.col("forecast") / pl.col("fte")),
        )
        .select(*by, *SUMMARY_COLUMNS, *net)
        .sort(by, nulls_last=True)
    )


def in_year(ledger: Frame) -> pl.LazyFrame:
    """The grants that matter for a year: active in it, or with money in it (e.g. paid after the end)."""
    return lazy(ledger).filter(pl.col("active") | (pl.col("forecast") != 0))
