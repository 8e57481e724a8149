"""The intervention staircase (indsatstrappen): steps per date and movements between two dates (DESIGN.md §4).

A citizen's step on a date is the highest step among the decided grants active that day; a citizen with none is
"not on the staircase" (step 0). Movements compare two dates citizen by citizen: the from-step × to-step matrix
counts citizens and sums their change in yearly cost, so that inflow (from 0), outflow (to 0) and moves up or
down the staircase each carry a number.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from dispo.engine.periods import Frame, days_in_year, lazy

OFF_STAIRCASE = 0
DAYS_PER_MONTH = 30.4375
"""The mean length of a month (365.25 / 12): durations in months are days / 30.4375."""


def active_on(day: date) -> pl.Expr:
    """Decided grants (not expected ones) whose period covers `day`, both ends inclusive."""
    return (
        (pl.col("status") != "forventet")
        & (pl.col("price_basis") != "engang")
        & (pl.col("start") <= day)
        & (pl.col("end").is_null() | (pl.col("end") >= day))
    )


def rate_on(grants: Frame, rates: Frame, day: date) -> pl.LazyFrame:
    """Each grant with the rate valid on `day` (its own rate unless a rate change on or before `day`)."""
    changes = (
        lazy(rates)
        .filter(pl.col("valid_from") <= day)
        .sort("valid_from")
        .group_by("grant_id")
        .agg(pl.col("rate").last().alias("changed_rate"))
    )
    return (
        lazy(grants)
        .join(changes, on="grant_id", how="left")
        .with_columns(rate=pl.coalesce("changed_rate", "rate"))
        .drop("changed_rate")
    )


def run_rate(year: int) -> pl.Expr:
    """What a full year at the current rate costs: a day rate × the year's days, hours × hourly rate / 7 × the
    year's days, a month rate × 12, a year rate as it is."""
    basis, days = pl.col("price_basis"), float(days_in_year(year))
    return (
        pl.when(basis == "dag")
        .then(pl.col("rate") * days)
        .when(basis == "time")
        .then(pl.col("hours_per_week").fill_null(0.0) * pl.col("rate") / 7.0 * days)
        .when(basis == "maaned")
        .then(pl.col("rate") * 12.0)
        .when(basis == "aar")
        .then(pl.col("rate"))
        .otherwise(0.0)
    )


def yearly_cost_on(grants: Frame, rates: Frame, day: date) -> pl.LazyFrame:
    """Per active grant on `day`: what a full year at that day's rate costs (the run rate), in kroner."""
    return (
        rate_on(grants, rates, day)
        .filter(active_on(day))
        .with_columns(yearly_cost=run_rate(day.year))
        .select("grant_id", "citizen_id", "target_group", "paragraph", "start", "yearly_cost")
    )


def citizen_steps(grants: Frame, rates: Frame, steps: Frame, day: date) -> pl.LazyFrame:
    """Per citizen with an active grant on the staircase on `day`: the highest step and the yearly cost of all
    their active staircase grants."""
    return (
        yearly_cost_on(grants, rates, day)
        .join(lazy(steps), on=["paragraph", "target_group"], how="inner")
        .filter(pl.col("step").is_not_null())
        .group_by("citizen_id")
        .agg(pl.col("step").max(), pl.col("yearly_cost").sum())
    )


def citizen_movements(grants: Frame, rates: Frame, steps: Frame, first: date, second: date) -> pl.DataFrame:
    """Per citizen on the staircase on either date: the step on each (0 = not on the staircase) and the yearly
    cost of their staircase grants on each, with the change. The rows behind each cell of `movements`."""
    before = citizen_steps(grants, rates, steps, first).rename({"step": "from_step", "yearly_cost": "cost_before"})
    after = citizen_steps(grants, rates, steps, second).rename({"step": "to_step", "yearly_cost": "cost_after"})
    return (
        before.join(after, on="citizen_id", how="full", coalesce=True)
        .with_columns(
            pl.col("from_step").fill_null(OFF_STAIRCASE),
            pl.col("to_step").fill_null(OFF_STAIRCASE),
            pl.col("cost_before", "cost_after").fill_null(0.0),
        )
        .with_columns(cost_change=pl.col("cost_after") - pl.col("cost_before"))
        .select("citizen_id", "from_step", "to_step", "cost_before", "cost_after", "cost_change")
        .sort("from_step", "to_step", "citizen_id")
        .collect()
    )


def movements(grants: Frame, rates: Frame, steps: Frame, first: date, second: date) -> pl.DataFrame:
    """The from-step × to-step matrix between two dates: citizens and their change in yearly cost.

    Step 0 is "not on the staircase": a row from 0 is inflow, a row to 0 outflow. Only combinations that occur
    are returned (one row each: from_step, to_step, citizens, cost_change).
    """
    return (
        citizen_movements(grants, rates, steps, first, second)
        .group_by("from_step", "to_step")
        .agg(pl.len().cast(pl.Int64).alias("citizens"), pl.col("cost_change").sum())
        .sort("from_step", "to_step")
    )


def step_summary(ledger: Frame, day: date) -> pl.DataFrame:
    """Per step of the year's per-grant ledger (with `step`, `fte`, `forecast`, `citizen_id`, `start`, `end`,
    `status`, `price_basis`, `active`): årsværk, unique citizens, expected cost, average price per årsværk, and
    the average duration in months of the grants active on `day` ((day − start) / 30.4375)."""
    on_steps = lazy(ledger).filter(pl.col("step").is_not_null())
    return figures_by(on_steps, ["step"], day).drop("grants")


def figures_by(ledger: Frame, keys: list[str], day: date) -> pl.DataFrame:
    """The staircase's five figures per combination of `keys` of a year's per-grant ledger: årsværk, unique
    citizens (with an active day in the year), expected cost, average price (cost / årsværk, null without
    årsværk), and average duration in months of the grants active on `day`; with the number of those grants
    (`grants`), which is how many durations the average is taken over (DESIGN.md §4)."""
    duration = ((pl.lit(day) - pl.col("start")).dt.total_days() / DAYS_PER_MONTH).filter(active_on(day))
    return (
        lazy(ledger)
        .group_by(keys)
        .agg(
            pl.col("fte").sum(),
            pl.col("citizen_id").filter(pl.col("active")).n_unique().cast(pl.Int64).alias("citizens"),
            pl.col("forecast").sum().alias("cost"),
            duration.mean().alias("avg_duration_months"),
            duration.len().cast(pl.Int64).alias("grants"),
        )
        .with_columns(avg_price=pl.when(pl.col("fte") > 0).then(pl.col("cost") / pl.col("fte")))
        .select(*keys, "fte", "citizens", "cost", "avg_price", "avg_duration_months", "grants")
        .sort(keys, nulls_last=True)
        .collect()
    )
