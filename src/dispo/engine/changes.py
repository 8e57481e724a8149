"""What changed between two follow-ups: the change in forecast split into the reasons a controller explains.

Both inputs are snapshot grant tables (one row per grant: `grant_id`, the line keys, `status`, `probability`,
`end`, `active_days`, `computed`, `forecast`; see `snapshot_basis`). A grant's forecast F is what its terms
compute for the year, C, plus what the booked payments differ from that, B = F − C. Its terms compute
C = w · D · p: the weight w (an expected grant's probability, else 1), its active days in the year D (unweighted;
a one-off dated in the year counts 1) and its average price per active day p = C / (w · D).

Per grant, from the previous snapshot (0) to the current one (1), in this order of attribution:

- `new`       a decided grant only in the current snapshot: + F1;
- `ended`     a decided grant only in the previous snapshot: − F0; and the period part (below) of a grant whose
              end date was brought forward (an open end counts as the latest);
- `expected`  an expected grant only in one snapshot: + F1 or − F0; and for a grant in both, its change of weight
              at the old period and old price, (w1 − w0) · D0 · p0 (an expected grant decided, or its
              probability changed);
- `period`    the change of active days at the new weight and the old price, w1 · (D1 − D0) · p0;
- `price`     the change of average price on the new period at the new weight, w1 · D1 · (p1 − p0) (a new rate,
              more or fewer hours); computed as C1 − C0 less the two parts before it, so the three add up to the
              change in computed cost;
- `payments`  what the payments differ from the terms, B1 − B0 (a month booked above or below its computed cost);
- `moved`     a grant whose line keys changed (another paragraph or target group): − F0 on its old line and + F1
              on its new one. On a level above both lines (the total) the grant is decomposed as one staying.

A price that does not exist (no active days, or weight 0) takes the other snapshot's price, and 0 when neither
has one: a grant with no days before is all period, a grant with no days now loses all its cost to period.
The parts add up to the change exactly (to rounding of floats): no residual is needed.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from dispo.engine.cost import weight
from dispo.engine.periods import Frame, lazy

PARTS = ("new", "ended", "price", "period", "expected", "payments", "moved")
SNAPSHOT_COLUMNS = ("grant_id", "status", "probability", "end", "active_days", "computed", "forecast")
_ALL = "_all"


def snapshot_basis(months: Frame) -> pl.LazyFrame:
    """Per grant of a forecast month table (`engine.forecast.MONTH_COLUMNS`): `computed`, what its terms give
    for the whole year with no month booked, and `active_days`, its unweighted active days (a one-off 1)."""
    return lazy(months).group_by("grant_id").agg(pl.col("computed").sum(), pl.col("active_days").sum())


def _side(frame: Frame, keys: Sequence[str], suffix: str) -> pl.LazyFrame:
    columns = [*SNAPSHOT_COLUMNS, *keys]
    return (
        lazy(frame)
        .select(pl.col(columns), pl.lit(True).alias("present"), weight().alias("w"))
        .with_columns(
            units=pl.col("w") * pl.col("active_days"),
            booked_difference=pl.col("forecast") - pl.col("computed"),
        )
        .with_columns(price=pl.when(pl.col("units") > 0).then(pl.col("computed") / pl.col("units")))
        .rename({c: f"{c}{suffix}" for c in [*columns, "present", "w", "units", "booked_difference", "price"]})
        .rename({f"grant_id{suffix}": "grant_id"})
    )


def _zero_parts(**given: pl.Expr) -> list[pl.Expr]:
    return [given.get(part, pl.lit(0.0)).alias(part) for part in PARTS]


def _staying(both: pl.LazyFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """Grants on the same line in both snapshots, decomposed by the order of attribution."""
    old_price = pl.coalesce("price_0", "price_1", pl.lit(0.0))
    expected = (pl.col("w_1") - pl.col("w_0")) * pl.col("active_days_0") * old_price
    period = pl.col("w_1") * (pl.col("active_days_1") - pl.col("active_days_0")) * old_price
    price = (pl.col("computed_1") - pl.col("computed_0")) - expected - period
    brought_forward = pl.col("end_1").is_not_null() & (pl.col("end_0").is_null() | (pl.col("end_1") < pl.col("end_0")))
    return both.select(
        *[pl.col(f"{k}_1").alias(k) for k in keys],
        "grant_id",
        pl.col("forecast_0").alias("previous"),
        pl.col("forecast_1").alias("current"),
        *_zero_parts(
            expected=expected,
            period=pl.when(brought_forward).then(0.0).otherwise(period),
            ended=pl.when(brought_forward).then(period).otherwise(0.0),
            price=price,
            payments=pl.col("booked_difference_1") - pl.col("booked_difference_0"),
        ),
    )


def _leaving(frame: pl.LazyFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """Grants no longer on their previous line: gone, or moved to another line."""
    gone = -pl.col("forecast_0")
    is_expected = pl.col("status_0") == "forventet"
    return frame.select(
        *[pl.col(f"{k}_0").alias(k) for k in keys],
        "grant_id",
        pl.col("forecast_0").alias("previous"),
        pl.lit(0.0).alias("current"),
        *_zero_parts(
            moved=pl.when(pl.col("present_1")).then(gone).otherwise(0.0),
            ended=pl.when(pl.col("present_1") | is_expected).then(0.0).otherwise(gone),
            expected=pl.when(~pl.col("present_1") & is_expected).then(gone).otherwise(0.0),
        ),
    )


def _arriving(frame: pl.LazyFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """Grants new on their current line: new in the ledger, or moved from another line."""
    came = pl.col("forecast_1")
    is_expected = pl.col("status_1") == "forventet"
    return frame.select(
        *[pl.col(f"{k}_1").alias(k) for k in keys],
        "grant_id",
        pl.lit(0.0).alias("previous"),
        pl.col("forecast_1").alias("current"),
        *_zero_parts(
            moved=pl.when(pl.col("present_0")).then(came).otherwise(0.0),
            new=pl.when(pl.col("present_0") | is_expected).then(0.0).otherwise(came),
            expected=pl.when(~pl.col("present_0") & is_expected).then(came).otherwise(0.0),
        ),
    )


def grant_changes(previous: Frame, current: Frame, keys: Sequence[str] = ()) -> pl.LazyFrame:
    """Per line (the `keys`) and grant: `previous` and `current` forecast on that line, `change` and its PARTS.

    A grant that stays on its line gives one row; a grant that moved gives a row on each line. Every line's
    change is its current forecast less its previous one, and equals the sum of its parts.
    """
    joined = _side(previous, keys, "_0").join(_side(current, keys, "_1"), on="grant_id", how="full", coalesce=True)
    joined = joined.with_columns(pl.col("present_0", "present_1").fill_null(False))
    same_line = pl.col("present_0") & pl.col("present_1")
    for key in keys:
        same_line &= pl.col(f"{key}_0").eq_missing(pl.col(f"{key}_1"))
    staying = _staying(joined.filter(same_line), keys)
    leaving = _leaving(joined.filter(pl.col("present_0") & ~same_line), keys)
    arriving = _arriving(joined.filter(pl.col("present_1") & ~same_line), keys)
    return pl.concat([staying, leaving, arriving]).with_columns(change=pl.col("current") - pl.col("previous"))


def line_changes(previous: Frame, current: Frame, keys: Sequence[str] = ()) -> pl.DataFrame:
    """Per line (the `keys`; no keys: one total line): previous and current forecast, change and its PARTS."""
    rows = grant_changes(previous, current, keys)
    group = list(keys) if keys else [pl.lit(True).alias(_ALL)]
    sums = rows.group_by(group).agg(pl.col("previous", "current", "change", *PARTS).sum())
    if not keys:
        return sums.drop(_ALL).collect()
    return sums.sort(list(keys), nulls_last=True).collect()
