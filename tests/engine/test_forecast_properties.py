"""Invariants of the forecast that hold for any grants and payments."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.frames import grants, payments, rates

from dispo.engine.aggregate import summarise
from dispo.engine.forecast import forecast_grants

BASES = ("dag", "time", "maaned", "aar", "engang")
day = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def a_grant(draw: st.DrawFn, index: int) -> dict[str, object]:
    start = draw(day)
    end = draw(st.one_of(st.none(), st.integers(0, 800).map(lambda n: start + timedelta(days=n))))
    status = draw(st.sampled_from(["bevilget", "forventet", "afsluttet"]))
    return {
        "grant_id": f"g{index}",
        "citizen_id": f"c{draw(st.integers(0, 3))}",
        "paragraph": draw(st.sampled_from(["SEL85", "SEL108", "SEL107"])),
        "price_basis": draw(st.sampled_from(BASES)),
        "rate": draw(st.floats(0, 5000, allow_nan=False)),
        "hours_per_week": draw(st.floats(0, 40, allow_nan=False)),
        "start": start,
        "end": None if draw(st.booleans()) and status != "afsluttet" else end,
        "status": status,
        "probability": draw(st.floats(0, 1)),
    }


@st.composite
def a_ledger(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    n = draw(st.integers(1, 6))
    rows = [draw(a_grant(i)) for i in range(n)]
    pay = [
        {
            "grant_id": f"g{draw(st.integers(0, n - 1))}",
            "service_month": f"2025-{draw(st.integers(1, 12)):02d}",
            "booked_on": draw(day),
            "amount": draw(st.floats(-5000, 50000, allow_nan=False)),
        }
        for _ in range(draw(st.integers(0, 6)))
    ]
    changes = [
        {
            "grant_id": f"g{draw(st.integers(0, n - 1))}",
            "valid_from": draw(day),
            "rate": draw(st.floats(0, 5000)),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    return grants(*rows), payments(*pay), rates(*changes)


@settings(max_examples=150, deadline=None)
@given(ledger=a_ledger(), as_of=day)
def test_forecast_is_actual_to_date_plus_remaining(ledger: tuple[pl.DataFrame, ...], as_of: date) -> None:
    result = forecast_grants(*ledger, year=2025, as_of=as_of)
    assert (result["forecast"] - result["actual_to_date"] - result["remaining"]).abs().max() < 1e-6


@settings(max_examples=150, deadline=None)
@given(ledger=a_ledger(), as_of=day)
def test_fte_of_a_grant_is_between_zero_and_one(ledger: tuple[pl.DataFrame, ...], as_of: date) -> None:
    result = forecast_grants(*ledger, year=2025, as_of=as_of)
    assert result["fte"].min() >= 0
    assert result["fte"].max() <= 1 + 1e-12


@settings(max_examples=100, deadline=None)
@given(ledger=a_ledger(), as_of=day)
def test_every_aggregate_equals_the_sum_of_its_grants(ledger: tuple[pl.DataFrame, ...], as_of: date) -> None:
    g = ledger[0]
    per_grant = forecast_grants(*ledger, year=2025, as_of=as_of).join(g, on="grant_id")
    summary = summarise(per_grant, ["paragraph"]).collect()
    assert summary["forecast"].sum() == pytest.approx(per_grant["forecast"].sum(), abs=1e-6)
    assert summary["fte"].sum() == pytest.approx(per_grant["fte"].sum(), abs=1e-9)
    assert summary["grants"].sum() == per_grant["active"].sum()


@settings(max_examples=100, deadline=None)
@given(ledger=a_ledger())
def test_remaining_falls_as_the_as_of_date_moves_on_without_payments(
    ledger: tuple[pl.DataFrame, ...],
) -> None:
    g, _, r = ledger
    no_payments = payments()
    early = forecast_grants(g, no_payments, r, 2025, date(2025, 3, 31))
    late = forecast_grants(g, no_payments, r, 2025, date(2025, 9, 30))
    assert (late["remaining"] - early["remaining"]).max() <= 1e-6
    assert (late["forecast"] - early["forecast"]).abs().max() < 1e-6
