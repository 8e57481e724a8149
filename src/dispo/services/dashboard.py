"""The leader's overview (overblik): the year's forecast against budget month by month, the cost by provider
type, the intervention staircase and the paragraphs furthest from their budget.

Everything here is an aggregate of the cached ledger frames (`current.grant_frame`, `current.month_frame`) and
the canonical budgets, summed unrounded; no row names a citizen. The functions take the frames as arguments so
they run the same on the stored ledger and on a ledger read from files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from dispo.domain.staircase import Step, staircase_models
from dispo.domain.target_groups import target_groups
from dispo.engine.aggregate import summarise

PROVIDER_TYPES: tuple[str | None, ...] = ("egen", "anden_kommune", "region", "privat", None)
"""The provider types in the order the overview shows them; None is a grant without a provider."""
OFF_STAIRCASE = "Ikke på trappen"
"""The name of the row for grants whose paragraph has no step in the target group's staircase model."""


@dataclass(frozen=True)
class KeyFigures:
    """The year in four numbers. `budget` is None when no budget is stored for the year, and so is `diff`."""

    budget: float | None
    forecast: float
    actual_to_date: float
    remaining: float

    @property
    def diff(self) -> float | None:
        """Budget − forecast: what is left of the budget (negative: over budget)."""
        return None if self.budget is None else self.budget - self.forecast


def totals(grants: pl.DataFrame) -> dict[str, float | int | None]:
    """The sums over all `grants` (forecast, actual, rest of the year, årsværk, grants, average price), with
    unique citizens counted once however many rows of a table they appear on: the total row under a table."""
    figures = ["forecast", "actual_to_date", "remaining", "fte", "grants", "citizens", "avg_price"]
    everything = summarise(grants.with_columns(_all=pl.lit(True)), ["_all"]).select(figures).collect()
    if everything.height:
        return everything.row(0, named=True)
    return {**dict.fromkeys(figures[:4], 0.0), "grants": 0, "citizens": 0, "avg_price": None}


def year_budget(budgets: pl.DataFrame, year: int) -> float | None:
    """The sum of the year's budget lines, or None when the year has none."""
    lines = budgets.filter(pl.col("year") == year)
    return float(lines["amount"].sum()) if lines.height else None


def key_figures(grants: pl.DataFrame, budgets: pl.DataFrame, year: int) -> KeyFigures:
    """Budget, forecast, actual to date and the rest of the year for the whole municipality."""
    sums = grants.select(pl.col("forecast", "actual_to_date", "remaining").sum()).row(0, named=True)
    return KeyFigures(year_budget(budgets, year), sums["forecast"], sums["actual_to_date"], sums["remaining"])


def month_series(months: pl.DataFrame, budgets: pl.DataFrame, year: int) -> pl.DataFrame:
    """One row per calendar month of `year`: the month's actual and forecast summed over all grants, and at the
    month's end the cumulative actual, forecast and budget (the year's budget spread evenly, 1/12 a month;
    null without a budget). A month paid in advance counts as actual, as in the forecast (DESIGN.md §4)."""
    budget = year_budget(budgets, year)
    calendar = pl.DataFrame({"month": pl.date_range(date(year, 1, 1), date(year, 12, 1), "1mo", eager=True)})
    sums = months.group_by("month").agg(pl.col("actual_to_date").sum().alias("actual"), pl.col("forecast").sum())
    spread = pl.col("month").dt.month().cast(pl.Float64) * budget / 12 if budget is not None else pl.lit(None)
    return (
        calendar.join(sums, on="month", how="left")
        .with_columns(pl.col("actual", "forecast").fill_null(0.0))
        .sort("month")
        .with_columns(
            cumulative_actual=pl.col("actual").cum_sum(),
            cumulative_forecast=pl.col("forecast").cum_sum(),
            cumulative_budget=spread.cast(pl.Float64),
        )
    )


def by_provider_type(grants: pl.DataFrame) -> pl.DataFrame:
    """The forecast, actual, rest of the year, årsværk, grants and citizens per provider type, every type in
    PROVIDER_TYPES order with zeros where it has no grants."""
    order = pl.DataFrame({"provider_type": list(PROVIDER_TYPES)}, schema={"provider_type": pl.String})
    sums = summarise(grants, ["provider_type"]).collect()
    figures = ["forecast", "actual_to_date", "remaining", "fte", "grants", "citizens"]
    return (
        order.join(sums, on="provider_type", how="left", nulls_equal=True)
        .select("provider_type", *figures, "avg_price")
        .with_columns(pl.col(figures).fill_null(0))
    )


def staircase(grants: pl.DataFrame, target_group: str, model_steps: Sequence[Step] | None = None) -> pl.DataFrame:
    """The target group's staircase: per step of its model (lowest first) the årsværk, unique citizens, expected
    cost and average price (cost / årsværk), as `dispo forecast --by step` counts them (a citizen with grants on
    two steps counts on both). Grants on no step follow as one row named OFF_STAIRCASE, when there are any.

    `model_steps` names the steps of the model the grants' `step` column was made with: the stored ledger's
    frames stand on the models in effect (`services.staircases.effective_model`); without it, the shipped model
    of the target group, as a ledger read from files stands on."""
    if model_steps is None:
        model_steps = staircase_models()[target_groups()[target_group].staircase_model].steps
    steps = pl.DataFrame(
        {"step": [s.number for s in model_steps], "name": [s.name for s in model_steps]},
        schema={"step": pl.Int32, "name": pl.String},
    )
    sums = summarise(grants.filter(pl.col("target_group") == target_group), ["step"]).collect()
    figures = ["fte", "citizens", "forecast", "grants"]
    on_steps = steps.join(sums, on="step", how="left").with_columns(pl.col(figures).fill_null(0))
    off = sums.filter(pl.col("step").is_null()).with_columns(name=pl.lit(OFF_STAIRCASE))
    columns = ["step", "name", *figures, "avg_price"]
    return pl.concat([on_steps.select(columns), off.select(columns)])


def paragraph_differences(
    grants: pl.DataFrame, budgets: pl.DataFrame, year: int, limit: int = 10
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The paragraph lines (target group × paragraph, as in the follow-up table) furthest over and under their
    budget: up to `limit` with diff < 0, most over first, and up to `limit` with diff > 0, most left first.
    Only lines with a budget have a difference, as in the follow-up table."""
    lines = summarise(grants, ["target_group", "paragraph"], budgets.filter(pl.col("year") == year)).collect()
    lines = lines.filter(pl.col("budget").is_not_null()).select(
        "target_group", "paragraph", "budget", "forecast", "diff", "fte", "citizens"
    )
    over = lines.filter(pl.col("diff") < 0).sort("diff", "target_group", "paragraph").head(limit)
    under = lines.filter(pl.col("diff") > 0).sort(
        ["diff", "target_group", "paragraph"], descending=[True, False, False]
    )
    under = under.head(limit)
    return over, under
