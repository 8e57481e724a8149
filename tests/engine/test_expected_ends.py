"""Expected ends of open grants: the stopping rates from the ledger's history, the registration lag, the remaining
cost they save, and how uncertain that is."""

from __future__ import annotations

import math
from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.frames import d, grants, payments, rates

from dispo.engine.ends import (
    BANDS,
    Registration,
    durations,
    estimation_variance,
    expected_ends,
    hazards,
    registration,
    running_chance,
)
from dispo.engine.knowledge import KNOWN, with_knowledge
from dispo.engine.outlook import History, outlook


def open_grant(grant_id: str, start: str, end: str | None = None) -> dict[str, object]:
    return {
        "grant_id": grant_id,
        "price_basis": "dag",
        "rate": 100.0,
        "start": d(start),
        "end": d(end) if end else None,
    }


def durations_of(*rows: tuple[str, int, int, int]) -> pl.LazyFrame:
    """Hand-made durations: paragraph, entry age, exit age, event."""
    return pl.LazyFrame(
        [{"paragraph": p, "entry": a, "exit": b, "event": e} for p, a, b, e in rows],
        schema={"paragraph": pl.String, "entry": pl.Int64, "exit": pl.Int64, "event": pl.Int64},
    )


def rates_of(frame: pl.LazyFrame) -> dict[tuple[str, int], tuple[float, float]]:
    table = hazards(frame).collect()
    return {
        (p, b): (h, v)
        for p, b, h, v in zip(table["paragraph"], table["band"], table["hazard"], table["hazard_var"], strict=True)
    }


def test_the_stopping_rate_per_band_by_hand() -> None:
    # SEL108: one grant ends at age 50, one at age 150, one runs on at age 100 (all from age 0). Days at risk
    # in band (0, 91]: 50 + 91 + 91 = 232, one end; in (91, 182]: 59 + 9 = 68, one end: 300 days, two ends.
    # SEL85: one grant at risk from age 400 to 700, no end: 300 days in (365, 730].
    # Ledger: 2 ends in 600 days. SEL108: (2 + 1) / (300 + 600 / 2) = 1/200; SEL85: (0 + 1) / (300 + 300) = 1/600.
    # Bands, with one end's weight at the paragraph's rate (1/rate days):
    #   SEL108 (0, 91]: (1 + 1) / (232 + 200) = 1/216, variance 2 / 432²; (91, 182]: 2 / 268 = 1/134;
    #   SEL108 (182, 365], no days: 1 / 200, variance 1 / 200²; SEL85 (365, 730]: 1 / (300 + 600) = 1/900.
    found = rates_of(
        durations_of(("SEL108", 0, 50, 1), ("SEL108", 0, 150, 1), ("SEL108", 0, 100, 0), ("SEL85", 400, 700, 0))
    )
    assert found["SEL108", 0] == pytest.approx((1 / 216, 2 / 432**2))
    assert found["SEL108", 1][0] == pytest.approx(1 / 134)
    assert found["SEL108", 2] == pytest.approx((1 / 200, 1 / 200**2))
    assert found["SEL85", 3][0] == pytest.approx(1 / 900)
    assert found["SEL85", 0][0] == pytest.approx(1 / 600)
    assert len(found) == 2 * len(BANDS)


def test_without_any_end_nothing_stops() -> None:
    found = rates_of(durations_of(("SEL108", 0, 300, 0), ("SEL85", 10, 20, 0)))
    assert {rate for rate, _ in found.values()} == {0.0}


def test_a_grant_from_before_the_window_counts_only_its_days_inside_it() -> None:
    # "old" started 1 January 2023: on the window's first day it had run 365 days; it ends on 4 February 2024,
    # its 400th day, so it adds 35 days and one end to the band (365, 730] and nothing to the younger ones.
    # "a" (1-10 January 2024) adds 10 days and one end to (0, 91]; "c" runs on 9 February: 40 days there.
    ledger = grants(
        open_grant("old", "2023-01-01", "2024-02-04"),
        open_grant("a", "2024-01-01", "2024-01-10"),
        open_grant("c", "2024-01-01"),
    )
    known = with_knowledge(ledger, pl.DataFrame(schema=KNOWN))
    table = durations(known, d("2024-02-09"), d("2024-01-01")).collect().sort("entry")
    assert table.select("entry", "exit", "event").rows() == [(0, 10, 1), (0, 40, 0), (365, 400, 1)]
    # Ledger: 2 ends in 85 days, one end's weight 42.5 days; the paragraph (all of the ledger here):
    # (2 + 1) / (85 + 42.5) = 1/42.5, again a weight of 42.5 days. (365, 730]: (1 + 1) / (35 + 42.5) = 2/77.5;
    # (0, 91]: (1 + 1) / (50 + 42.5) = 2/92.5; (730, 1461], no days: the paragraph's 1/42.5.
    found = rates_of(durations(known, d("2024-02-09"), d("2024-01-01")))
    assert found["SEL108", 3][0] == pytest.approx(2 / 77.5)
    assert found["SEL108", 0][0] == pytest.approx(2 / 92.5)
    assert found["SEL108", 4][0] == pytest.approx(1 / 42.5)


def test_how_late_ends_are_registered_by_hand() -> None:
    # Four open-ended grants ended in 2024 and were registered 5 days before, on, 10 and 30 days after their
    # end: waiting (0 + 0 + 10 + 30) / 4 = 10 days; 95 % are registered within the highest of them, 30 days.
    # "recent" ended less than 120 days before the day (its lag of 2 is left out, as are the lags of grants
    # whose end was known at the decision, like "fixed").
    ledger = grants(
        open_grant("a", "2024-01-01", "2024-03-10"),
        open_grant("b", "2024-01-01", "2024-04-10"),
        open_grant("c", "2024-01-01", "2024-05-10"),
        open_grant("e", "2024-01-01", "2024-06-10"),
        open_grant("recent", "2024-01-01", "2024-11-20"),
        open_grant("fixed", "2024-01-01", "2024-02-10"),
    )
    dates = pl.DataFrame(
        [
            {"grant_id": "a", "known_on": d("2023-12-01"), "end_known_on": d("2024-03-05")},
            {"grant_id": "b", "known_on": d("2023-12-01"), "end_known_on": d("2024-04-10")},
            {"grant_id": "c", "known_on": d("2023-12-01"), "end_known_on": d("2024-05-20")},
            {"grant_id": "e", "known_on": d("2023-12-01"), "end_known_on": d("2024-07-10")},
            {"grant_id": "recent", "known_on": d("2023-12-01"), "end_known_on": d("2024-11-22")},
            {"grant_id": "fixed", "known_on": d("2023-12-01"), "end_known_on": d("2023-12-01")},
        ],
        schema=KNOWN,
    )
    lag = registration(with_knowledge(ledger, dates), d("2024-12-31"))
    assert lag == Registration(waiting=10.0, complete_after=30)
    assert registration(with_knowledge(ledger, pl.DataFrame(schema=KNOWN)), d("2024-12-31")) == Registration(0.0, 0)


HAND_RATES = pl.LazyFrame(
    {
        "paragraph": ["SEL108"] * 3,
        "band": [0, 1, 2],
        "lower": [0, 91, 182],
        "upper": [91, 182, None],
        "hazard": [0.01, 0.002, 0.0],
        "hazard_var": [1e-6, 4e-8, 0.0],
    },
    schema_overrides={"upper": pl.Int64},
)


def hand_chances(waiting: float) -> pl.DataFrame:
    # "new" runs from 1 January 2024 at 100 kr. a day, open; the day is 31 January (age 31).
    ledger = with_knowledge(grants(open_grant("new", "2024-01-01")), pl.DataFrame(schema=KNOWN))
    months = pl.LazyFrame(
        {"grant_id": ["new", "new"], "month": [d("2024-02-01"), d("2024-06-01")], "remaining": [2900.0, 3000.0]}
    )
    return running_chance(months, ledger, HAND_RATES, d("2024-01-31"), waiting).collect().sort("month")


def test_an_open_grant_runs_on_with_the_chance_the_rates_give_from_its_age() -> None:
    # The middle of February is the 15th (age 46), of June the 15th (age 167). With 10 days of waiting the
    # grant has been at risk since age 21: February Λ = 0.01 × (46 − 21) = 0.25, chance e^−0.25 = 0.7788;
    # June Λ = 0.01 × (91 − 21) + 0.002 × (167 − 91) = 0.852, chance e^−0.852 = 0.4266.
    table = hand_chances(10.0)
    assert table["chance"].to_list() == pytest.approx([math.exp(-0.25), math.exp(-0.852)])
    # Without waiting it is at risk from age 31: February Λ = 0.15.
    assert hand_chances(0.0)["chance"][0] == pytest.approx(math.exp(-0.15))
    # Ends: 2,900 × (e^−0.25 − 1) + 3,000 × (e^−0.852 − 1) = −641.5 − 1,720.3.
    ends = expected_ends(table.lazy()).collect()["ends"].item()
    assert ends == pytest.approx(2900 * (math.exp(-0.25) - 1) + 3000 * (math.exp(-0.852) - 1))
    assert ends == pytest.approx(-2361.8, abs=0.1)


def test_the_uncertainty_of_the_rates_by_hand() -> None:
    # Slope per band: Σ remaining × chance × days in the band. (0, 91]: 2,900 × e^−0.25 × 25 + 3,000 × e^−0.852
    # × 70; (91, 182]: 3,000 × e^−0.852 × 76. Variance: slope² × the band's rate variance.
    band0 = 2900 * math.exp(-0.25) * 25 + 3000 * math.exp(-0.852) * 70
    band1 = 3000 * math.exp(-0.852) * 76
    variance = estimation_variance(hand_chances(10.0).lazy(), HAND_RATES).collect()["rate_var"].item()
    assert variance == pytest.approx(band0**2 * 1e-6 + band1**2 * 4e-8)


@given(
    st.lists(st.floats(0.0, 0.02), min_size=3, max_size=3),
    st.integers(0, 400),
    st.floats(0.0, 60.0),
)
@settings(deadline=None, max_examples=30)
def test_the_slope_is_the_derivative_of_the_cost_still_spent(
    band_rates: list[float], started_days_ago: int, waiting: float
) -> None:
    # A central difference of Σ remaining × chance in each band's rate must equal minus the slope behind
    # `estimation_variance` (the variance with a band's rate variance 1 and the others 0 is its slope squared).
    ledger = with_knowledge(
        grants(open_grant("g", (date(2024, 1, 31) - timedelta(days=started_days_ago)).isoformat())),
        pl.DataFrame(schema=KNOWN),
    )
    step = 1e-7
    months = pl.LazyFrame({"grant_id": ["g"] * 3, "month": [d("2024-02-01"), d("2024-06-01"), d("2024-12-01")]})
    months = months.with_columns(remaining=pl.lit(3000.0))

    def spent(hazard: list[float], variances: list[float]) -> tuple[float, float]:
        table = HAND_RATES.with_columns(hazard=pl.Series(hazard), hazard_var=pl.Series(variances))
        chances = running_chance(months, ledger, table, d("2024-01-31"), waiting)
        total = chances.select((pl.col("remaining") * pl.col("chance")).sum()).collect().item()
        return total, estimation_variance(chances, table).collect()["rate_var"].sum()

    for band in range(3):
        up = [r + step * (b == band) for b, r in enumerate(band_rates)]
        down = [r - step * (b == band) for b, r in enumerate(band_rates)]
        derivative = (spent(up, [0.0] * 3)[0] - spent(down, [0.0] * 3)[0]) / (2 * step)
        slope_squared = spent(band_rates, [float(b == band) for b in range(3)])[1]
        assert slope_squared == pytest.approx(derivative**2, rel=1e-4, abs=1e-2)


def chance_rows(amounts: list[float], chances: list[float], weight: float = 1.0) -> pl.LazyFrame:
    return pl.LazyFrame(
        {
            "grant_id": ["g"] * len(amounts),
            "paragraph": ["SEL85"] * len(amounts),
            "month": [date(2025, m + 1, 1) for m in range(len(amounts))],
            "remaining": [a * weight for a in amounts],
            "weight": [weight] * len(amounts),
            "chance": chances,
        }
    )


def test_expected_ends_and_their_variance_by_hand() -> None:
    # Two months of 100 kr. each, running with chance 1/2 and 1/4. Spent: 0 (chance 1/2), 100 (1/4), 200 (1/4):
    # E = 75, E[C²] = 2,500 + 10,000 = 12,500, Var = 12,500 − 75² = 6,875; ends = 75 − 200 = −125.
    row = expected_ends(chance_rows([100.0, 100.0], [0.5, 0.25])).collect().row(0, named=True)
    assert row["ends"] == -125.0
    assert row["ends_var"] == 6875.0


def test_an_expected_grant_with_a_known_end_varies_only_by_whether_it_is_decided() -> None:
    # 100 kr. with probability 1/2: the ledger counts 50; Var = p(1 − p) × 100² = 2,500; nothing ends early.
    row = expected_ends(chance_rows([100.0], [1.0], weight=0.5)).collect().row(0, named=True)
    assert row["ends"] == 0.0
    assert row["ends_var"] == 2500.0


@given(
    st.lists(st.floats(0, 10_000, allow_nan=False), min_size=1, max_size=12).flatmap(
        lambda amounts: st.tuples(
            st.just(amounts),
            st.lists(st.floats(0, 1), min_size=len(amounts), max_size=len(amounts)).map(
                lambda c: sorted(c, reverse=True)
            ),
        )
    )
)
def test_the_variance_is_that_of_the_stopping_month_enumerated(case: tuple[list[float], list[float]]) -> None:
    amounts, chances = case
    # The grant runs through exactly the first k months with probability s_k − s_{k+1} (s_0 = 1, s_{n+1} = 0)
    # and then costs the sum of those k months.
    runs = [1.0, *chances, 0.0]
    spent = [sum(amounts[:k]) for k in range(len(amounts) + 1)]
    probability = [runs[k] - runs[k + 1] for k in range(len(amounts) + 1)]
    mean = sum(p * c for p, c in zip(probability, spent, strict=True))
    variance = sum(p * c * c for p, c in zip(probability, spent, strict=True)) - mean * mean
    row = expected_ends(chance_rows(amounts, chances)).collect().row(0, named=True)
    assert abs(row["ends"] - (mean - sum(amounts))) <= 1e-6 * max(1.0, sum(amounts))
    assert abs(row["ends_var"] - max(variance, 0.0)) <= 1e-6 * max(1.0, sum(amounts)) ** 2
    assert row["ends"] <= 1e-9


def test_late_registration_makes_more_of_the_open_grants_stop() -> None:
    # Ten § 108 places from 1 January 2024; five end between March and July. Registered 30 days late, the rates
    # are estimated up to 1 December (not 31 December: fewer days at risk for the same ends) and every open grant
    # may have stopped in the 30 days before the day: the expected ends of 2025 are larger than with on-time
    # registration of the same ends.
    ends_on = ["2024-03-15", "2024-04-15", "2024-05-15", "2024-06-15", "2024-07-15"]
    ledger = grants(
        *(open_grant(f"e{i}", "2024-01-01", end) for i, end in enumerate(ends_on)),
        *(open_grant(f"o{i}", "2024-01-01") for i in range(5)),
    )

    def expected_ends_of_2025(days_late: int) -> float:
        dates = pl.DataFrame(
            [
                {"grant_id": f"e{i}", "known_on": d("2023-12-01"), "end_known_on": d(end) + timedelta(days_late)}
                for i, end in enumerate(ends_on)
            ],
            schema=KNOWN,
        )
        table = outlook(ledger, payments(), rates(), dates, 2025, d("2024-12-31"), History(first_year=2024))
        return float(table["ends"].sum())

    on_time, late = expected_ends_of_2025(0), expected_ends_of_2025(30)
    assert late < on_time < 0.0
