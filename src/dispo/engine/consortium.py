"""The study's tables from several municipalities' aggregate files: counts, key figures, shares, fits, hypotheses.

The inputs are what the files carry, never a person: `totals` (municipality, screened, inhabitants_18_66,
residential_care — the last None where the municipality had to hide it) and `answers` (municipality, question,
answer, count — only the cells each municipality could show). `municipalities` adds name, region and the
socio-economic index.

Conventions (docs/screening.md):
- A figure for a group of municipalities (a region, all) is a ratio of sums, not a mean of the municipalities'
  ratios: 0.51 per 1,000 is all expensive cases over all inhabitants aged 18-66 of the group.
- The residential-care figures use only the municipalities that report their residential-care count.
- A share is of all screened citizens of the group. Cells a municipality hid are not in any count: what is
  hidden of a question is `screened - sum of its shown cells`, shown as its own line, so a share is a lower
  bound and share + hidden its upper bound. A hypothesis's estimate is instead of the citizens whose answer is
  shown (not "ubesvaret"), as the study counted its shares of the answers given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from dispo.engine.screening import UNANSWERED

ALL = "I alt"
HIDDEN = "skjult"
"""The line of a question's cells hidden by suppression (under 5, or hiding one that was)."""
TOTAL_SCHEMA = {
    "municipality": pl.String,
    "screened": pl.Int64,
    "inhabitants_18_66": pl.Int64,
    "residential_care": pl.Int64,
}
ANSWER_SCHEMA = {"municipality": pl.String, "question": pl.String, "answer": pl.String, "count": pl.Int64}
MUNICIPALITY_COLUMNS = (
    "region_name",
    "name",
    "municipality",
    "screened",
    "inhabitants_18_66",
    "per_1000",
    "residential_care",
    "residential_per_1000",
    "share_of_residential",
    "socio_economic_index",
)
REGION_COLUMNS = (
    "region_name",
    "municipalities",
    "screened",
    "inhabitants_18_66",
    "per_1000",
    "residential_per_1000",
    "share_of_residential",
)


def _key_figures(frame: pl.DataFrame | pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """Sums per group and the three key figures of the seed's table, as ratios of sums."""
    known = pl.col("residential_care").is_not_null()
    return (
        frame.lazy()
        .group_by(keys)
        .agg(
            municipalities=pl.len(),
            screened=pl.col("screened").sum(),
            inhabitants_18_66=pl.col("inhabitants_18_66").sum(),
            residential_care=pl.col("residential_care").sum(),
            _inhabitants_known=pl.col("inhabitants_18_66").filter(known).sum(),
            _screened_known=pl.col("screened").filter(known).sum(),
        )
        .with_columns(
            per_1000=pl.col("screened") / pl.col("inhabitants_18_66") * 1000,
            residential_per_1000=_ratio(pl.col("residential_care"), pl.col("_inhabitants_known")) * 1000,
            share_of_residential=_ratio(pl.col("_screened_known"), pl.col("residential_care")),
        )
    )


def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return pl.when(denominator > 0).then(numerator / denominator)


def municipality_table(totals: pl.DataFrame, municipalities: pl.DataFrame) -> pl.DataFrame:
    """One row per municipality: screened, inhabitants 18-66, expensive cases per 1,000, citizens in
    residential care (per 1,000) and the expensive cases' share of them; by region, then name."""
    joined = totals.join(municipalities, on="municipality", how="left")
    figures = _key_figures(joined, ["municipality"]).select(
        "municipality", "per_1000", "residential_per_1000", "share_of_residential"
    )
    return (
        joined.lazy()
        .join(figures, on="municipality")
        .sort("region_name", "name")
        .select(MUNICIPALITY_COLUMNS)
        .collect()
    )


def region_table(totals: pl.DataFrame, municipalities: pl.DataFrame) -> pl.DataFrame:
    """The seed's key-figure table: per region and in all, the number of municipalities, screened, inhabitants
    18-66, expensive cases per 1,000, citizens in residential care per 1,000 and the expensive cases' share."""
    joined = totals.join(municipalities, on="municipality", how="left")
    regions = _key_figures(joined, ["region_name"]).sort("region_name")
    overall = _key_figures(joined.with_columns(region_name=pl.lit(ALL)), ["region_name"])
    return pl.concat([regions, overall]).select(REGION_COLUMNS).collect()


def answer_shares(
    answers: pl.DataFrame,
    totals: pl.DataFrame,
    groups: pl.DataFrame,
    question: str,
    codes: list[str],
    partition: bool = True,
) -> pl.DataFrame:
    """Per group and answer code: count and share of the group's screened; for a partition question also the
    hidden line. `groups` maps municipality to `group` (a region, the municipality itself, or one group for
    all)."""
    grid = (
        groups.select("group")
        .unique(maintain_order=True)
        .join(pl.DataFrame({"answer": codes}, schema={"answer": pl.String}).with_row_index("position"), how="cross")
    )
    screened = totals.join(groups, on="municipality").group_by("group").agg(pl.col("screened").sum())
    counted = (
        answers.filter(pl.col("question") == question)
        .join(groups, on="municipality")
        .group_by("group", "answer")
        .agg(pl.col("count").sum())
    )
    table = grid.join(counted, on=["group", "answer"], how="left").with_columns(pl.col("count").fill_null(0))
    if partition:
        hidden = table.group_by("group").agg(shown=pl.col("count").sum()).join(screened, on="group")
        table = pl.concat(
            [
                table,
                hidden.select(
                    "group",
                    position=pl.lit(len(codes), pl.UInt32),
                    answer=pl.lit(HIDDEN),
                    count=pl.col("screened") - pl.col("shown"),
                ),
            ],
            how="diagonal_relaxed",
        )
    order = groups.select("group").unique(maintain_order=True).with_row_index("group_position")
    return (
        table.join(screened, on="group", how="left")
        .join(order, on="group")
        .with_columns(share=_ratio(pl.col("count"), pl.col("screened")))
        .sort("group_position", "position")
        .select("group", "answer", "count", "screened", "share")
    )


@dataclass(frozen=True)
class Fit:
    """A least-squares line y = intercept + slope × x through n points, and its r²."""

    slope: float
    intercept: float
    r2: float
    n: int


def fit(x: pl.Series, y: pl.Series) -> Fit | None:
    """The fitted line and r² (1 - residual / total sum of squares); None for fewer than 3 points or no
    spread in x or y, where a line says nothing."""
    xs, ys = x.cast(pl.Float64).to_numpy(), y.cast(pl.Float64).to_numpy()
    keep = ~(np.isnan(xs) | np.isnan(ys))
    xs, ys = xs[keep], ys[keep]
    if len(xs) < 3 or np.ptp(xs) == 0 or np.ptp(ys) == 0:
        return None
    slope, intercept = np.polyfit(xs, ys, 1)
    residual = float(np.sum((ys - (intercept + slope * xs)) ** 2))
    total = float(np.sum((ys - ys.mean()) ** 2))
    return Fit(float(slope), float(intercept), 1 - residual / total, len(xs))


def hypothesis_figures(answers: pl.DataFrame, totals: pl.DataFrame, hypotheses: pl.DataFrame) -> pl.DataFrame:
    """Per hypothesis (`hypotheses`: number, question, answer, supports_from — one row per counted answer):
    the citizens with a counted answer, the screened, the answered (shown cells other than "ubesvaret") and
    the hidden ones of the question; the share as an estimate (counted / answered) and as a lower and an upper
    bound (counted, and counted + hidden, of all screened); the reading — "støtter" when the estimate reaches
    `supports_from`, "svækker" when it stays below, "uafklaret" with no shown answer — and whether the bounds
    agree with it (`certain`: the hidden cells cannot turn the reading)."""
    questions = hypotheses.select("number", "question", "supports_from").unique()
    counted = (
        answers.join(hypotheses.select("number", "question", "answer"), on=["question", "answer"])
        .group_by("number")
        .agg(counted=pl.col("count").sum())
    )
    shown = answers.group_by("municipality", "question").agg(
        shown=pl.col("count").sum(), answered=pl.col("count").filter(pl.col("answer") != UNANSWERED).sum()
    )
    sums = (
        totals.select("municipality", "screened")
        .join(questions, how="cross")
        .join(shown, on=["municipality", "question"], how="left")
        .group_by("number", "supports_from")
        .agg(
            screened=pl.col("screened").sum(),
            answered=pl.col("answered").fill_null(0).sum(),
            hidden=(pl.col("screened") - pl.col("shown").fill_null(0)).sum(),
        )
    )
    threshold = pl.col("supports_from")
    return (
        sums.join(counted, on="number", how="left")
        .with_columns(pl.col("counted").fill_null(0))
        .filter(pl.col("screened") > 0)
        .with_columns(
            estimate=_ratio(pl.col("counted"), pl.col("answered")),
            low=pl.col("counted") / pl.col("screened"),
            high=(pl.col("counted") + pl.col("hidden")) / pl.col("screened"),
        )
        .with_columns(
            reading=pl.when(pl.col("estimate").is_null())
            .then(pl.lit("uafklaret"))
            .when(pl.col("estimate") >= threshold)
            .then(pl.lit("støtter"))
            .otherwise(pl.lit("svækker")),
            certain=(pl.col("low") >= threshold) | (pl.col("high") < threshold),
        )
        .sort("number")
        .select("number", "counted", "answered", "screened", "hidden", "estimate", "low", "high", "reading", "certain")
    )


def position(values: pl.DataFrame, column: str, municipality: str) -> dict[str, float | int | None]:
    """Where one municipality stands on `column` among those with a value: its value, its rank (1 = the
    highest), how many have a value, and the lowest, median and highest value."""
    known = values.filter(pl.col(column).is_not_null() & pl.col(column).is_not_nan())
    ranked = known.with_columns(rank=pl.col(column).rank("min", descending=True))
    own = ranked.filter(pl.col("municipality") == municipality)
    stats = known.select(low=pl.col(column).min(), median=pl.col(column).median(), high=pl.col(column).max()).row(
        0, named=True
    )
    return {
        "value": own[column].item() if own.height else None,
        "rank": int(own["rank"].item()) if own.height else None,
        "n": known.height,
        **stats,
    }
