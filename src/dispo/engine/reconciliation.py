"""The ottetals-kontrol: the same grants seen by two source systems, compared per paragraph (DESIGN.md §4).

Each source is a table of grant lines with a citizen key (the keyed CPR pseudonym, so that sources join without
CPR numbers), a paragraph, and the attributes to compare (provider, start, end, rate). Per paragraph:

- only in A: citizens with the paragraph in A and not in B; only in B likewise;
- differs seen from A: lines of A whose citizen has the paragraph in B too, but with no line in B that matches
  on every compared attribute (within the tolerances); seen from B likewise;
- equal: lines with a matching line on the other side.

Every count comes with its rows (`lines`), so that a user can open it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dispo.engine.periods import Frame, lazy

KEY = ("citizen", "paragraph")
COMPARED = ("provider", "start", "end", "rate")
CATEGORIES = ("only_in_a", "only_in_b", "differs_from_a", "differs_from_b", "equal_a", "equal_b")


@dataclass(frozen=True)
class Tolerance:
    """How far apart two lines may be and still match: days on each date, kroner and a share on the rate."""

    days: int = 0
    kroner: float = 0.005
    share: float = 0.0


def _matches(tolerance: Tolerance) -> pl.Expr:
    def same_date(name: str) -> pl.Expr:
        left, right = pl.col(name), pl.col(f"{name}_other")
        close = (left - right).dt.total_days().abs() <= tolerance.days
        return (left.is_null() & right.is_null()) | close.fill_null(False)

    rate_gap = (pl.col("rate") - pl.col("rate_other")).abs()
    allowed = pl.max_horizontal(pl.lit(tolerance.kroner), pl.col("rate").abs() * tolerance.share)
    return (
        pl.col("provider").eq_missing(pl.col("provider_other"))
        & same_date("start")
        & same_date("end")
        & (rate_gap <= allowed).fill_null(pl.col("rate").is_null() & pl.col("rate_other").is_null())
    )


def _classify(side: pl.LazyFrame, other: pl.LazyFrame, tolerance: Tolerance, label: str) -> pl.LazyFrame:
    """Each line of `side` with its category against `other`, and which compared columns differ from the
    nearest line of the other side (the first of the citizen's lines for the paragraph)."""
    other_keys = other.select(*KEY).unique().with_columns(in_other=pl.lit(True))
    candidates = other.rename({c: f"{c}_other" for c in COMPARED})
    matched = (
        side.join(candidates, on=list(KEY), how="inner")
        .filter(_matches(tolerance))
        .select("line")
        .unique()
        .with_columns(matched=pl.lit(True))
    )
    first_other = candidates.group_by(*KEY).first()
    differing = [pl.when(~pl.col(c).eq_missing(pl.col(f"{c}_other"))).then(pl.lit(c)) for c in COMPARED]
    return (
        side.join(other_keys, on=list(KEY), how="left")
        .join(matched, on="line", how="left")
        .join(first_other, on=list(KEY), how="left")
        .with_columns(
            category=pl.when(pl.col("in_other").is_null())
            .then(pl.lit(f"only_in_{label}"))
            .when(pl.col("matched").is_null())
            .then(pl.lit(f"differs_from_{label}"))
            .otherwise(pl.lit(f"equal_{label}")),
            differs=pl.concat_str(differing, separator=",", ignore_nulls=True),
        )
        .with_columns(differs=pl.when(pl.col("category").str.starts_with("differs")).then(pl.col("differs")))
        .select("line", *KEY, *COMPARED, "category", "differs", *(f"{c}_other" for c in COMPARED))
    )


def reconcile(a: Frame, b: Frame, tolerance: Tolerance | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Compare source `a` with source `b`. Returns (summary per paragraph, lines with their category).

    Both sources have columns citizen, paragraph, provider, start, end, rate. The summary counts distinct
    citizens for the two "only in" categories and lines for the others, with the sizes of each side.
    """
    rule = tolerance or Tolerance()
    left = lazy(a).select(*KEY, *COMPARED).with_row_index("line")
    right = lazy(b).select(*KEY, *COMPARED).with_row_index("line")
    lines = pl.concat(
        [
            _classify(left, right, rule, "a").with_columns(source=pl.lit("a")),
            _classify(right, left, rule, "b").with_columns(source=pl.lit("b")),
        ]
    ).collect()
    return _summary(lines), lines


def _summary(lines: pl.DataFrame) -> pl.DataFrame:
    """Per paragraph: the size of each side, then distinct citizens only in one side, and lines per category."""
    per_category = [
        (
            pl.col("citizen").filter(pl.col("category") == c).n_unique()
            if c.startswith("only")
            else (pl.col("category") == c).sum()
        )
        .cast(pl.Int64)
        .alias(c)
        for c in CATEGORIES
    ]
    return (
        lines.group_by("paragraph")
        .agg(
            (pl.col("source") == "a").sum().cast(pl.Int64).alias("lines_a"),
            (pl.col("source") == "b").sum().cast(pl.Int64).alias("lines_b"),
            pl.col("citizen").filter(pl.col("source") == "a").n_unique().cast(pl.Int64).alias("citizens_a"),
            pl.col("citizen").filter(pl.col("source") == "b").n_unique().cast(pl.Int64).alias("citizens_b"),
            *per_category,
        )
        .sort("paragraph")
    )
