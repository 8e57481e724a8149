"""One synthetic municipality as canonical tables, and the world sizes made of them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from .budgets import budgets
from .calibration import cost_targets
from .casework import assign
from .citizens import register
from .costs import calibration_factors, months, price_levels, priced, rate_changes
from .grants import EXPECTED, STATUSES, draw_grants
from .knowledge import STREAM, known_dates
from .organisation import caseworkers, providers, units
from .payments import payments
from .places import Place
from .segments import SEGMENTS
from .timeline import Timeline

PAIRS: tuple[tuple[str, str], ...] = tuple(dict.fromkeys((s.target_group, s.paragraph) for s in SEGMENTS))
"""Every (target group, paragraph) of the world; `tp` is the index into this."""

SEGMENT_TABLE = pl.DataFrame(
    {
        "seg": list(range(len(SEGMENTS))),
        "tp": [PAIRS.index((s.target_group, s.paragraph)) for s in SEGMENTS],
        "target_group": [s.target_group for s in SEGMENTS],
        "paragraph": [s.paragraph for s in SEGMENTS],
        "basis": [s.basis for s in SEGMENTS],
        "kind": [s.kind for s in SEGMENTS],
    },
    schema={
        "seg": pl.Int16,
        "tp": pl.Int16,
        "target_group": pl.String,
        "paragraph": pl.String,
        "basis": pl.String,
        "kind": pl.String,
    },
)
PAIR_TABLE = pl.DataFrame(
    {"tp": list(range(len(PAIRS))), "target_group": [p[0] for p in PAIRS], "paragraph": [p[1] for p in PAIRS]},
    schema={"tp": pl.Int16, "target_group": pl.String, "paragraph": pl.String},
)
VARIATION = 0.15
"""Spread (log scale) of a varied municipality's stock per target group and paragraph."""


@dataclass(frozen=True)
class Municipality:
    """One municipality of a world: where it is, its size relative to the demo and its neighbours."""

    place: Place
    index: int
    scale: float
    others: tuple[str, ...]
    """Municipality codes it buys places from and shares citizens with."""
    block: tuple[float, float] = (0.0, 1.0)
    """Its share of the CPR serials (start, width), disjoint from the other municipalities'."""
    varied: bool = False
    """Whether its mix of grants differs at random from the demo's."""


def build(m: Municipality, seed: int, tl: Timeline) -> dict[str, pl.DataFrame]:
    """All canonical tables of one municipality."""
    rng = np.random.default_rng([seed, m.index])
    code = m.place.code
    variation = np.exp(rng.normal(0.0, VARIATION, len(PAIRS))) if m.varied else np.ones(len(PAIRS))
    tp = SEGMENT_TABLE["tp"].to_numpy()
    stocks = np.array([s.stock for s in SEGMENTS]) * m.scale * variation[tp]

    drawn, people = draw_grants(rng, stocks, tl)
    grants = drawn.join(SEGMENT_TABLE, on="seg", how="left").with_columns(
        pl.col("status").replace_strict(list(range(3)), list(STATUSES), return_dtype=pl.String),
        pl.when(pl.col("origin") == EXPECTED).then(pl.col("probability")).otherwise(1.0).alias("probability"),
    )
    first_year = grants.select(pl.col("start").dt.year().min()).item()
    levels = price_levels(tl, int(first_year) if first_year is not None else tl.year)

    rows = months(grants, tl)
    targets = {PAIRS.index(k): v * m.scale * variation[PAIRS.index(k)] for k, v in cost_targets().items()}
    factors = calibration_factors(rows, targets, tl, levels)
    grants = _rescale(grants, factors)
    rows = priced(_rescale(rows, factors), levels)

    staff = caseworkers(rng, m.place, m.scale)
    market = providers(rng, m.place, m.scale, m.others)
    citizens = register(rng, grants, people, m.place.code, m.block)
    grants = assign(rng, grants, citizens, staff, market, m.place.code, m.others)
    paid = payments(rng, grants, rows, levels, tl)
    ids = grants.select("gkey", "grant_id")
    return {
        "citizens": citizens,
        "providers": market.frame,
        "units": units(m.place),
        "caseworkers": staff.frame,
        "grants": _canonical_grants(grants, levels),
        "rates": rate_changes(grants, tl, levels).join(ids, on="gkey", how="left").sort("gkey", "valid_from"),
        "payments": paid.join(ids, on="gkey", how="left", maintain_order="left").with_columns(
            service_month=pl.concat_str(
                (pl.col("mi") // 12).cast(pl.String), pl.lit("-"), (pl.col("mi") % 12 + 1).cast(pl.String).str.zfill(2)
            )
        ),
        "budgets": budgets(rng, rows, PAIR_TABLE, tl, code),
        "known": known_dates(np.random.default_rng([seed, m.index, STREAM]), grants, tl),
    }


def _rescale(frame: pl.DataFrame, factors: pl.DataFrame) -> pl.DataFrame:
    """Multiply the rates by their (target group, paragraph)'s calibration factor."""
    return (
        frame.join(factors, on="tp", how="left", maintain_order="left")
        .with_columns(pl.col("rate") * pl.col("factor").fill_null(1.0))
        .drop("factor")
    )


def _canonical_grants(grants: pl.DataFrame, levels: pl.DataFrame) -> pl.DataFrame:
    """grants.csv columns from the internal frame; the rate is that of the start year."""
    return (
        grants.with_columns(year=pl.col("start").dt.year().cast(pl.Int32))
        .join(levels, on="year", how="left", maintain_order="left")
        .with_columns(
            rate=(pl.col("rate") * pl.col("level")).round(2),
            hours_per_week=pl.when(pl.col("basis") == "time").then(pl.col("hours")),
            price_basis=pl.col("basis"),
            probability=pl.when(pl.col("status") == "forventet").then(pl.col("probability")),
        )
        .sort("gkey")
    )
