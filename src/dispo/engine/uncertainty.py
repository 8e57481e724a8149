"""An interval for the year-end result, analytically: independent parts, their variances summed.

What is still unknown on the forecast day comes from four sources, each with a variance of its own:
- the ends of the grants that run until further notice (`ends.expected_ends`: when each stops), and the
  uncertainty of the stopping rates themselves, which moves a paragraph's grants together
  (`ends.estimation_variance`);
- the expected grants, decided or not with their probability (also in `ends.expected_ends`);
- the grants not yet known (`arrivals.new_cases`: how many arrive — Poisson — and what each costs, which
  carries both its price and its duration), plus the error of estimating their mean from N history years
  (the variance of a mean of N years is 1/N of a year's: the predictive variance is (1 + 1/N) times it);
- the settlement of what has passed (`settlement`): months not yet booked, corrections and payments after an
  unregistered end, measured on the same day a year earlier as the squared difference, grant by grant, between
  what the ledger then counted up to that day and what those months came to cost; like the new cases, a mean of
  N history years, so its predictive variance is (1 + 1/N) times a year's.
Grants stop, arrive and are settled independently of each other, so the variances add. With hundreds of grants
behind each figure the sum is close to normal (central limit theorem), and the interval is mean ± z·σ with z
the normal quantile of the level.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from statistics import NormalDist

import polars as pl

from dispo.engine.arrivals import same_day
from dispo.engine.forecast import forecast_months
from dispo.engine.knowledge import as_known_on
from dispo.engine.periods import Frame

LEVEL = 0.8
"""The interval's coverage: four years out of five the result falls inside it."""


def z_score(level: float = LEVEL) -> float:
    """The normal quantile that leaves (1 − level) / 2 on each side."""
    return NormalDist().inv_cdf(0.5 + level / 2)


def bounds(mean: str, variance: str, level: float = LEVEL) -> tuple[pl.Expr, pl.Expr]:
    """`lower` and `upper` of the interval around column `mean` with column `variance`."""
    spread = z_score(level) * pl.col(variance).clip(lower_bound=0.0).sqrt()
    return (pl.col(mean) - spread).alias("lower"), (pl.col(mean) + spread).alias("upper")


def _to_date(
    grants: Frame, payments: Frame, rates: Frame, known: Frame, year: int, day: date, upto: date
) -> pl.LazyFrame:
    """Per grant and paragraph: the forecast's amount for the service months of `year` through `upto`'s month,
    as the ledger stood on `day`."""
    seen = as_known_on(grants, payments, rates, known, day)
    last = upto.replace(day=1)
    return (
        forecast_months(seen.grants, seen.payments, seen.rates, year, day)
        .filter(pl.col("month") <= pl.lit(last))
        .group_by("grant_id")
        .agg(pl.col("forecast").sum())
        .join(seen.grants.select("grant_id", "paragraph"), on="grant_id", how="inner")
    )


def settlement(
    grants: Frame, payments: Frame, rates: Frame, known: Frame, day: date, history: Sequence[int]
) -> pl.LazyFrame:
    """Per paragraph `settlement_var`: over the history years h, the mean of Σ (final − then)² over the grants
    known on `day` moved to h, `then` their amount to date as counted that day, `final` as counted on `day`."""
    parts = []
    for past in history:
        then = same_day(day, past)
        counted = _to_date(grants, payments, rates, known, past, then, then)
        final = _to_date(grants, payments, rates, known, past, day, then).select("grant_id", "forecast")
        parts.append(
            counted.join(final, on="grant_id", how="left", suffix="_final").select(
                "paragraph", (pl.col("forecast_final").fill_null(0.0) - pl.col("forecast")).alias("difference")
            )
        )
    if not parts:
        return pl.LazyFrame(schema={"paragraph": pl.String, "settlement": pl.Float64, "settlement_var": pl.Float64})
    return (
        pl.concat(parts)
        .group_by("paragraph")
        .agg(
            (pl.col("difference").sum() / len(parts)).alias("settlement"),
            ((pl.col("difference") ** 2).sum() / len(parts)).alias("settlement_var"),
        )
    )
