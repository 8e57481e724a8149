"""The forecast for year Y as of date d (DESIGN.md §4), per grant and per service month.

A service month whose payments were booked on or before d counts with what was booked; every other month with
its computed cost, split at d into actual to date and remaining. The month table is the forecast's trace: any
figure summed from it can be explained month by month.

Speed (DESIGN.md §7: all 98 municipalities in seconds): only grants with a day in the year are cut into pieces,
and the month table is built on a compact integer key per grant, turned back into `grant_id` at the end, so
that its joins and groupings hash numbers rather than strings.
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


def grants_in_year(grants: Frame, year: int) -> pl.LazyFrame:
    """The grants with at least one day in `year` (one-offs dated in it included): the only ones with a
    computed cost in it. Most of a three-year ledger has ended before the year starts."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return lazy(grants).filter((pl.col("start") <= last) & (pl.col("end").is_null() | (pl.col("end") >= first)))


def computed_months(grants: Frame, rates: Frame, year: int, as_of: date) -> pl.LazyFrame:
    """Per grant and month: active days (weighted), computed cost to date and after, own payment."""
    grants = grants_in_year(grants, year)
    rates = lazy(rates).filter(pl.col("valid_from") <= date(year, 12, 31))
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
    return _per_service_month(_booked_rows(payments, year, as_of))


def _booked_rows(payments: Frame, year: int, as_of: date) -> pl.LazyFrame:
    """The payments and corrections for service months of the year booked by `as_of`."""
    of_year = pl.col("service_month").str.starts_with(str(year))
    return lazy(payments).filter((pl.col("booked_on") <= pl.lit(as_of)) & of_year)


def _per_service_month(rows: pl.LazyFrame) -> pl.LazyFrame:
    month = pl.col("service_month").str.to_date("%Y-%m")
    return rows.group_by("grant_id", month.alias("month")).agg(pl.col("amount").sum().alias("booked"))


def keyed(grants: Frame, payments: Frame, rates: Frame) -> tuple[pl.LazyFrame, ...]:
    """The three tables with `grant_id` replaced by the grant's row number in `grants` (UInt32), and the
    table of keys (`key`, `grant_id`) that turns it back. Rows of grants not in `grants` are dropped."""
    keys = lazy(grants).select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("key"), "grant_id")

    def by_key(frame: Frame) -> pl.LazyFrame:
        return lazy(frame).join(keys, on="grant_id", how="inner").with_columns(grant_id="key").drop("key")

    numbered = lazy(grants).with_columns(grant_id=pl.int_range(pl.len(), dtype=pl.UInt32))
    return numbered, by_key(payments), by_key(rates), keys


def forecast_months(grants: Frame, payments: Frame, rates: Frame, year: int, as_of: date) -> pl.LazyFrame:
    """The forecast's month table: one row per grant and service month that has days or bookings.

    Bookings for a grant that is not in `grants` have no row (a validated ledger has none)."""
    booked = pl.col("booked").is_not_null()
    numbered, paid, changes, keys = keyed(grants, _booked_rows(payments, year, as_of), rates)
    return (
        computed_months(numbered, changes, year, as_of)
        .join(_per_service_month(paid), on=["grant_id", "month"], how="full", coalesce=True)
        .with_columns(
            pl.col("days").fill_null(0.0),
            pl.col("active_days").fill_null(0.0),
            pl.col("own_payment").fill_null(0.0),
            computed=pl.col("cost_to_date").fill_null(0.0) + pl.col("cost_after").fill_null(0.0),
            actual_to_date=pl.when(booked).then("booked").otherwise(pl.col("cost_to_date").fill_null(0.0)),
            remaining=pl.when(booked).then(0.0).otherwise(pl.col("cost_after").fill_null(0.0)),
        )
        .with_columns(forecast=pl.col("actual_to_date") + pl.col("remaining"))
        .join(keys, left_on="grant_id", right_on="key", how="inner", suffix="_id")
        .with_columns(grant_id="grant_id_id")
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
