"""The forecast for year Y as of date d (DESIGN.md §4), per grant and per service month.

A service month whose payments were booked on or before d counts with what was booked; every other month with
its computed cost, split at d into actual to date and remaining. The month table is the forecast's trace: any
figure summed from it can be explained month by month.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from dispo.engine.cost import one_off_amounts, priced_pieces, weight
from dispo.engine.periods import Frame, days_in_year, lazy, month_pieces

MONTH_COLUMNS = (
    "grant_id",
    "month",
    "days",
    "active_days",
    "computed",
    "booked",
    "actual_to_date",
    "remaining",
    "forecast",
    "own_payment",
)
GRANT_COLUMNS = ("grant_id", "actual_to_date", "remaining", "forecast", "fte")


def computed_months(grants: Frame, rates: Frame, year: int, as_of: date) -> pl.LazyFrame:
    """Per grant and month: active days (weighted), computed cost to date and after, own payment."""
    pieces = priced_pieces(month_pieces(grants, rates, year, as_of), grants, year)
    own = lazy(grants).select("grant_id", pl.col("own_payment").fill_null(0.0).alias("own_rate"))
    periodic = (
        pieces.join(own, on="grant_id", how="left")
        .with_columns(
            active_days=pl.col("days").cast(pl.Float64),
            weighted_days=pl.col("days") * weight(),
            own_payment=pl.col("own_rate")
            / pl.col("month").dt.days_in_month().cast(pl.Float64)
            * pl.col("days")
            * weight(),
        )
        .group_by("grant_id", "month")
        .agg(
            pl.col("weighted_days").sum().alias("days"),
            pl.col("active_days").sum(),
            pl.col("cost_to_date").sum(),
            pl.col("cost_after").sum(),
            pl.col("own_payment").sum(),
        )
    )
    # A one-off is active on its date but has no årsværk: it counts in kroner only.
    one_offs = one_off_amounts(grants, year, as_of).with_columns(
        days=pl.lit(0.0), active_days=pl.lit(1.0), own_payment=pl.lit(0.0)
    )
    return pl.concat([periodic, one_offs.select(periodic.collect_schema().names())])


def booked_months(payments: Frame, year: int, as_of: date) -> pl.LazyFrame:
    """Per grant and service month of the year: the sum of payments and corrections booked by `as_of`."""
    month = pl.col("service_month").str.to_date("%Y-%m")
    return (
        lazy(payments)
        .filter((pl.col("booked_on") <= pl.lit(as_of)) & pl.col("service_month").str.starts_with(str(year)))
        .group_by("grant_id", month.alias("month"))
        .agg(pl.col("amount").sum().alias("booked"))
    )


def forecast_months(grants: Frame, payments: Frame, rates: Frame, year: int, as_of: date) -> pl.LazyFrame:
    """The forecast's month table: one row per grant and service month that has days or bookings."""
    booked = pl.col("booked").is_not_null()
    return (
        computed_months(grants, rates, year, as_of)
        .join(booked_months(payments, year, as_of), on=["grant_id", "month"], how="full", coalesce=True)
        .with_columns(
            pl.col("days").fill_null(0.0),
            pl.col("active_days").fill_null(0.0),
            pl.col("own_payment").fill_null(0.0),
            computed=pl.col("cost_to_date").fill_null(0.0) + pl.col("cost_after").fill_null(0.0),
            actual_to_date=pl.when(booked).then("booked").otherwise(pl.col("cost_to_date").fill_null(0.0)),
            remaining=pl.when(booked).then(0.0).otherwise(pl.col("cost_after").fill_null(0.0)),
        )
        .with_columns(forecast=pl.col("actual_to_date") + pl.col("remaining"))
        .select(MONTH_COLUMNS)
    )


def per_grant(months: pl.LazyFrame, grants: Frame, year: int) -> pl.LazyFrame:
    """Sum a month table per grant; every grant of `grants` gets a row, zero where it has nothing."""
    sums = months.group_by("grant_id").agg(
        pl.col("actual_to_date").sum(),
        pl.col("remaining").sum(),
        pl.col("forecast").sum(),
        (pl.col("days").sum() / float(days_in_year(year))).alias("fte"),
        (pl.col("active_days").sum() > 0).alias("active"),
    )
    return (
        lazy(grants)
        .select("grant_id")
        .join(sums, on="grant_id", how="left", maintain_order="left")
        .with_columns(pl.col(c).fill_null(0.0) for c in GRANT_COLUMNS[1:])
        .with_columns(pl.col("active").fill_null(False))
    )


def forecast_grants(grants: Frame, payments: Frame, rates: Frame, year: int, as_of: date) -> pl.DataFrame:
    """Per grant: actual_to_date, remaining, forecast (kr., unrounded), fte (årsværk) for `year`, and
    `active`: whether the grant has at least one active day in the year (what "Antal indsatser" counts)."""
    months = forecast_months(grants, payments, rates, year, as_of)
    return per_grant(months, grants, year).collect()
