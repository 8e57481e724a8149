"""The leader's overview series on the hand-worked ledger of support/world.py (as of 2025-06-30).

Month by month (see the world's docstring): g1 1,000 kr./day from 1 January (January booked 31,000, February
booked 27,000); g2 500 kr./day (10 h × 350 / 7) from 1 April to 30 September; g3 2,000 × 0.5 = 1,000 kr./day from
1 October. Budgets 2025: SEL108 500,000 + SEL85 100,000 = 600,000.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from support.world import write_world

from dispo.domain.staircase import staircase_models
from dispo.engine.forecast import forecast_months
from dispo.services import dashboard
from dispo.services.ledger import Ledger
from dispo.services.reports import ledger_frame

AS_OF = date(2025, 6, 30)


def world(tmp_path: Path, *extra_grants: str, payments: tuple[str, ...] = ()) -> Ledger:
    folder = write_world(tmp_path / "world")
    for name, lines in (("grants.csv", extra_grants), ("payments.csv", payments)):
        with (folder / name).open("a", encoding="utf-8") as file:
            file.writelines(line + "\n" for line in lines)
    return Ledger.from_folder(folder)


def frames(ledger: Ledger, year: int = 2025) -> tuple[pl.DataFrame, pl.DataFrame]:
    grants = ledger_frame(ledger, year, AS_OF).collect()
    months = forecast_months(ledger["grants"], ledger["payments"], ledger["rates"], year, AS_OF).collect()
    return grants, months


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return world(tmp_path)


def test_key_figures_are_the_years_budget_forecast_and_actual(ledger: Ledger) -> None:
    grants, _ = frames(ledger)
    figures = dashboard.key_figures(grants, ledger["budgets"], 2025)
    # Forecast 364,000 + 91,500 + 92,000 = 547,500 against 600,000: 52,500 left.
    # To date: g1 31,000 + 27,000 + 122 days × 1,000 = 180,000; g2 91 days × 500 = 45,500; together 225,500.
    assert figures.budget == pytest.approx(600_000)
    assert figures.forecast == pytest.approx(547_500)
    assert figures.diff == pytest.approx(52_500)
    assert figures.actual_to_date == pytest.approx(225_500)
    assert figures.remaining == pytest.approx(547_500 - 225_500)


def test_a_year_without_budget_lines_has_no_budget_and_no_difference(ledger: Ledger) -> None:
    grants, _ = frames(ledger)
    figures = dashboard.key_figures(grants, ledger["budgets"], 2026)
    assert (figures.budget, figures.diff) == (None, None)


def test_the_cumulative_actual_rises_to_the_as_of_date_and_then_stays(ledger: Ledger) -> None:
    _, months = frames(ledger)
    series = dashboard.month_series(months, ledger["budgets"], 2025)
    # Jan 31,000; Feb +27,000 = 58,000; Mar +31,000 = 89,000; Apr +30,000 (g1) +15,000 (g2) = 134,000;
    # May +31,000 +15,500 = 180,500; Jun +30,000 +15,000 = 225,500; nothing is booked after June.
    expected = [31_000, 58_000, 89_000, 134_000, 180_500, 225_500] + [225_500] * 6
    assert series["cumulative_actual"].to_list() == pytest.approx(expected)
    assert series["month"].to_list() == [date(2025, m, 1) for m in range(1, 13)]


def test_the_cumulative_forecast_adds_the_rest_of_the_year_to_the_actual(ledger: Ledger) -> None:
    _, months = frames(ledger)
    series = dashboard.month_series(months, ledger["budgets"], 2025)
    # Jul +31,000 +15,500 = 272,000; Aug the same = 318,500; Sep +30,000 +15,000 = 363,500;
    # Oct g1 31,000 + g3 31,000 = 425,500; Nov +30,000 +30,000 = 485,500; Dec +31,000 +31,000 = 547,500.
    later = [272_000, 318_500, 363_500, 425_500, 485_500, 547_500]
    assert series["cumulative_forecast"].to_list()[5:] == pytest.approx([225_500, *later])


def test_the_budget_is_spread_evenly_over_the_months(ledger: Ledger) -> None:
    _, months = frames(ledger)
    series = dashboard.month_series(months, ledger["budgets"], 2025)
    # 600,000 / 12 = 50,000 a month: 300,000 at the end of June, 600,000 at the end of December.
    assert series["cumulative_budget"].to_list() == pytest.approx([50_000 * m for m in range(1, 13)])


def test_a_month_paid_in_advance_counts_as_actual_and_is_not_forecast_twice(tmp_path: Path) -> None:
    ledger = world(tmp_path, payments=("g1,2025-07,2025-06-25,31000",))
    _, months = frames(ledger)
    series = dashboard.month_series(months, ledger["budgets"], 2025)
    # July's 31,000 for g1, booked on 25 June, joins the actual: 225,500 + 31,000 = 256,500 from July on;
    # the forecast is unchanged, because the booked month replaces its computed cost.
    assert series["cumulative_actual"].to_list()[6] == pytest.approx(256_500)
    assert series["cumulative_forecast"].to_list()[-1] == pytest.approx(547_500)


def test_without_a_budget_the_months_have_no_budget_line(ledger: Ledger) -> None:
    _, months = frames(ledger)
    series = dashboard.month_series(months, ledger["budgets"], 2026)
    assert series["cumulative_budget"].null_count() == 12


def test_cost_by_provider_type_lists_every_type_in_order(ledger: Ledger) -> None:
    grants, _ = frames(ledger)
    table = dashboard.by_provider_type(grants)
    assert table["provider_type"].to_list() == ["egen", "anden_kommune", "region", "privat", None]
    rows = {row["provider_type"]: row for row in table.iter_rows(named=True)}
    # privat: g1 364,000 + g3 92,000 = 456,000, of which 180,000 to date; 1 + 46/365 årsværk; one citizen (c1).
    assert rows["privat"]["forecast"] == pytest.approx(456_000)
    assert rows["privat"]["actual_to_date"] == pytest.approx(180_000)
    assert rows["privat"]["remaining"] == pytest.approx(276_000)
    assert rows["privat"]["fte"] == pytest.approx(1 + 46 / 365)
    assert rows["privat"]["citizens"] == 1
    # egen: g2 91,500 (45,500 to date), 183/365 årsværk; average price 91,500 / (183/365) = 182,500.
    assert rows["egen"]["forecast"] == pytest.approx(91_500)
    assert rows["egen"]["fte"] == pytest.approx(183 / 365)
    assert rows["egen"]["avg_price"] == pytest.approx(182_500)
    for empty in ("anden_kommune", "region", None):
        assert (rows[empty]["forecast"], rows[empty]["fte"], rows[empty]["citizens"]) == (0, 0, 0)
        assert rows[empty]["avg_price"] is None


def test_a_grant_without_a_provider_counts_as_without_provider(tmp_path: Path) -> None:
    ledger = world(tmp_path, "g5,c2,k2,SEL101a,misbrug,,dag,100,,2025-01-01,2025-12-31,bevilget,,999,999,,sb2,u1")
    grants, _ = frames(ledger)
    rows = {row["provider_type"]: row for row in dashboard.by_provider_type(grants).iter_rows(named=True)}
    # 365 days × 100 kr. = 36,500; a full year is 1 årsværk.
    assert rows[None]["forecast"] == pytest.approx(36_500)
    assert rows[None]["fte"] == pytest.approx(1.0)


def test_the_disability_staircase_has_every_step_with_its_figures(ledger: Ledger) -> None:
    grants, _ = frames(ledger)
    table = dashboard.staircase(grants, "handicap")
    names = [s.name for s in staircase_models()["voksen_handicap"].steps]
    assert table["name"].to_list() == names
    steps = {row["step"]: row for row in table.iter_rows(named=True)}
    # Step 5 (SEL108): g1 + g3, 1 + 46/365 = 1.126 årsværk, c1, 456,000; average 456,000 / 1.12603 = 404,963.5.
    assert steps[5]["fte"] == pytest.approx(1 + 46 / 365)
    assert (steps[5]["citizens"], steps[5]["grants"]) == (1, 2)
    assert steps[5]["forecast"] == pytest.approx(456_000)
    assert steps[5]["avg_price"] == pytest.approx(456_000 / (1 + 46 / 365))
    # Step 3 (SEL85): g2 only (g4 ended in 2024), 183/365 årsværk, c2, 91,500; average 182,500.
    assert steps[3]["avg_price"] == pytest.approx(182_500)
    assert (steps[3]["citizens"], steps[3]["grants"]) == (1, 1)
    for empty in (1, 2, 4):
        assert (steps[empty]["fte"], steps[empty]["citizens"], steps[empty]["forecast"]) == (0, 0, 0)


def test_a_target_group_without_grants_has_empty_steps_and_no_off_staircase_row(ledger: Ledger) -> None:
    grants, _ = frames(ledger)
    table = dashboard.staircase(grants, "boern")
    assert table["step"].to_list() == [1, 2, 3, 4, 5, 6]
    assert table["forecast"].sum() == 0


def test_grants_on_no_step_follow_the_staircase_as_their_own_row(tmp_path: Path) -> None:
    ledger = world(tmp_path, "g5,c2,k2,SEL101a,misbrug,,dag,100,,2025-01-01,2025-12-31,bevilget,,999,999,,sb2,u1")
    grants, _ = frames(ledger)
    table = dashboard.staircase(grants, "misbrug")
    # SEL § 101 a has no step on the psychiatry staircase that misbrug uses: 36,500 kr., 1 årsværk, 1 citizen.
    last = table.row(-1, named=True)
    assert (last["step"], last["name"], last["citizens"]) == (None, dashboard.OFF_STAIRCASE, 1)
    assert last["forecast"] == pytest.approx(36_500)
    assert table.height == 6


def test_totals_count_a_citizen_once(ledger: Ledger) -> None:
    grants, _ = frames(ledger)
    total = dashboard.totals(grants)
    # Three grants with an active day (g4 ended in 2024), for c1 and c2; årsværk 1 + 46/365 + 183/365 = 594/365.
    assert (total["grants"], total["citizens"]) == (3, 2)
    assert total["forecast"] == pytest.approx(547_500)
    assert total["avg_price"] == pytest.approx(547_500 / (594 / 365))


def test_totals_of_no_grants_are_zero(ledger: Ledger) -> None:
    grants, _ = frames(ledger)
    total = dashboard.totals(grants.filter(pl.col("target_group") == "boern"))
    assert (total["forecast"], total["citizens"], total["avg_price"]) == (0.0, 0, None)


def test_paragraphs_under_budget_come_largest_difference_first(ledger: Ledger) -> None:
    grants, _ = frames(ledger)
    over, under = dashboard.paragraph_differences(grants, ledger["budgets"], 2025)
    # SEL108 500,000 − 456,000 = 44,000 left; SEL85 100,000 − 91,500 = 8,500 left; none over.
    assert under["paragraph"].to_list() == ["SEL108", "SEL85"]
    assert under["diff"].to_list() == pytest.approx([44_000, 8_500])
    assert over.height == 0


def test_paragraphs_over_budget_come_most_over_first_and_the_list_is_limited(ledger: Ledger) -> None:
    budgets = ledger["budgets"].with_columns(
        amount=pl.when(pl.col("paragraph") == "SEL85").then(50_000.0).otherwise(pl.col("amount"))
    )
    grants, _ = frames(ledger)
    over, under = dashboard.paragraph_differences(grants, budgets, 2025, limit=1)
    # SEL85 now 50,000 − 91,500 = −41,500: over budget.
    assert over.select("target_group", "paragraph").row(0) == ("handicap", "SEL85")
    assert over["diff"].to_list() == pytest.approx([-41_500])
    assert under["paragraph"].to_list() == ["SEL108"]


def test_a_paragraph_without_a_budget_line_is_not_ranked(tmp_path: Path) -> None:
    ledger = world(tmp_path, "g5,c2,k2,SEL101a,misbrug,,dag,100,,2025-01-01,2025-12-31,bevilget,,999,999,,sb2,u1")
    grants, _ = frames(ledger)
    over, under = dashboard.paragraph_differences(grants, ledger["budgets"], 2025)
    assert "SEL101a" not in over["paragraph"].to_list() + under["paragraph"].to_list()
