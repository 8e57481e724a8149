"""Computed cost per grant and service month (DESIGN.md §4), the yearly P/L regulation and the calibration.

A grant's rate is drawn in the current year's prices; its rate in year y is that × the price level of y,
rounded to øre, so the grant row holds the rate of its start year and rates.csv one row per later 1 January.
"""

from __future__ import annotations

import polars as pl

from .calibration import price_level
from .timeline import Timeline

MONTH = pl.col("mi")


def month_start(mi: pl.Expr) -> pl.Expr:
    """First day of month index `mi` (year × 12 + month − 1)."""
    return pl.date(mi // 12, mi % 12 + 1, 1)


def month_of(d: pl.Expr) -> pl.Expr:
    """Month index of a date."""
    return (d.dt.year() * 12 + d.dt.month() - 1).cast(pl.Int32)


def price_levels(tl: Timeline, first_year: int) -> pl.DataFrame:
    """Price level per year relative to the current year, from `first_year` through next year."""
    years = list(range(min(first_year, tl.year - 2), tl.year + 2))
    return pl.DataFrame(
        {"year": years, "level": [price_level(y, tl.year) for y in years]},
        schema={"year": pl.Int32, "level": pl.Float64},
    )


def quantity(basis: pl.Expr, days: pl.Expr, month_days: pl.Expr, year_days: pl.Expr, hours: pl.Expr) -> pl.Expr:
    """Units of the price basis in `days` active days of one month."""
    return (
        pl.when(basis == "dag")
        .then(days)
        .when(basis == "time")
        .then(hours * days / 7.0)
        .when(basis == "maaned")
        .then(days / month_days)
        .when(basis == "aar")
        .then(days / year_days)
        .otherwise(1.0)
        .cast(pl.Float64)
    )


def _days_in_year(year: pl.Expr) -> pl.Expr:
    return pl.when(pl.date(year, 12, 31).dt.ordinal_day() == 366).then(366.0).otherwise(365.0)


def months(grants: pl.DataFrame, tl: Timeline) -> pl.DataFrame:
    """One row per grant and service month in which it is active, from the world's first day to year end.

    Columns: gkey, tp, mi, year, q (units of its price basis), rate (current prices), probability.
    """
    first, year_end = tl.first, tl.year_end
    span = grants.select(
        "gkey",
        "tp",
        "basis",
        "start",
        "hours",
        "rate",
        "probability",
        pl.min_horizontal(pl.col("end").fill_null(year_end), pl.lit(year_end)).alias("stop"),
    ).with_columns(
        m0=month_of(pl.max_horizontal(pl.col("start"), pl.lit(first))),
        m1=month_of(pl.col("stop")),
    )
    span = span.filter(pl.col("m1") >= pl.col("m0"))
    rows = span.with_columns(mi=pl.int_ranges("m0", pl.col("m1") + 1, dtype=pl.Int32)).explode("mi")
    begin = month_start(MONTH)
    finish = begin.dt.month_end()
    days = (pl.min_horizontal(pl.col("stop"), finish) - pl.max_horizontal(pl.col("start"), begin)).dt.total_days() + 1
    year = (MONTH // 12).cast(pl.Int32)
    return rows.select(
        "gkey",
        "tp",
        "mi",
        year.alias("year"),
        quantity(pl.col("basis"), days, finish.dt.day(), _days_in_year(year), pl.col("hours")).alias("q"),
        "rate",
        "probability",
    )


def full_month(basis: pl.Expr, mi: pl.Expr, hours: pl.Expr) -> pl.Expr:
    """Units of the price basis in the whole month `mi` (for a payment after a grant has stopped)."""
    days = month_start(mi).dt.month_end().dt.day()
    return quantity(basis, days, days, _days_in_year(mi // 12), hours)


def calibration_factors(
    rows: pl.DataFrame, targets: dict[int, float], tl: Timeline, levels: pl.DataFrame
) -> pl.DataFrame:
    """Per `tp`, the factor that brings the current year's expected cost to its target (1 where none)."""
    cost = (
        rows.filter(pl.col("year") == tl.year)
        .join(levels, on="year", how="left")
        .group_by("tp")
        .agg((pl.col("rate") * pl.col("level") * pl.col("q") * pl.col("probability")).sum().alias("cost"))
    )
    wanted = pl.DataFrame(
        {"tp": list(targets), "target": list(targets.values())}, schema={"tp": pl.Int16, "target": pl.Float64}
    )
    return (
        cost.join(wanted, on="tp", how="inner")
        .filter(pl.col("cost") > 0)
        .select("tp", (pl.col("target") / pl.col("cost")).alias("factor"))
    )


def priced(rows: pl.DataFrame, levels: pl.DataFrame) -> pl.DataFrame:
    """The month rows with the rate of their year (rounded to øre) and the computed cost `amount`."""
    return (
        rows.join(levels, on="year", how="left")
        .with_columns(((pl.col("rate") * pl.col("level")).round(2) * pl.col("q")).alias("amount"))
        .drop("level", "rate")
    )


def rate_changes(grants: pl.DataFrame, tl: Timeline, levels: pl.DataFrame) -> pl.DataFrame:
    """rates.csv rows: the P/L-regulated rate from each 1 January after a decided grant's start."""
    years = pl.DataFrame({"year": list(tl.years)}, schema={"year": pl.Int32})
    new_year = pl.date(pl.col("year"), 1, 1)
    return (
        grants.filter((pl.col("status") != "forventet") & (pl.col("basis") != "engang"))
        .select("gkey", "start", "end", "rate")
        .join(years, how="cross")
        .filter(
            (pl.col("year") > pl.col("start").dt.year())
            & (pl.col("end").is_null() | (pl.col("end") >= new_year))
            & (new_year <= tl.today)
        )
        .join(levels, on="year", how="left")
        .select("gkey", new_year.alias("valid_from"), (pl.col("rate") * pl.col("level")).round(2).alias("rate"))
        .sort("gkey", "valid_from")
    )
