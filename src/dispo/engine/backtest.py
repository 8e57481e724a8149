"""Back-test: each month-end of a past year replayed, dispo's forecast and the controllers' simple methods set
against the year's actual result.

On each month-end d the forecasts are made from the ledger as it stood on d (`knowledge.as_known_on`):
- `dispo`: the outlook of `outlook.outlook` — known commitments, expected grants, expected ends, expected new
  cases, settlement of passed months — with its 80 % interval;
- `budget`: the year's budget, as if it would hold;
- `run_rate`: spent to date × 12 / months passed;
- `last_month`: spent to date + what was booked in d's month × the months left.
Spent to date is what the settlement system had booked by d for service months of the year. The `actual` is the
year's result as the ledger has it now: the forecast as of `today`, all months booked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl

from dispo.engine.forecast import forecast_grants
from dispo.engine.outlook import History, outlook
from dispo.engine.periods import Frame, lazy
from dispo.engine.uncertainty import bounds

METHODS = ("dispo", "budget", "run_rate", "last_month")
"""dispo's forecast and the simple methods, in the order they are shown."""
BACKTEST_COLUMNS = (
    "month_end",
    "paragraph",
    "actual",
    *METHODS,
    "known",
    "expected_grants",
    "ends",
    "new_cases",
    "settlement",
    "variance",
    "lower",
    "upper",
)


def month_ends(year: int) -> list[date]:
    return [date(year + m // 12, m % 12 + 1, 1) - timedelta(days=1) for m in range(1, 13)]


def actual(grants: Frame, payments: Frame, rates: Frame, year: int, today: date) -> pl.LazyFrame:
    """The year's result per paragraph as the ledger has it on `today`."""
    per_grant = forecast_grants(grants, payments, rates, year, today).lazy()
    return (
        per_grant.join(lazy(grants).select("grant_id", "paragraph"), on="grant_id", how="inner")
        .group_by("paragraph")
        .agg(pl.col("forecast").sum().alias("actual"))
    )


def simple_methods(grants: Frame, payments: Frame, budgets: Frame, year: int, day: date) -> pl.LazyFrame:
    """Per paragraph: `budget`, `run_rate` and `last_month` as a controller computes them on `day`."""
    passed = day.month
    in_year = pl.col("service_month").str.starts_with(str(year))
    booked = (
        lazy(payments)
        .filter(in_year & (pl.col("booked_on") <= pl.lit(day)))
        .join(lazy(grants).select("grant_id", "paragraph"), on="grant_id", how="inner")
        .group_by("paragraph")
        .agg(
            pl.col("amount").sum().alias("spent"),
            pl.col("amount").filter(pl.col("booked_on") >= pl.lit(day.replace(day=1))).sum().alias("latest"),
        )
    )
    budget = (
        lazy(budgets).filter(pl.col("year") == year).group_by("paragraph").agg(pl.col("amount").sum().alias("budget"))
    )
    return (
        booked.join(budget, on="paragraph", how="full", coalesce=True)
        .with_columns(pl.col("spent", "latest", "budget").fill_null(0.0))
        .select(
            "paragraph",
            "budget",
            (pl.col("spent") * 12.0 / passed).alias("run_rate"),
            (pl.col("spent") + pl.col("latest") * float(12 - passed)).alias("last_month"),
        )
    )


def backtest(
    grants: Frame,
    payments: Frame,
    rates: Frame,
    budgets: Frame,
    known: Frame,
    year: int,
    today: date,
    history: History,
    days: Sequence[date] | None = None,
) -> pl.DataFrame:
    """Per month-end of `year` (or the given `days`) and paragraph: the actual result, every method's forecast
    (`METHODS`), dispo's lines and its interval (`BACKTEST_COLUMNS`)."""
    result = actual(grants, payments, rates, year, today)
    rows = []
    for day in days or month_ends(year):
        dispo = outlook(grants, payments, rates, known, year, day, history).lazy().rename({"forecast": "dispo"})
        simple = simple_methods(grants, payments, budgets, year, day)
        rows.append(
            result.join(dispo, on="paragraph", how="full", coalesce=True)
            .join(simple, on="paragraph", how="full", coalesce=True)
            .with_columns(month_end=pl.lit(day))
        )
    numbers = [c for c in BACKTEST_COLUMNS if c not in ("month_end", "paragraph", "lower", "upper")]
    lower, upper = bounds("dispo", "variance")
    return (
        pl.concat(rows)
        .with_columns(pl.col(numbers).fill_null(0.0))
        .with_columns(lower, upper)
        .select(BACKTEST_COLUMNS)
        .sort("month_end", "paragraph")
        .collect()
    )


def totals(frame: pl.DataFrame) -> pl.DataFrame:
    """The back-test summed over paragraphs per month-end, the interval from the summed variance."""
    numbers = [c for c in BACKTEST_COLUMNS if c not in ("month_end", "paragraph", "lower", "upper")]
    lower, upper = bounds("dispo", "variance")
    return (
        frame.group_by("month_end")
        .agg(pl.col(numbers).sum())
        .with_columns(lower, upper, paragraph=pl.lit(None, dtype=pl.String))
        .select(BACKTEST_COLUMNS)
        .sort("month_end")
    )


def errors(frame: pl.DataFrame) -> pl.DataFrame:
    """Long form: per row of `frame` and method, `forecast`, `actual`, `error` (forecast − actual) and
    `relative` (error / actual; null when the actual is 0), and for dispo whether the interval held it."""
    return (
        frame.unpivot(
            index=["month_end", "paragraph", "actual", "lower", "upper"], on=list(METHODS), variable_name="method"
        )
        .rename({"value": "forecast"})
        .with_columns(
            error=pl.col("forecast") - pl.col("actual"),
            covered=pl.when(pl.col("method") == "dispo").then(
                (pl.col("lower") <= pl.col("actual")) & (pl.col("actual") <= pl.col("upper"))
            ),
        )
        .with_columns(relative=pl.when(pl.col("actual") != 0).then(pl.col("error") / pl.col("actual")))
        .select("month_end", "paragraph", "method", "forecast", "actual", "error", "relative", "covered")
    )
