"""Summing the forecast by a dimension, with hand-worked figures."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from support.frames import frame, grants, payments, rates

from dispo.engine.aggregate import in_year, summarise
from dispo.engine.forecast import forecast_grants

AS_OF = date(2025, 6, 30)


def ledger() -> pl.DataFrame:
    g = grants(
        # 365 days × 1,000 = 365,000; 1 årsværk
        {
            "grant_id": "a",
            "citizen_id": "c1",
            "paragraph": "SEL108",
            "price_basis": "dag",
            "rate": 1000,
            "start": date(2024, 1, 1),
        },
        # 1 Jul – 31 Dec: 184 days × 2,000 = 368,000; 184/365 årsværk
        {
            "grant_id": "b",
            "citizen_id": "c1",
            "paragraph": "SEL108",
            "price_basis": "dag",
            "rate": 2000,
            "start": date(2025, 7, 1),
        },
        # expected, 50 %: 92 days × 500 × 0.5 = 23,000; 46/365 årsværk
        {
            "grant_id": "c",
            "citizen_id": "c2",
            "paragraph": "SEL85",
            "price_basis": "dag",
            "rate": 500,
            "start": date(2025, 10, 1),
            "status": "forventet",
            "probability": 0.5,
        },
        # ended in 2024: nothing in 2025
        {
            "grant_id": "d",
            "citizen_id": "c3",
            "paragraph": "SEL85",
            "price_basis": "dag",
            "rate": 500,
            "start": date(2024, 1, 1),
            "end": date(2024, 12, 31),
            "status": "afsluttet",
        },
    )
    per_grant = forecast_grants(g, payments(), rates(), 2025, AS_OF)
    return per_grant.join(g, on="grant_id")


def test_paragraph_sums_with_budget_and_what_is_left() -> None:
    budgets = frame(
        "budgets",
        [
            {"year": 2025, "target_group": "handicap", "paragraph": "SEL108", "amount": 800_000},
            {"year": 2025, "target_group": "handicap", "paragraph": "SEL104", "amount": 10_000},
        ],
    )
    table = summarise(in_year(ledger()), ["paragraph"], budgets).collect()
    rows = {r["paragraph"]: r for r in table.iter_rows(named=True)}
    assert rows["SEL108"]["forecast"] == pytest.approx(733_000)
    assert rows["SEL108"]["diff"] == pytest.approx(67_000)
    assert rows["SEL108"]["grants"] == 2
    assert rows["SEL108"]["citizens"] == 1
    assert rows["SEL108"]["fte"] == pytest.approx(1 + 184 / 365)
    assert rows["SEL108"]["avg_price"] == pytest.approx(733_000 / (1 + 184 / 365))
    assert rows["SEL85"]["forecast"] == pytest.approx(23_000)
    assert rows["SEL85"]["grants"] == 1
    assert rows["SEL85"]["budget"] is None
    assert rows["SEL104"]["forecast"] == 0
    assert rows["SEL104"]["diff"] == pytest.approx(10_000)
    assert rows["SEL104"]["avg_price"] is None


def test_a_grant_of_another_year_is_left_out() -> None:
    assert "d" not in in_year(ledger()).collect()["grant_id"].to_list()


def test_citizens_are_counted_once_across_grants() -> None:
    table = summarise(in_year(ledger()).with_columns(all=pl.lit(1)), ["all"]).collect()
    assert table["citizens"][0] == 2
    assert table["grants"][0] == 3
