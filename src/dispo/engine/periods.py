"""Cutting grants into month pieces at the rate valid on each day.

Every figure of the forecast is a sum over *pieces*: the stretch of days within one calendar month of the year
during which one grant is active at one rate. Cutting once, in one vectorised pass, keeps active days, cost and
årsværk consistent with each other (DESIGN.md §4: both ends inclusive, an open end runs to the end of the period
asked about, a rate change splits the period).
"""

from __future__ import annotations

from datetime import date

import polars as pl

Frame = pl.DataFrame | pl.LazyFrame


def lazy(frame: Frame) -> pl.LazyFrame:
    return frame.lazy() if isinstance(frame, pl.DataFrame) else frame


def days_in_year(year: int) -> int:
    return 366 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 365


def inclusive_days(first: pl.Expr, last: pl.Expr) -> pl.Expr:
    """Days from `first` to `last`, both counted; 0 when the interval is empty."""
    return ((last - first).dt.total_days() + 1).clip(lower_bound=0)


def rate_segments(grants: Frame, rates: Frame) -> pl.LazyFrame:
    """One row per grant and stretch of constant rate: grant_id, seg_from, seg_to (null = open), rate.

    A grant's own `rate` holds from its start; a row of `rates` replaces it from `valid_from` on. A rate valid
    from before the start counts from the start; of several rows on the same day the later one wins.

    Once sorted, a grant's rows are adjacent: a row ends the day before the next row of the same grant starts,
    and of rows starting the same day only the last is kept — comparisons with the next row, not groupings.
    """
    bounds = lazy(grants).select("grant_id", "start", "end")
    base = lazy(grants).select(
        "grant_id",
        pl.col("start").alias("valid_from"),
        "rate",
        pl.lit(0).alias("priority"),
        "start",
        "end",
    )
    changes = (
        lazy(rates)
        .select("grant_id", "valid_from", "rate", pl.lit(1).alias("priority"))
        .join(bounds, on="grant_id", how="inner")
    )
    same_grant = pl.col("grant_id").shift(-1) == pl.col("grant_id")
    replaced = same_grant & (pl.col("seg_from").shift(-1) == pl.col("seg_from"))
    return (
        pl.concat([base, changes])
        .filter(pl.col("end").is_null() | (pl.col("valid_from") <= pl.col("end")))
        .with_columns(seg_from=pl.max_horizontal("valid_from", "start"))
        .sort("grant_id", "seg_from", "priority", "valid_from")
        .filter(~replaced.fill_null(False))
        .with_columns(
            seg_to=pl.when(same_grant).then(pl.col("seg_from").shift(-1) - pl.duration(days=1)).otherwise("end")
        )
        .select("grant_id", "seg_from", "seg_to", "rate")
    )


def month_pieces(grants: Frame, rates: Frame, year: int, as_of: date) -> pl.LazyFrame:
    """Pieces of the year's active days: grant_id, month (first day), rate, days, days_to_date, days_after.

    `days_to_date` are the piece's days on or before `as_of`, `days_after` the rest. One-off grants are
    excluded: they have no days (see `one_off_amounts`). A segment clipped to the year spans the months from
    its first day's to its last day's, numbered 1-12.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    periodic = lazy(grants).filter(pl.col("price_basis") != "engang")
    lo = pl.max_horizontal("seg_from", pl.lit(first))
    hi = pl.min_horizontal(pl.col("seg_to").fill_null(last), pl.lit(last))
    month_end = pl.col("month").dt.month_end()
    piece_lo = pl.max_horizontal("lo", "month")
    piece_hi = pl.min_horizontal("hi", month_end)
    months = pl.int_ranges(pl.col("lo").dt.month(), pl.col("hi").dt.month() + 1, dtype=pl.Int8)
    return (
        rate_segments(periodic, rates)
        .with_columns(lo=lo, hi=hi)
        .filter(pl.col("lo") <= pl.col("hi"))
        .with_columns(month=months)
        .explode("month")
        .with_columns(month=pl.date(year, pl.col("month"), 1))
        .with_columns(
            days=inclusive_days(piece_lo, piece_hi),
            days_to_date=inclusive_days(piece_lo, pl.min_horizontal(piece_hi, pl.lit(as_of))),
        )
        .with_columns(days_after=pl.col("days") - pl.col("days_to_date"))
        .select("grant_id", "month", "rate", "days", "days_to_date", "days_after")
    )
