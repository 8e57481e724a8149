"""Expected new cases: the cost this year of grants not yet known, from the arrivals of earlier years.

New grants arrive every month: how many, at what price and for how long differs by paragraph and season. The
history holds all three at once: the grants that entered the ledger in the same part of an earlier year, after
the same day, and what they cost up to that year's end. Their cost, at this year's price level, is the
expected cost of this year's not-yet-known grants — arrival rate × price × duration, taken from the data as a
whole rather than from three fitted distributions, so seasons, the mix of prices and the length of stays keep
their real shapes. With several history years their average is used.

Arrivals are a Poisson stream, each bringing a cost drawn from the history's costs: the yearly total is compound
Poisson, with mean λ·E[X] = Σx / N and variance λ·E[X²] = Σx² / N over the N history years' costs x.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from dispo.engine.forecast import computed_months
from dispo.engine.periods import Frame, lazy, rate_segments

ARRIVAL_COLUMNS = ("grant_id", "paragraph", "history_year", "known_on", "cost")


def same_day(day: date, year: int) -> date:
    """`day` moved to `year` (29 February becomes the 28th)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def price_growth(grants: Frame, rates: Frame, year: int) -> float:
    """The year's regulation of rates (P/L) as the ledger shows it: the median over the grants whose rate
    changed on 1 January of `year` of new rate / old rate; 1 where no rate changed that day."""
    new_year = date(year, 1, 1)
    ratios = (
        rate_segments(grants, rates)
        .sort("grant_id", "seg_from")
        .with_columns(before=pl.col("rate").shift(1).over("grant_id"))
        .filter((pl.col("seg_from") == pl.lit(new_year)) & (pl.col("before") > 0))
        .select((pl.col("rate") / pl.col("before")).median().alias("growth"))
        .collect()
    )
    growth = ratios.item() if ratios.height else None
    return float(growth) if growth is not None else 1.0


def price_level(grants: Frame, rates: Frame, since: int, year: int) -> float:
    """Prices of `year` relative to `since`: the product of the yearly regulations in between."""
    level = 1.0
    for later in range(since + 1, year + 1):
        level *= price_growth(grants, rates, later)
    return level


def arrivals(grants: Frame, rates: Frame, year: int, day: date, history: Sequence[int]) -> pl.LazyFrame:
    """The analogues of this year's unknown grants: per history year h, every decided grant that entered the
    ledger after `day` moved to h and by the end of h, with its computed cost in h at `year`'s prices, divided
    by the number of history years (`cost`, so that the sum over all rows is the expected cost).

    `grants` and `rates` are the ledger as known on `day` (with `known_on`, see `knowledge.with_knowledge`).
    """
    parts = []
    for past in history:
        then = same_day(day, past)
        entered = lazy(grants).filter(
            (pl.col("known_on") > pl.lit(then))
            & (pl.col("known_on") <= pl.lit(date(past, 12, 31)))
            & (pl.col("status") != "forventet")
        )
        level = price_level(grants, rates, past, year) / len(history)
        costs = (
            computed_months(entered, rates, past, then)
            .group_by("grant_id")
            .agg(((pl.col("cost_to_date") + pl.col("cost_after")).sum() * level).alias("cost"))
        )
        parts.append(
            entered.select("grant_id", "paragraph", "known_on")
            .join(costs, on="grant_id", how="inner")
            .filter(pl.col("cost") != 0)
            .with_columns(history_year=pl.lit(past, dtype=pl.Int32))
            .select(ARRIVAL_COLUMNS)
        )
    if not parts:
        schema = {"grant_id": pl.String, "paragraph": pl.String, "history_year": pl.Int32}
        return pl.LazyFrame(schema={**schema, "known_on": pl.Date, "cost": pl.Float64}).select(ARRIVAL_COLUMNS)
    return pl.concat(parts)


def new_cases(arrived: pl.LazyFrame, history_years: int) -> pl.LazyFrame:
    """Per paragraph: `arrivals` (expected number of new grants for the rest of the year), `new_cases` (their
    expected cost) and `new_cases_var` (its compound-Poisson variance). `arrived` comes from `arrivals`, whose
    costs are already divided by the number of history years."""
    years = float(max(history_years, 1))
    return arrived.group_by("paragraph").agg(
        (pl.len() / years).alias("arrivals"),
        pl.col("cost").sum().alias("new_cases"),
        ((pl.col("cost") * years) ** 2 / years).sum().alias("new_cases_var"),
    )
