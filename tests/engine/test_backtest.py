"""Back-test of a tiny ledger, each method's figure worked by hand; expected new cases and the price growth."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from support.frames import d, grants, payments, rates

from dispo.engine.arrivals import arrivals, new_cases, price_growth, same_day
from dispo.engine.backtest import backtest, errors, month_ends, totals
from dispo.engine.knowledge import KNOWN, with_knowledge
from dispo.engine.outlook import History, outlook
from dispo.engine.uncertainty import z_score

TODAY = d("2026-01-31")
DAY = d("2025-03-31")


def monthly_payments(grant_id: str, year: int, rate: float) -> list[dict[str, object]]:
    """Paid in advance on the 1st of each service month: rate × the month's days."""
    days = [31, 29 if year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return [
        {"grant_id": grant_id, "service_month": f"{year}-{m:02d}", "booked_on": date(year, m, 1), "amount": rate * n}
        for m, n in zip(range(1, 13), days, strict=True)
    ]


# A: a § 108 place at 100 kr. a day since 2024, open. B: decided 10 May 2025, 15-24 May 2025 at 200 kr. a day.
# C: last year's analogue of B, decided 1 June 2024, 1-15 June 2024 at 100 kr. a day.
LEDGER = grants(
    {"grant_id": "A", "price_basis": "dag", "rate": 100.0, "start": d("2024-01-01"), "end": None},
    {"grant_id": "B", "price_basis": "dag", "rate": 200.0, "start": d("2025-05-15"), "end": d("2025-05-24")},
    {"grant_id": "C", "price_basis": "dag", "rate": 100.0, "start": d("2024-06-01"), "end": d("2024-06-15")},
)
KNOWN_DATES = pl.DataFrame(
    [
        {"grant_id": "A", "known_on": d("2023-12-01"), "end_known_on": None},
        {"grant_id": "B", "known_on": d("2025-05-10"), "end_known_on": d("2025-05-10")},
        {"grant_id": "C", "known_on": d("2024-06-01"), "end_known_on": d("2024-06-01")},
    ],
    schema=KNOWN,
)
PAID = payments(
    *monthly_payments("A", 2024, 100.0),
    *monthly_payments("A", 2025, 100.0),
    {"grant_id": "B", "service_month": "2025-05", "booked_on": d("2025-05-15"), "amount": 2000.0},
    {"grant_id": "C", "service_month": "2024-06", "booked_on": d("2024-06-01"), "amount": 1500.0},
)
BUDGETS = pl.DataFrame(
    [{"year": 2025, "target_group": "handicap", "paragraph": "SEL108", "unit_id": None, "amount": 40000.0}],
    schema={
        "year": pl.Int32,
        "target_group": pl.String,
        "paragraph": pl.String,
        "unit_id": pl.String,
        "amount": pl.Float64,
    },
)
HISTORY = History(first_year=2024)


@pytest.fixture(scope="module")
def march() -> dict[str, object]:
    table = backtest(LEDGER, PAID, rates(), BUDGETS, KNOWN_DATES, 2025, TODAY, HISTORY, days=[DAY])
    return table.row(0, named=True)


def test_the_actual_is_the_year_as_booked(march: dict[str, object]) -> None:
    # A: 365 days × 100 = 36,500; B: 2,000 (C is 2024's).
    assert march["actual"] == 38500.0


def test_the_simple_methods_by_hand(march: dict[str, object]) -> None:
    # Spent to date on 31 March: A's January, February, March = 3,100 + 2,800 + 3,100 = 9,000 kr.
    assert march["budget"] == 40000.0
    assert march["run_rate"] == 36000.0  # 9,000 × 12 / 3
    assert march["last_month"] == 36900.0  # 9,000 + March's 3,100 × 9 months left


def test_dispo_by_hand(march: dict[str, object]) -> None:
    # Known: A runs to the year's end (no grant of the paragraph ever ended: nothing ends early) = 36,500.
    # New cases: last year, after 31 March, C was decided and cost 15 × 100 = 1,500 (no price change): 1,500.
    # Settlement: A's January-March 2024 were booked in advance, as the ledger counted them: 0.
    assert march["known"] == 36500.0
    assert march["ends"] == 0.0
    assert march["new_cases"] == 1500.0
    assert march["dispo"] == 38000.0


def test_the_interval_by_hand(march: dict[str, object]) -> None:
    # One history year: compound Poisson variance 1,500² × (1 + 1/1) = 4,500,000; σ = 2,121.32;
    # 80 %: ± 1.28155 σ = ± 2,718.58 around 38,000.
    assert march["variance"] == pytest.approx(4_500_000.0)
    spread = z_score(0.8) * 4_500_000.0**0.5
    assert spread == pytest.approx(2718.58, abs=0.01)
    assert march["lower"] == pytest.approx(38000.0 - spread)
    assert march["upper"] == pytest.approx(38000.0 + spread)


def test_errors_per_method(march: dict[str, object]) -> None:
    frame = backtest(LEDGER, PAID, rates(), BUDGETS, KNOWN_DATES, 2025, TODAY, HISTORY, days=[DAY])
    by_method = {row["method"]: row for row in errors(totals(frame)).to_dicts()}
    assert by_method["dispo"]["error"] == -500.0
    assert by_method["budget"]["error"] == 1500.0
    assert by_method["run_rate"]["error"] == -2500.0
    assert by_method["last_month"]["error"] == -1600.0
    assert by_method["run_rate"]["relative"] == pytest.approx(-2500.0 / 38500.0)
    assert by_method["dispo"]["covered"] is True
    assert by_method["budget"]["covered"] is None


def test_every_month_end_of_the_year_is_replayed() -> None:
    assert month_ends(2025)[0] == d("2025-01-31")
    assert month_ends(2024)[1] == d("2024-02-29")
    assert month_ends(2025)[-1] == d("2025-12-31")
    frame = backtest(LEDGER, PAID, rates(), BUDGETS, KNOWN_DATES, 2025, TODAY, HISTORY)
    assert frame["month_end"].to_list() == month_ends(2025)
    december = frame.row(11, named=True)
    # On 31 December everything of A and B is booked: dispo hits the result, the run rate too.
    assert december["dispo"] == 38500.0
    assert december["run_rate"] == 38500.0


def test_expected_new_cases_are_at_this_years_prices() -> None:
    # A's rate goes from 100 to 103 on 1 January 2025: the P/L of 3 %; C's 1,500 becomes 1,545.
    regulated = rates({"grant_id": "A", "valid_from": d("2025-01-01"), "rate": 103.0})
    known = with_knowledge(LEDGER, KNOWN_DATES)
    assert price_growth(known, regulated, 2025) == pytest.approx(1.03)
    arrived = arrivals(known, regulated, 2025, DAY, [2024]).collect()
    assert arrived["grant_id"].to_list() == ["C"]
    summary = new_cases(arrived.lazy(), 1).collect().row(0, named=True)
    assert summary["new_cases"] == pytest.approx(1545.0)
    assert summary["arrivals"] == 1.0
    assert summary["new_cases_var"] == pytest.approx(1545.0**2)


def test_without_rate_changes_prices_stay_and_without_history_there_are_no_new_cases() -> None:
    known = with_knowledge(LEDGER, KNOWN_DATES)
    assert price_growth(known, rates(), 2025) == 1.0
    assert arrivals(known, rates(), 2025, DAY, []).collect().height == 0
    table = outlook(LEDGER, PAID, rates(), KNOWN_DATES, 2025, DAY, History(first_year=2025))
    assert table["new_cases"].to_list() == [0.0]
    assert table["variance"].to_list() == [0.0]


def test_a_leap_day_moves_to_the_28th() -> None:
    assert same_day(d("2024-02-29"), 2023) == d("2023-02-28")
    assert same_day(d("2025-03-31"), 2024) == d("2024-03-31")


def test_history_uses_whole_years_the_ledger_holds() -> None:
    assert History(first_year=2024, years=2).for_year(2025) == [2024]
    assert History(first_year=2020, years=2).for_year(2025) == [2023, 2024]
    assert History(first_year=2020, years=2).start(2025) == d("2023-01-01")


def test_the_settlement_line_and_its_variance_by_hand() -> None:
    # Y ran 1 January - 30 June 2024 at 100 kr. a day, paid in advance; March 2024 was paid 3,100 on 1 March and
    # corrected by +310 on 20 April. On 31 March 2024 the ledger counted January-March as booked; on 31 March 2025
    # the same months came to 310 more: the settlement line of 2025 is +310. One history year: the line is one
    # year's draw, so the variance is 310² × (1 + 1/1) = 192,200.
    ledger = grants(
        {"grant_id": "Y", "price_basis": "dag", "rate": 100.0, "start": d("2024-01-01"), "end": d("2024-06-30")}
    )
    dates = pl.DataFrame(
        [{"grant_id": "Y", "known_on": d("2023-12-01"), "end_known_on": d("2023-12-01")}], schema=KNOWN
    )
    paid = payments(
        *monthly_payments("Y", 2024, 100.0)[:6],
        {"grant_id": "Y", "service_month": "2024-03", "booked_on": d("2024-04-20"), "amount": 310.0},
    )
    row = outlook(ledger, paid, rates(), dates, 2025, DAY, HISTORY).row(0, named=True)
    assert row["settlement"] == pytest.approx(310.0)
    assert row["variance"] == pytest.approx(192_200.0)
    assert row["forecast"] == pytest.approx(310.0)
