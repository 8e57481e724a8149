"""Cost of a grant's days by price basis (DESIGN.md §4).

Every periodic price basis reduces to a cost per active day, which depends on the month (per month: the rate
spread over the month's days) or the year (per year: over the year's days). Multiplying by days keeps the cost
linear in days, so splitting a piece at the as-of date never changes its total.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from dispo.engine.periods import Frame, days_in_year, lazy

PRICE_BASES = ("dag", "time", "maaned", "aar", "engang")


def weight() -> pl.Expr:
    """An expected grant counts with its probability (default 1); a decided one counts whole."""
    return pl.when(pl.col("status") == "forventet").then(pl.col("probability").fill_null(1.0)).otherwise(1.0)


def cost_per_day(year: int) -> pl.Expr:
    """Kroner per active day of a piece, from its rate, price basis, hours and month."""
    basis = pl.col("price_basis")
    return (
        pl.when(basis == "dag")
        .then(pl.col("rate"))
        .when(basis == "time")
        .then(pl.col("hours_per_week").fill_null(0.0) * pl.col("rate") / 7.0)
        .when(basis == "maaned")
        .then(pl.col("rate") / pl.col("month").dt.days_in_month().cast(pl.Float64))
        .when(basis == "aar")
        .then(pl.col("rate") / float(days_in_year(year)))
        .otherwise(0.0)
    )


def priced_pieces(pieces: pl.LazyFrame, grants: Frame, year: int) -> pl.LazyFrame:
    """Month pieces with their cost to date and after, weighted by probability."""
    attributes = lazy(grants).select("grant_id", "price_basis", "hours_per_week", "status", "probability")
    per_day = cost_per_day(year) * weight()
    return pieces.join(attributes, on="grant_id", how="inner").with_columns(
        cost_to_date=per_day * pl.col("days_to_date"),
        cost_after=per_day * pl.col("days_after"),
    )


def one_off_amounts(grants: Frame, year: int, as_of: date) -> pl.LazyFrame:
    """One-off grants dated in the year: the amount in the month of its date, to date or after."""
    amount = pl.col("rate") * weight()
    dated_by_as_of = pl.col("start") <= pl.lit(as_of)
    return (
        lazy(grants)
        .filter((pl.col("price_basis") == "engang") & (pl.col("start").dt.year() == year))
        .select(
            "grant_id",
            pl.col("start").dt.month_start().alias("month"),
            pl.when(dated_by_as_of).then(amount).otherwise(0.0).alias("cost_to_date"),
            pl.when(dated_by_as_of).then(0.0).otherwise(amount).alias("cost_after"),
        )
    )
