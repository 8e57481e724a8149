"""The year's follow-ups side by side (månedsserie): per area and category the count of grants, årsværk and the
forecast at each follow-up, ending as the seed's monthly table does with the deviation ("Afvigelse").

dispo keeps budgets in kroner, not in places, so the deviation is the newest follow-up's forecast less the
budget: positive is an expected overspend (merforbrug). Every figure is read from the frozen lines, so a series
never changes once its follow-ups are approved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from dispo.store.followups.models import FollowUp, FollowUpLine

LEVELS = ("total", "area", "category")
POINT_FIGURES = ("grants", "fte", "forecast", "budget")


@dataclass(frozen=True)
class SeriesLine:
    """One line of the series: its figures at each follow-up (None where the line was absent), the newest
    follow-up's budget and the deviation (its forecast − budget; None without a budget)."""

    level: str
    target_group: str
    category: str
    label: str
    grants: tuple[int | None, ...]
    fte: tuple[float | None, ...]
    forecast: tuple[float | None, ...]
    budgets: tuple[float | None, ...]
    budget: float | None
    deviation: float | None

    @property
    def pairs(self) -> list[tuple[int | None, float | None]]:
        """(count, forecast) at each follow-up, as the series table shows them side by side."""
        return list(zip(self.grants, self.forecast, strict=True))


@dataclass(frozen=True)
class Series:
    followups: tuple[FollowUp, ...]
    lines: tuple[SeriesLine, ...]

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(f.as_of for f in self.followups)


def series_followups(year: int, until: FollowUp | None = None) -> list[FollowUp]:
    """The follow-ups a series shows, oldest first: all of the year, or, for the report of `until`, the
    approved ones up to it and `until` itself."""
    followups = FollowUp.objects.filter(year=year).order_by("as_of")
    if until is None:
        return list(followups)
    return [f for f in followups.filter(as_of__lte=until.as_of) if f.approved or f.pk == until.pk]


def series_frame(followups: list[FollowUp]) -> pl.DataFrame:
    """The long table: one row per follow-up and line of the LEVELS (followup_id, position, level,
    target_group, category, label, POINT_FIGURES)."""
    rows = FollowUpLine.objects.filter(followup__in=followups, level__in=LEVELS).values_list(
        "followup_id", "position", "level", "target_group", "category", "label", *POINT_FIGURES
    )
    schema = {
        "followup_id": pl.Int64,
        "position": pl.Int64,
        "level": pl.String,
        "target_group": pl.String,
        "category": pl.String,
        "label": pl.String,
        "grants": pl.Int64,
        "fte": pl.Float64,
        "forecast": pl.Float64,
        "budget": pl.Float64,
    }
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def monthly_series(followups: list[FollowUp]) -> Series:
    """The series over `followups` (oldest first), lines in the newest follow-up's order."""
    frame = series_frame(followups)
    ids = [f.pk for f in followups]
    key = ("level", "target_group", "category")
    newest = frame.filter(pl.col("followup_id") == ids[-1]) if ids else frame
    order = {tuple(r[k] for k in key): r["position"] for r in newest.iter_rows(named=True)}
    values = {(r["followup_id"], *(r[k] for k in key)): r for r in frame.iter_rows(named=True)}
    labels = {tuple(r[k] for k in key): r["label"] for r in frame.sort("followup_id").iter_rows(named=True)}
    lines = [_line(k, labels[k], [values.get((i, *k)) for i in ids]) for k in sorted(labels, key=_by(order))]
    return Series(tuple(followups), tuple(lines))


def _by(order: dict[tuple[str, ...], int]) -> Callable[[tuple[str, ...]], tuple[bool, int, tuple[str, ...]]]:
    """Lines of the newest follow-up in its order; lines it no longer has after them."""
    return lambda k: (k not in order, order.get(k, 0), k)


def _line(key: tuple[str, ...], label: str, points: list[dict[str, Any] | None]) -> SeriesLine:
    last = points[-1] or {}
    budget, forecast = last.get("budget"), last.get("forecast")
    level, target_group, category = key
    return SeriesLine(
        level=level,
        target_group=target_group,
        category=category,
        label=label,
        grants=tuple(None if p is None else p["grants"] for p in points),
        fte=tuple(None if p is None else p["fte"] for p in points),
        forecast=tuple(None if p is None else p["forecast"] for p in points),
        budgets=tuple(None if p is None else p["budget"] for p in points),
        budget=budget,
        deviation=None if budget is None or forecast is None else forecast - budget,
    )


def series_table(series: Series) -> pl.DataFrame:
    """The series as one wide table for downloads: label, then per follow-up its count and forecast, then
    the budget and the deviation."""
    columns: dict[str, list[object]] = {"Linje": [line.label for line in series.lines]}
    for n, day in enumerate(series.dates):
        stamp = day.strftime("%d-%m-%Y")
        columns[f"Antal indsatser {stamp}"] = [line.grants[n] for line in series.lines]
        columns[f"Årsværk {stamp}"] = [line.fte[n] for line in series.lines]
        columns[f"Forventet {stamp}"] = [line.forecast[n] for line in series.lines]
    columns["Budget"] = [line.budget for line in series.lines]
    columns["Afvigelse"] = [line.deviation for line in series.lines]
    return pl.DataFrame(columns, strict=False)
