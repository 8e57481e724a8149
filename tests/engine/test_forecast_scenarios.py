"""The worked forecast cases of DESIGN.md §4 (shared/scenarios/forecast.yaml), one grant each."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from support.frames import grants, payments, rates

from dispo.engine.forecast import forecast_grants

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent.parent / "data" / "scenarios" / "forecast.yaml").read_text()
)


def case_frames(case: dict[str, Any]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    grant_rows, rate_rows = [], []
    for grant in case["grants"]:
        row = {k: v for k, v in grant.items() if k != "rates"}
        if "rates" in grant:
            (_first_from, first_rate), *later = grant["rates"]
            row["rate"] = first_rate
            rate_rows += [{"grant_id": grant["grant_id"], "valid_from": f, "rate": r} for f, r in later]
        grant_rows.append(row)
    return grants(*grant_rows), payments(*case["payments"]), rates(*rate_rows)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_worked_case(case: dict[str, Any]) -> None:
    g, p, r = case_frames(case)
    result = forecast_grants(g, p, r, case["year"], case["as_of"])
    for grant_id, expected in case["expect"].items():
        row = result.filter(pl.col("grant_id") == grant_id).row(0, named=True)
        assert row["actual_to_date"] == pytest.approx(expected["actual_to_date"], abs=0.005)
        assert row["remaining"] == pytest.approx(expected["remaining"], abs=0.005)
        assert row["forecast"] == pytest.approx(expected["forecast"], abs=0.005)
        assert row["fte"] == pytest.approx(expected["fte"], abs=5e-7)


def test_every_case_is_dated_as_a_date() -> None:
    assert all(isinstance(c["as_of"], date) for c in CASES)
