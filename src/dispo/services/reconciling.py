"""The ottetals-kontrol of the stored source extracts: three pairs, the four counts per key, amounts side by side.

Each pair (case ↔ settlement, case ↔ finance, settlement ↔ finance) is compared by `engine.reconciliation` on the
pair's lines (`source_lines.pair_lines`): per citizen and key, the months covered within a window and the amount
in it; the provider too where both sources know it. So "differs" means: another provider, other first or last
month, or another amount (beyond the tolerance) — what the grant says against what was paid or booked.

`compare` is pure (tables in, tables out); the functions below it read the stored extracts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dispo.engine.reconciliation import Tolerance, reconcile
from dispo.services import source_lines
from dispo.services.source_lines import HAS_PROVIDER, Window, finance_key

PAIRS = (("case", "settlement"), ("case", "finance"), ("settlement", "finance"))
"""The pairs of sources the ottetals-kontrol compares, as (side a, side b)."""
TOLERANCE = Tolerance(days=0, kroner=1.0, share=0.0)
"""Lines are month-aligned, so dates must agree to the month; amounts within a krone (rounding of a payment)."""


@dataclass(frozen=True)
class Comparison:
    """One pair compared: `summary` per key (engine.reconciliation's columns) and `lines` with their category,
    the other side's values, `cpr_masked` and `rows` (the export rows behind each line)."""

    a: str
    b: str
    summary: pl.DataFrame
    lines: pl.DataFrame


def compare(
    a: str, a_lines: pl.DataFrame, b: str, b_lines: pl.DataFrame, window: Window, tolerance: Tolerance = TOLERANCE
) -> Comparison:
    """Source `a`'s lines (`source_lines.LINE`) against source `b`'s, within `window`."""
    with_provider = HAS_PROVIDER[a] and HAS_PROVIDER[b]
    by_function = "finance" in (a, b)
    left = source_lines.pair_lines(a_lines, a, window, with_provider, by_function)
    right = source_lines.pair_lines(b_lines, b, window, with_provider, by_function)
    summary, lines = reconcile(left, right, tolerance)
    details = pl.concat(
        [
            side.with_row_index("line").select("line", "cpr_masked", "rows").with_columns(source=pl.lit(label))
            for label, side in (("a", left), ("b", right))
        ]
    )
    joined = lines.join(details, on=["source", "line"], how="left").sort("paragraph", "source", "citizen")
    return Comparison(a, b, summary, joined)


def key_label(key: str) -> str:
    """How a page names a key: the paragraph, or the account function with the paragraphs booked on it."""
    paragraphs = source_lines.function_paragraphs().get(key)
    if paragraphs is None:
        return key
    return f"{key} ({', '.join(paragraphs)})"


def amounts(lines: dict[str, pl.DataFrame], window: Window) -> pl.DataFrame:
    """Per key (as in pairs with the finance system): what the grants say should be paid in the window (computed
    cost of the case system's decided grants, by the ledger's cost rules), what was settled and what was booked.

    Amounts are summed unrounded; lines of a source without the key (an unknown paragraph) count under a null key,
    postings without a CPR number count too (an amount needs no citizen).
    """
    first = window.first.replace(day=1)
    frames = []
    for kind, column in (("case", "granted"), ("settlement", "settled"), ("finance", "booked")):
        source = lines.get(kind)
        if source is None or source.is_empty():
            continue
        active = source.filter(pl.col("start") <= window.last, pl.col("end").is_null() | (pl.col("end") >= first))
        if kind == "case":
            active = source_lines.case_amounts(active, window)
        frames.append(
            active.group_by(finance_key(pl.col("paragraph"), pl.col("account_function")).alias("key")).agg(
                pl.col("amount").sum().alias(column)
            )
        )
    table = pl.DataFrame(schema={"key": pl.String})
    for frame in frames:
        table = table.join(frame, on="key", how="full", coalesce=True)
    for column in ("granted", "settled", "booked"):
        if column not in table.columns:
            table = table.with_columns(pl.lit(0.0).alias(column))
    return (
        table.with_columns(pl.col("granted", "settled", "booked").fill_null(0.0))
        .with_columns(
            settled_minus_granted=pl.col("settled") - pl.col("granted"),
            booked_minus_settled=pl.col("booked") - pl.col("settled"),
        )
        .sort("key", nulls_last=True)
    )


def default_window(lines: dict[str, pl.DataFrame], today: date) -> Window:
    """January to the last month any settlement or finance line covers, in the latest such year (else this year
    to today): the months every source can speak of."""
    ends = [
        frame["end"].max()
        for kind, frame in lines.items()
        if kind != "case" and not frame.is_empty() and frame["end"].max() is not None
    ]
    last = max((e for e in ends if isinstance(e, date)), default=today)
    return Window(date(last.year, 1, 1), last)
