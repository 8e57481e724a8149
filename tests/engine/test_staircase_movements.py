"""The staircase: a citizen's step on a date, the movement matrix between two dates, and the step summary."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from support.frames import grants, payments, rates

from dispo.engine.catalogue import step_table
from dispo.engine.forecast import forecast_grants
from dispo.engine.staircase import citizen_steps, movements, step_summary

JAN, DEC = date(2025, 1, 15), date(2025, 12, 15)


def ledger() -> pl.DataFrame:
    return grants(
        # c1 moves up: § 85 support (step 3) until June, then § 108 (step 5) from July.
        {
            "grant_id": "a",
            "citizen_id": "c1",
            "paragraph": "SEL85",
            "price_basis": "time",
            "rate": 350,
            "hours_per_week": 7,
            "start": date(2024, 6, 1),
            "end": date(2025, 6, 30),
        },
        {
            "grant_id": "b",
            "citizen_id": "c1",
            "paragraph": "SEL108",
            "price_basis": "dag",
            "rate": 2000,
            "start": date(2025, 7, 1),
        },
        # c2 stays on step 2 with § 104 per month, and has § 85 (step 3) at the same time: step 3 counts.
        {
            "grant_id": "c",
            "citizen_id": "c2",
            "paragraph": "SEL104",
            "price_basis": "maaned",
            "rate": 10000,
            "start": date(2024, 1, 1),
        },
        {
            "grant_id": "d",
            "citizen_id": "c2",
            "paragraph": "SEL85",
            "price_basis": "time",
            "rate": 400,
            "hours_per_week": 3.5,
            "start": date(2024, 1, 1),
        },
        # c3 leaves: § 107 ended in March.
        {
            "grant_id": "e",
            "citizen_id": "c3",
            "paragraph": "SEL107",
            "price_basis": "dag",
            "rate": 1500,
            "start": date(2024, 9, 1),
            "end": date(2025, 3, 31),
        },
        # c4 arrives on § 82 b (step 1) in November, per year.
        {
            "grant_id": "f",
            "citizen_id": "c4",
            "paragraph": "SEL82b",
            "price_basis": "aar",
            "rate": 73000,
            "start": date(2025, 11, 1),
        },
        # c5: an expected grant is not yet on the staircase.
        {
            "grant_id": "g",
            "citizen_id": "c5",
            "paragraph": "SEL108",
            "price_basis": "dag",
            "rate": 2000,
            "start": date(2025, 12, 1),
            "status": "forventet",
            "probability": 0.5,
        },
    )


def test_a_citizens_step_is_the_highest_of_their_active_grants() -> None:
    steps = citizen_steps(ledger(), rates(), step_table(), JAN).collect()
    by_citizen = {r["citizen_id"]: r for r in steps.iter_rows(named=True)}
    assert {c: r["step"] for c, r in by_citizen.items()} == {"c1": 3, "c2": 3, "c3": 4}
    # c2: 10,000 × 12 + 3.5 h × 400 / 7 × 365 = 120,000 + 73,000.
    assert by_citizen["c2"]["yearly_cost"] == pytest.approx(193_000)
    # c1: 7 h × 350 / 7 × 365 = 127,750.
    assert by_citizen["c1"]["yearly_cost"] == pytest.approx(127_750)


def test_the_movement_matrix_between_january_and_december() -> None:
    matrix = movements(ledger(), rates(), step_table(), JAN, DEC)
    cells = {(r["from_step"], r["to_step"]): (r["citizens"], r["cost_change"]) for r in matrix.iter_rows(named=True)}
    assert cells == {
        # inflow: c4 at 73,000 a year
        (0, 1): (1, pytest.approx(73_000)),
        # c2 unchanged
        (3, 3): (1, pytest.approx(0)),
        # c1 up: 2,000 × 365 − 127,750 = 602,250
        (3, 5): (1, pytest.approx(602_250)),
        # outflow: c3 at 1,500 × 365 = 547,500
        (4, 0): (1, pytest.approx(-547_500)),
    }


def test_a_rate_change_between_the_dates_shows_as_a_cost_change_on_the_diagonal() -> None:
    changes = rates({"grant_id": "c", "valid_from": date(2025, 7, 1), "rate": 11000})
    matrix = movements(ledger(), changes, step_table(), JAN, DEC)
    stay = matrix.filter((pl.col("from_step") == 3) & (pl.col("to_step") == 3)).row(0, named=True)
    assert stay["cost_change"] == pytest.approx(12_000)


def test_the_step_summary_of_the_year() -> None:
    g = ledger()
    per_grant = (
        forecast_grants(g, payments(), rates(), 2025, DEC)
        .join(g, on="grant_id")
        .join(step_table(), on=["paragraph", "target_group"], how="left")
    )
    summary = {r["step"]: r for r in step_summary(per_grant, DEC).iter_rows(named=True)}
    # Step 5: § 108 for c1 from 1 July, 184 days × 2,000 = 368,000, 184/365 årsværk; plus the expected one:
    # 31 days × 2,000 × 0.5 = 31,000 and 15.5/365 årsværk. Active on 15 Dec: b (167 days since 1 July).
    assert summary[5]["cost"] == pytest.approx(399_000)
    assert summary[5]["fte"] == pytest.approx((184 + 15.5) / 365)
    assert summary[5]["citizens"] == 2
    assert summary[5]["avg_duration_months"] == pytest.approx(167 / 30.4375)
    # Step 1: c4 from 1 Nov, 61/365 of 73,000 = 12,200; a month and a half in on 15 Dec (44 days).
    assert summary[1]["cost"] == pytest.approx(12_200)
    assert summary[1]["avg_price"] == pytest.approx(73_000)
    assert summary[1]["avg_duration_months"] == pytest.approx(44 / 30.4375)
