"""The ottetals-kontrol on a hand-made pair of sources whose differences are known."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dispo.engine.reconciliation import Tolerance, reconcile

SCHEMA = {
    "citizen": pl.String,
    "paragraph": pl.String,
    "provider": pl.String,
    "start": pl.Date,
    "end": pl.Date,
    "rate": pl.Float64,
}
D1, D2 = date(2025, 1, 1), date(2025, 12, 31)

CASE_SYSTEM = pl.DataFrame(
    [
        ("p1", "SEL108", "egely", D1, None, 2000.0),  # equal in both
        ("p2", "SEL108", "egely", D1, None, 2000.0),  # only in the case system
        ("p3", "SEL108", "egely", D1, None, 2000.0),  # rate differs: 2,100 in settlement
        ("p4", "SEL108", "egely", D1, D2, 2000.0),  # end differs by one day
        ("p5", "SEL85", "stoette", D1, None, 400.0),  # equal
    ],
    schema=SCHEMA,
    orient="row",
)
SETTLEMENT = pl.DataFrame(
    [
        ("p1", "SEL108", "egely", D1, None, 2000.0),
        ("p3", "SEL108", "egely", D1, None, 2100.0),
        ("p4", "SEL108", "egely", D1, date(2025, 12, 30), 2000.0),
        ("p5", "SEL85", "stoette", D1, None, 400.0),
        ("p6", "SEL85", "stoette", D1, None, 400.0),  # only in settlement
        ("p6", "SEL85", "stoette", date(2024, 1, 1), date(2024, 12, 31), 380.0),  # the same citizen, earlier
    ],
    schema=SCHEMA,
    orient="row",
)


def test_the_four_counts_per_paragraph() -> None:
    summary, _ = reconcile(CASE_SYSTEM, SETTLEMENT)
    rows = {r["paragraph"]: r for r in summary.iter_rows(named=True)}
    sel108 = rows["SEL108"]
    assert (sel108["lines_a"], sel108["lines_b"], sel108["citizens_a"], sel108["citizens_b"]) == (4, 3, 4, 3)
    assert (sel108["only_in_a"], sel108["only_in_b"]) == (1, 0)
    assert (sel108["differs_from_a"], sel108["differs_from_b"]) == (2, 2)
    assert (sel108["equal_a"], sel108["equal_b"]) == (1, 1)
    sel85 = rows["SEL85"]
    assert (sel85["only_in_a"], sel85["only_in_b"], sel85["equal_a"]) == (0, 1, 1)


def test_each_count_opens_to_its_rows_with_the_differing_columns() -> None:
    _, lines = reconcile(CASE_SYSTEM, SETTLEMENT)
    differs = lines.filter(pl.col("category") == "differs_from_a").sort("citizen")
    assert differs["citizen"].to_list() == ["p3", "p4"]
    assert differs["differs"].to_list() == ["rate", "end"]
    only_b = lines.filter(pl.col("category") == "only_in_b")
    assert only_b["citizen"].to_list() == ["p6", "p6"]


def test_a_tolerance_lets_near_lines_match() -> None:
    summary, _ = reconcile(CASE_SYSTEM, SETTLEMENT, Tolerance(days=1, share=0.05))
    sel108 = summary.filter(pl.col("paragraph") == "SEL108").row(0, named=True)
    assert (sel108["differs_from_a"], sel108["equal_a"]) == (0, 3)


def test_identical_sources_are_all_equal() -> None:
    summary, lines = reconcile(CASE_SYSTEM, CASE_SYSTEM)
    assert lines["category"].str.starts_with("equal").all()
    assert summary["equal_a"].sum() == CASE_SYSTEM.height


@pytest.mark.parametrize("empty_side", ["a", "b"])
def test_an_empty_source_makes_everything_only_in_the_other(empty_side: str) -> None:
    empty = CASE_SYSTEM.clear()
    a, b = (empty, SETTLEMENT) if empty_side == "a" else (CASE_SYSTEM, empty)
    summary, _ = reconcile(a, b)
    other = "b" if empty_side == "a" else "a"
    # distinct citizens per paragraph: SEL108 p1, p3, p4 (+ p2 in A), SEL85 p5 (+ p6 in B): 5 either way
    assert summary[f"only_in_{other}"].sum() == 5
