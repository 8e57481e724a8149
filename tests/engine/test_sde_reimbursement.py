"""The central reimbursement scheme for expensive single cases, month by month."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from dispo.engine.sde import monthly_reimbursement

SCENARIOS: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent.parent / "data" / "scenarios" / "reimbursement.yaml").read_text()
)
THRESHOLDS_2022 = SCENARIOS["thresholds"]
SHARES = SCENARIOS["shares"]


def year_of(monthly: list[float], one_off: float = 0.0) -> pl.DataFrame:
    expenses = pl.LazyFrame(
        {
            "citizen_id": ["c1"] * 12,
            "month": [date(2022, m, 1) for m in range(1, 13)],
            "expense": [float(x) for x in monthly],
            "one_off": [float(one_off)] + [0.0] * 11,
        }
    )
    return monthly_reimbursement(expenses, THRESHOLDS_2022, SHARES).collect()


@pytest.mark.parametrize("case", SCENARIOS["cases"], ids=[c["name"] for c in SCENARIOS["cases"]])
def test_worked_case(case: dict[str, Any]) -> None:
    result = year_of(case["monthly_net_expense"], case.get("one_off", 0.0))
    assert result["reimbursement"].sum() == pytest.approx(case["expect_year"], abs=0.05)


def test_a_month_of_250000_is_reimbursed_in_three_bands() -> None:
    result = year_of([250000.0] * 12)
    assert result["reimbursement"][0] == pytest.approx(17083.33 + 18333.33 + 55000.0, abs=0.01)


def test_a_one_off_alone_is_spread_over_all_twelve_months() -> None:
    expenses = pl.LazyFrame(
        {"citizen_id": ["c1"], "month": [date(2022, 5, 1)], "expense": [0.0], "one_off": [1_200_000.0]}
    )
    result = monthly_reimbursement(expenses, THRESHOLDS_2022, SHARES).collect()
    assert result.height == 12
    assert result["expense"].to_list() == [100_000.0] * 12


@given(
    base=st.lists(st.floats(min_value=0, max_value=1e6), min_size=12, max_size=12),
    extra=st.floats(min_value=0, max_value=1e6),
    month=st.integers(min_value=0, max_value=11),
)
def test_reimbursement_never_falls_when_an_expense_rises(base: list[float], extra: float, month: int) -> None:
    raised = list(base)
    raised[month] += extra
    before = year_of(base)["reimbursement"].sum()
    after = year_of(raised)["reimbursement"].sum()
    assert after >= before - 1e-6
    assert after - before <= 0.75 * extra + 1e-6
