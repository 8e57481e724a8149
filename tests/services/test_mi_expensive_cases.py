"""The list of expensive single cases (SDE) on the hand-worked world of tests/data/mi, and its rules on frames."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from dispo.services.ledger import Ledger
from dispo.services.mi.expensive_cases import cost_bracket, expensive_cases, for_download
from dispo.services.reports import ledger_frame

WORLD = Path(__file__).parents[1] / "data" / "mi"
FIRST_2025 = {"voksne": 960_000.0, "boern": 960_000.0}


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return Ledger.from_folder(WORLD)


@pytest.fixture(scope="module")
def cases(ledger: Ledger) -> pl.DataFrame:
    grants = ledger_frame(ledger, 2025, date(2025, 6, 30), "999").collect()
    return expensive_cases(grants, ledger["citizens"], FIRST_2025)


def one(cases: pl.DataFrame, key: str) -> dict[str, Any]:
    return cases.filter(pl.col("key") == key).row(0, named=True)


def test_an_adult_above_every_threshold_is_reimbursed_by_each_step(cases: pl.DataFrame) -> None:
    c1 = one(cases, "c1")
    # Counted: SEL108 at 8,000 a day less 5 % VAT compensation = 2,774,000; SUL141 is outside the scheme.
    assert c1["sde_expense"] == pytest.approx(2_774_000)
    # 0.25 × (1,880,000 − 960,000) + 0.5 × (2,370,000 − 1,880,000) + 0.75 × (2,774,000 − 2,370,000).
    assert c1["sde_reimbursement"] == pytest.approx(230_000 + 245_000 + 303_000)
    assert c1["gross"] == pytest.approx(2_920_000 + 120_000)
    assert c1["net"] == pytest.approx(3_040_000 - 146_000 - 778_000)
    assert c1["bracket"] == "3,0-3,5 mio. kr."


def test_children_are_counted_per_household(cases: pl.DataFrame) -> None:
    h1 = one(cases, "h1")
    assert (h1["kind"], h1["citizen_ids"], h1["cprs"]) == ("boern", ["c6", "c7"], ["620212-4005", "640414-4008"])
    # Two placements at 2,500 a day less 5 %: 1,733,750, every month between the first and second step.
    assert h1["sde_expense"] == pytest.approx(1_733_750)
    assert h1["sde_reimbursement"] == pytest.approx(0.25 * (1_733_750 - 960_000))


def test_a_case_below_the_yearly_threshold_is_listed_when_reimbursed_month_by_month(cases: pl.DataFrame) -> None:
    c2 = one(cases, "c2")
    assert c2["sde_expense"] == pytest.approx(553_000)
    # Jan, Mar, May 93,833.33 and Apr, Jun 90,833.33 and Feb 84,833.33 above 80,000 a month, at 25 %.
    assert c2["sde_reimbursement"] == pytest.approx(3 * 3_458.333333 + 2 * 2_708.333333 + 1_208.333333)
    assert c2["sde_reimbursement"] == pytest.approx(17_000)


def test_cases_neither_above_the_threshold_nor_reimbursed_are_left_out(cases: pl.DataFrame) -> None:
    assert cases["key"].to_list() == ["c1", "h1", "c2"]  # most expensive first; not c3, c4, c5, c8


def test_a_case_above_the_threshold_is_listed_even_without_reimbursement() -> None:
    # E.g. an adult over 67 not covered before the birthday: counted, but not reimbursed.
    grants = pl.DataFrame(
        [
            {
                "citizen_id": "a",
                "paragraph_group": "voksne",
                "sde": True,
                "gross": 1_000_000.0,
                "own_payment": 0.0,
                "other_municipality": 0.0,
                "vat_compensation": 0.0,
                "sde_reimbursement": 0.0,
                "net": 1_000_000.0,
            }
        ]
    )
    citizens = pl.DataFrame({"citizen_id": ["a"], "cpr": ["700580-XXXX"], "household_id": [None]})
    listed = expensive_cases(grants, citizens, FIRST_2025)
    assert listed["key"].to_list() == ["a"]
    assert expensive_cases(grants, citizens, {"voksne": 1_000_000.0, "boern": 1.0}).is_empty()


@pytest.mark.parametrize(
    ("gross", "bracket"),
    [
        (553_000.0, "op til 2,0 mio. kr."),
        (2_000_000.0, "op til 2,0 mio. kr."),
        (2_000_000.01, "2,0-2,5 mio. kr."),
        (2_500_000.0, "2,0-2,5 mio. kr."),
        (3_040_000.0, "3,0-3,5 mio. kr."),
        (4_000_000.0, "3,5-4,0 mio. kr."),
        (5_999_999.0, "4-6 mio. kr."),
        (10_000_000.0, "6-10 mio. kr."),
        (10_000_001.0, "over 10 mio. kr."),
    ],
)
def test_the_cost_bracket_includes_its_upper_limit(gross: float, bracket: str) -> None:
    assert pl.select(cost_bracket(pl.lit(gross))).item() == bracket


def test_the_download_holds_the_citizens_as_text(cases: pl.DataFrame) -> None:
    assert for_download(cases).filter(pl.col("key") == "h1")["cprs"].item() == "620212-4005, 640414-4008"
