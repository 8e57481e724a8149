"""Which disagreements the synthetic source exports carry, for whom, and how each is changed.

Each disagreement is injected into exactly one export, for a citizen of its own, so that its effect on the
ottetals-kontrol is plain: the citizen has exactly one decided grant in the window (1 January to today), with at
least one payment and 1,000 kr. in it, and no other disagreement. Per kind and source `share` of those citizens
(at least one when the share is not zero), drawn in one random order with the world's seed:

- `missing_citizen` (case, settlement, finance): every row of the citizen left out of that export;
- `shifted_date` (case): the grant's start 10-40 days later (or, where that would pass its end or today, its
  end 10-40 days earlier);
- `different_rate` (settlement): the settlement system's rate 5-25 % above or below the decided one, and so
  its payments;
- `unknown_paragraph` (case, settlement): the paragraph misspelled (`SEL 1088`) on the grant's rows, so the
  profile cannot read it;
- `duplicate_row` (case, settlement, finance): the grant's largest row written twice, one below the other;
- `posting_without_cpr` (finance): the CPR number left out of every posting of the citizen.

Kinds whose grant must stay comparable draw only among the citizens they can change visibly: a date is shifted
only where the shifted date stays inside the window and before the grant's end.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

KINDS: tuple[tuple[str, str], ...] = (
    ("missing_citizen", "case"),
    ("missing_citizen", "settlement"),
    ("missing_citizen", "finance"),
    ("shifted_date", "case"),
    ("different_rate", "settlement"),
    ("unknown_paragraph", "case"),
    ("unknown_paragraph", "settlement"),
    ("duplicate_row", "case"),
    ("duplicate_row", "settlement"),
    ("duplicate_row", "finance"),
    ("posting_without_cpr", "finance"),
)
"""Every (kind, source) of disagreement, in the order the citizens are drawn for them."""
SHARE = 0.01
"""Default share of the eligible citizens per kind and source."""
MIN_AMOUNT = 1000.0
"""Kroner a grant must have paid in the window to be changed: every change then moves it by more than a krone."""
SHIFT_DAYS = (10, 40)
RATE_CHANGE = (0.05, 0.25)


def eligible(grants: pl.DataFrame, paid: pl.DataFrame, today: date) -> pl.DataFrame:
    """The citizens with exactly one decided grant in the window, paid at least `MIN_AMOUNT` in it: one row
    each (the grant's columns), sorted by citizen."""
    first = date(today.year, 1, 1)
    in_window = (
        (pl.col("status") != "forventet")
        & (pl.col("start") <= today)
        & (pl.col("end").is_null() | (pl.col("end") >= first))
    )
    active = grants.filter(in_window)
    single = active.group_by("citizen_id").len().filter(pl.col("len") == 1).select("citizen_id")
    amounts = paid.group_by("grant_id").agg(pl.col("amount").sum().alias("paid"))
    return (
        active.join(single, on="citizen_id")
        .join(amounts, on="grant_id")
        .filter(pl.col("paid") >= MIN_AMOUNT)
        .sort("citizen_id")
    )


def _shift(pool: pl.DataFrame, days: np.ndarray, today: date) -> pl.DataFrame:
    """Where each pool grant's date can move `days` and stay visible: `shift_field` start (later) or end
    (earlier), and `shift_to`; null where neither can (a one-off, or a grant whose dates lie outside)."""
    first = date(today.year, 1, 1)
    step = pl.duration(days=pl.lit(pl.Series("days", days)))
    later = pl.col("start") + step
    earlier = pl.col("end") - step
    bound = pl.min_horizontal(pl.col("end").fill_null(pl.lit(today)), pl.lit(today))
    by_start = (pl.col("start") > pl.lit(first)) & (later <= bound)
    by_end = pl.col("end").is_between(pl.lit(first), pl.lit(today)) & (
        earlier >= pl.max_horizontal(pl.col("start"), pl.lit(first))
    )
    periodic = pl.col("price_basis") != "engang"
    return pool.with_columns(
        shift_field=pl.when(periodic & by_start)
        .then(pl.lit("start"))
        .when(periodic & by_end)
        .then(pl.lit("end"))
        .otherwise(pl.lit(None, pl.String)),
        shift_to=pl.when(periodic & by_start).then(later).when(periodic & by_end).then(earlier),
    )


def draw(pool: pl.DataFrame, rng: np.random.Generator, share: float, today: date) -> pl.DataFrame:
    """One row per disagreement: kind, source, citizen_id, grant_id and what it needs (`shift_field`, `shift_to`,
    `factor` for a new rate). The pool is `eligible`'s; each citizen gets at most one disagreement."""
    n = pool.height
    order = rng.permutation(n)
    days = rng.integers(SHIFT_DAYS[0], SHIFT_DAYS[1] + 1, n)
    change = rng.uniform(*RATE_CHANGE, n) * np.where(rng.random(n) < 0.5, -1.0, 1.0)
    candidates = (
        _shift(pool, days, today).with_columns(order=pl.Series(order), factor=pl.Series(1.0 + change)).sort("order")
    )
    count = max(1, round(share * n)) if share > 0 else 0
    taken: list[pl.DataFrame] = []
    used = pl.Series("citizen_id", [], pl.String)
    for kind, source in KINDS:
        fits = candidates.filter(~pl.col("citizen_id").is_in(used.implode()))
        if kind == "shifted_date":
            fits = fits.filter(pl.col("shift_field").is_not_null())
        chosen = fits.head(count).with_columns(kind=pl.lit(kind), source=pl.lit(source))
        used = pl.concat([used, chosen["citizen_id"]])
        taken.append(chosen)
    return pl.concat(taken).select(
        "kind", "source", "citizen_id", "grant_id", "paragraph", "shift_field", "shift_to", "factor"
    )


def of(chosen: pl.DataFrame, kind: str, source: str) -> pl.DataFrame:
    """The disagreements of one kind in one source."""
    return chosen.filter((pl.col("kind") == kind) & (pl.col("source") == source))


def shifted(grants: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """The grants with the case system's shifted dates."""
    moves = of(chosen, "shifted_date", "case").select("grant_id", "shift_field", "shift_to")
    joined = grants.join(moves, on="grant_id", how="left", maintain_order="left")
    return joined.with_columns(
        start=pl.when(pl.col("shift_field") == "start").then(pl.col("shift_to")).otherwise(pl.col("start")),
        end=pl.when(pl.col("shift_field") == "end").then(pl.col("shift_to")).otherwise(pl.col("end")),
    ).drop("shift_field", "shift_to")
