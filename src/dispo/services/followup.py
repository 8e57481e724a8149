"""The budget follow-up table in the seed's layout: area → category → paragraph, with totals per level.

Each level is summed from the grants by the same `summarise`, never by adding the rows below it, so distinct
citizens are counted right at every level and every total equals the sum of its grants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from dispo.domain.paragraphs import categories, label
from dispo.domain.target_groups import target_groups
from dispo.engine.aggregate import SUMMARY_COLUMNS, summarise
from dispo.engine.catalogue import paragraph_table

LEVELS = (
    ("total", ["_all"]),
    ("area", ["target_group"]),
    ("category", ["target_group", "category"]),
    ("paragraph", ["target_group", "category", "paragraph"]),
)


@dataclass(frozen=True)
class FollowUpRow:
    level: str
    target_group: str | None
    category: str | None
    paragraph: str | None
    label: str
    figures: dict[str, Any]


def followup_frame(grants: pl.DataFrame, budgets: pl.DataFrame, year: int) -> pl.DataFrame:
    """All levels in one frame: a `level` column plus target_group, category, paragraph and the figures.

    `grants` is the year's per-grant ledger frame (`reports.ledger_frame`), `budgets` the canonical budgets.
    """
    grants = grants.with_columns(_all=pl.lit(True))
    budgets = (
        budgets.filter(pl.col("year") == year)
        .join(paragraph_table().select("paragraph", "category"), on="paragraph", how="left")
        .with_columns(_all=pl.lit(True))
    )
    frames = [summarise(grants, keys, budgets).collect().with_columns(level=pl.lit(level)) for level, keys in LEVELS]
    columns = ["level", "target_group", "category", "paragraph", *SUMMARY_COLUMNS]
    return pl.concat(
        [f.select([pl.col(c) if c in f.columns else pl.lit(None, pl.String).alias(c) for c in columns]) for f in frames]
    )


def _order(frame: pl.DataFrame) -> pl.DataFrame:
    group_order = {code: i for i, code in enumerate(target_groups())}
    category_order = {name: i for i, name in enumerate(categories())}
    return frame.with_columns(
        _g=pl.col("target_group").replace_strict(group_order, default=99, return_dtype=pl.Int32),
        _c=pl.col("category").replace_strict(category_order, default=99, return_dtype=pl.Int32),
    )


def followup_rows(grants: pl.DataFrame, budgets: pl.DataFrame, year: int) -> list[FollowUpRow]:
    """The table's rows in the seed's reading order: each area's heading, each category's heading, its
    paragraphs and its total, then the area's total; the grand total last. Headings carry no figures."""
    frame = _order(followup_frame(grants, budgets, year))
    groups = target_groups()
    rows: list[FollowUpRow] = []
    areas = frame.filter(pl.col("level") == "area").sort("_g")
    for area in areas.iter_rows(named=True):
        group = area["target_group"]
        area_label = groups[group].label if group in groups else group
        rows.append(FollowUpRow("area-heading", group, None, None, area_label, {}))
        in_area = frame.filter(pl.col("target_group") == group)
        for cat in in_area.filter(pl.col("level") == "category").sort("_c").iter_rows(named=True):
            rows.append(FollowUpRow("category-heading", group, cat["category"], None, cat["category"] or "", {}))
            paragraphs = in_area.filter((pl.col("level") == "paragraph") & (pl.col("category") == cat["category"]))
            for p in paragraphs.sort("paragraph").iter_rows(named=True):
                rows.append(_row("paragraph", p, label(p["paragraph"])))
            rows.append(_row("category", cat, f"I alt {cat['category'] or 'uden kategori'}"))
        rows.append(_row("area", area, f"I alt {area_label}"))
    total = frame.filter(pl.col("level") == "total").row(0, named=True)
    rows.append(_row("total", total, "I alt"))
    return rows


def _row(level: str, values: dict[str, Any], text: str) -> FollowUpRow:
    figures = {c: values[c] for c in SUMMARY_COLUMNS}
    return FollowUpRow(level, values["target_group"], values["category"], values["paragraph"], text, figures)
