"""Four citizens between two dates a year apart: the movement matrix, figures by group, and indexed growth."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from support.frames import grants, payments, rates

from dispo.engine.catalogue import step_table
from dispo.engine.forecast import forecast_grants
from dispo.engine.growth import indexed
from dispo.engine.staircase import citizen_movements, figures_by, movements

FIRST, SECOND = date(2024, 6, 30), date(2025, 6, 30)


def four() -> pl.DataFrame:
    return grants(
        # A climbs from § 85 support (step 3) to § 108 (step 5).
        {"grant_id": "a1", "citizen_id": "A", "paragraph": "SEL85", "price_basis": "time", "rate": 420,
         "hours_per_week": 5, "start": date(2023, 1, 1), "end": date(2024, 12, 31)},
        {"grant_id": "a2", "citizen_id": "A", "paragraph": "SEL108", "price_basis": "dag", "rate": 1800,
         "start": date(2025, 1, 1)},
        # B leaves the staircase: § 107 ended at new year.
        {"grant_id": "b", "citizen_id": "B", "paragraph": "SEL107", "price_basis": "dag", "rate": 1200,
         "start": date(2024, 1, 1), "end": date(2024, 12, 31)},
        # C is new: § 104 per month from March 2025.
        {"grant_id": "c", "citizen_id": "C", "paragraph": "SEL104", "price_basis": "maaned", "rate": 9000,
         "start": date(2025, 3, 1)},
        # D stays on § 108 (step 5); the rate rises at new year.
        {"grant_id": "d", "citizen_id": "D", "paragraph": "SEL108", "price_basis": "dag", "rate": 2000,
         "start": date(2020, 1, 1)},
    )  # fmt: skip


RATE_RISE = rates({"grant_id": "d", "valid_from": date(2025, 1, 1), "rate": 2100})


def test_each_citizens_move_and_change_in_yearly_cost() -> None:
    moved = citizen_movements(four(), RATE_RISE, step_table(), FIRST, SECOND)
    rows = {r["citizen_id"]: r for r in moved.iter_rows(named=True)}
    # A: 5 h × 420 / 7 × 366 (2024 is a leap year) = 109,800 → 1,800 × 365 = 657,000.
    assert (rows["A"]["from_step"], rows["A"]["to_step"]) == (3, 5)
    assert (rows["A"]["cost_before"], rows["A"]["cost_after"]) == pytest.approx((109_800, 657_000))
    # B: 1,200 × 366 = 439,200 → nothing.
    assert (rows["B"]["from_step"], rows["B"]["to_step"], rows["B"]["cost_change"]) == (4, 0, pytest.approx(-439_200))
    # C: nothing → 9,000 × 12 = 108,000.
    assert (rows["C"]["from_step"], rows["C"]["to_step"], rows["C"]["cost_change"]) == (0, 2, pytest.approx(108_000))
    # D: 2,000 × 366 = 732,000 → 2,100 × 365 = 766,500.
    assert rows["D"]["cost_change"] == pytest.approx(34_500)


def test_the_four_citizens_matrix_and_its_total() -> None:
    matrix = movements(four(), RATE_RISE, step_table(), FIRST, SECOND)
    cells = {(r["from_step"], r["to_step"]): (r["citizens"], r["cost_change"]) for r in matrix.iter_rows(named=True)}
    assert cells == {
        (0, 2): (1, pytest.approx(108_000)),  # inflow
        (3, 5): (1, pytest.approx(547_200)),  # up: 657,000 − 109,800
        (4, 0): (1, pytest.approx(-439_200)),  # outflow
        (5, 5): (1, pytest.approx(34_500)),  # stayed, dearer
    }
    # 108,000 + 547,200 − 439,200 + 34,500
    assert matrix["cost_change"].sum() == pytest.approx(250_500)


def test_figures_by_target_group_provider_type_and_step() -> None:
    g = four().with_columns(
        provider_type=pl.when(pl.col("citizen_id") == "D").then(pl.lit("privat")).otherwise(pl.lit("egen"))
    )
    day = date(2025, 6, 30)
    per_grant = (
        forecast_grants(g, payments(), RATE_RISE, 2025, day)
        .join(g, on="grant_id")
        .join(step_table(), on=["paragraph", "target_group"], how="left")
    )
    table = figures_by(per_grant, ["provider_type", "step"], day)
    rows = {(r["provider_type"], r["step"]): r for r in table.iter_rows(named=True)}
    # Own, step 5: A's § 108 all 2025, 365 days × 1,800 = 657,000 for 1 årsværk; on 30 June 180 days in.
    assert rows[("egen", 5)]["avg_price"] == pytest.approx(657_000)
    assert rows[("egen", 5)]["avg_duration_months"] == pytest.approx(180 / 30.4375)
    # Private, step 5: D at 2,100 a day all year: 766,500; 2,007 days since 2020-01-01.
    assert rows[("privat", 5)]["cost"] == pytest.approx(766_500)
    assert rows[("privat", 5)]["avg_duration_months"] == pytest.approx(2007 / 30.4375)
    # Own, step 2: C from 1 March, 10 months × 9,000 = 90,000 for 306/365 årsværk; 121 days in on 30 June.
    assert rows[("egen", 2)]["fte"] == pytest.approx(306 / 365)
    assert rows[("egen", 2)]["avg_price"] == pytest.approx(90_000 / (306 / 365))
    assert rows[("egen", 2)]["grants"] == 1
    # A's § 85 and B's § 107 ended in 2024: not in the year's rows with cost, no duration on 30 June.
    assert rows[("egen", 3)]["cost"] == 0
    assert rows[("egen", 3)]["avg_duration_months"] is None


def test_the_index_is_100_in_the_base_year_per_inhabitant() -> None:
    costs = pl.DataFrame({"year": [2023, 2024, 2025], "cost": [1_000_000.0, 1_100_000.0, 1_260_000.0]})
    population = pl.DataFrame({"year": [2023, 2024, 2025], "inhabitants": [1000.0, 1000.0, 1050.0]})
    table = indexed(costs, population, 2023)
    # 1,000 kr. per inhabitant in 2023; 1,100 in 2024 (index 110); 1,260,000 / 1,050 = 1,200 in 2025 (120).
    assert table["per_inhabitant"].to_list() == pytest.approx([1000, 1100, 1200])
    assert table["index"].to_list() == pytest.approx([100, 110, 120])


def test_without_inhabitants_in_the_base_year_there_is_no_index() -> None:
    costs = pl.DataFrame({"year": [2024, 2025], "cost": [1.0, 2.0]})
    population = pl.DataFrame({"year": [2025], "inhabitants": [10.0]})
    table = indexed(costs, population, 2024)
    assert table["index"].to_list() == [None, None]
    assert table["per_inhabitant"].to_list() == [None, pytest.approx(0.2)]
