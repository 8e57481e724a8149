"""The year-end outlook as of a day: known commitments, expected ends, expected new cases, and an interval.

The commitment ledger's forecast (`forecast.forecast_months`) counts what is known: booked months, and the
grants as decided, an open end running to the year's end. Three statistical lines stand beside it, never inside
it (DESIGN.md §4): the expected ends of grants without an end date (`ends`, ≤ 0), the expected cost of grants
not yet known (`arrivals`), and the settlement of months already passed (`uncertainty.settlement`: what last
year's same day turned out to miss). Their sum is dispo's expected result; the interval comes from
`uncertainty`. Everything is taken from the ledger as it stood on the day (`knowledge.as_known_on`), so the same
function makes today's outlook and replays a past one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from dispo.engine import arrivals, ends
from dispo.engine.forecast import forecast_months
from dispo.engine.knowledge import as_known_on
from dispo.engine.periods import Frame, lazy
from dispo.engine.uncertainty import bounds, settlement

OUTLOOK_COLUMNS = (
    "paragraph",
    "known",
    "expected_grants",
    "ends",
    "new_cases",
    "settlement",
    "forecast",
    "variance",
    "lower",
    "upper",
    "arrivals",
)


@dataclass(frozen=True)
class History:
    """Which earlier years the statistical lines learn from: whole years before the forecast year, all of them
    in the ledger (`first_year` is the first year the ledger holds every grant of)."""

    first_year: int
    years: int = 2

    def for_year(self, year: int) -> list[int]:
        return list(range(max(self.first_year, year - self.years), year))

    def start(self, year: int) -> date:
        years = self.for_year(year)
        return date(years[0] if years else year, 1, 1)


def outlook(
    grants: Frame, payments: Frame, rates: Frame, known: Frame, year: int, day: date, history: History
) -> pl.DataFrame:
    """Per paragraph, as known on `day`: `known` (decided grants, the ledger's forecast), `expected_grants`
    (expected grants weighted by probability), `ends`, `new_cases`, `settlement`, `forecast` (their sum),
    `variance`, the interval `lower`–`upper` and `arrivals` (expected number of new grants)."""
    seen = as_known_on(grants, payments, rates, known, day)
    months = forecast_months(seen.grants, seen.payments, seen.rates, year, day).collect().lazy()
    attributes = seen.grants.select("grant_id", "paragraph", (pl.col("status") == "forventet").alias("expected"))
    committed = (
        months.join(attributes, on="grant_id", how="inner")
        .group_by("paragraph")
        .agg(
            pl.col("forecast").filter(~pl.col("expected")).sum().alias("known"),
            pl.col("forecast").filter(pl.col("expected")).sum().alias("expected_grants"),
        )
    )
    past = history.for_year(year)
    spread = _predictive(len(past))
    arrived = arrivals.new_cases(arrivals.arrivals(seen.grants, seen.rates, year, day, past), len(past))
    settled = settlement(grants, payments, rates, known, day, past)
    return _combine(
        [
            committed,
            _expected_ends(seen.grants, months, day, history.start(year)),
            arrived.with_columns(pl.col("new_cases_var") * spread),
            settled.with_columns(pl.col("settlement_var") * spread),
        ]
    )


def _expected_ends(grants: pl.LazyFrame, months: pl.LazyFrame, day: date, since: date) -> pl.LazyFrame:
    """Per paragraph `ends` and `ends_var`: when each open grant stops, and how uncertain the stopping rates
    are. The rates are estimated up to the day by which nearly every end was registered (`ends.registration`)."""
    lag = ends.registration(grants, day)
    closed = day - timedelta(days=lag.complete_after)
    hazards = ends.hazards(ends.durations(grants, closed, since)).collect().lazy()
    chances = ends.running_chance(months, grants, hazards, day, lag.waiting).collect().lazy()
    return (
        ends.expected_ends(chances)
        .group_by("paragraph")
        .agg(pl.col("ends").sum(), pl.col("ends_var").sum())
        .join(ends.estimation_variance(chances, hazards), on="paragraph", how="left")
        .select("paragraph", "ends", pl.col("ends_var") + pl.col("rate_var").fill_null(0.0))
    )


def _predictive(years: int) -> float:
    """The factor from one year's variance to the predictive variance of a line that is the mean of `years`
    history years: the mean is itself off by 1/N of a year's variance, so (1 + 1/N)."""
    return 1.0 + 1.0 / max(years, 1)


def _combine(parts: Sequence[pl.LazyFrame]) -> pl.DataFrame:
    """The parts joined on paragraph, zero where a part has no row, with the sum and its interval."""
    joined = parts[0]
    for part in parts[1:]:
        joined = joined.join(part, on="paragraph", how="full", coalesce=True)
    numbers = [
        "known",
        "expected_grants",
        "ends",
        "ends_var",
        "new_cases",
        "new_cases_var",
        "settlement",
        "settlement_var",
        "arrivals",
    ]
    lower, upper = bounds("forecast", "variance")
    return (
        joined.with_columns(pl.col(numbers).fill_null(0.0))
        .with_columns(
            forecast=pl.sum_horizontal("known", "expected_grants", "ends", "new_cases", "settlement"),
            variance=pl.col("ends_var") + pl.col("new_cases_var") + pl.col("settlement_var"),
        )
        .with_columns(lower, upper)
        .select(OUTLOOK_COLUMNS)
        .sort("paragraph")
        .collect()
    )


def total(frame: pl.DataFrame) -> dict[str, float]:
    """The outlook summed over paragraphs; the interval of the total from the summed variance."""
    sums = lazy(frame).select(pl.exclude("paragraph", "lower", "upper").sum())
    lower, upper = bounds("forecast", "variance")
    row = sums.with_columns(lower, upper).collect().row(0, named=True)
    return {name: float(value) for name, value in row.items()}
