"""Expected ends of open grants: the survival curve from the ledger's history and the remaining cost it saves."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.frames import d, grants, payments, rates

from dispo.engine.ends import durations, expected_ends, running_chance, survival
from dispo.engine.forecast import forecast_months
from dispo.engine.knowledge import KNOWN, with_knowledge


def open_grant(grant_id: str, start: str, end: str | None = None) -> dict[str, object]:
    return {
        "grant_id": grant_id,
        "price_basis": "dag",
        "rate": 100.0,
        "start": d(start),
        "end": d(end) if end else None,
    }


def curve(ledger: pl.DataFrame, day: date, history_from: date) -> dict[int, float]:
    known = with_knowledge(ledger, pl.DataFrame(schema=KNOWN))
    table = survival(durations(known, day, history_from)).collect()
    return dict(zip(table["age"].to_list(), table["surv"].to_list(), strict=True))


def test_kaplan_meier_by_hand() -> None:
    # Four grants from 1 January 2024, ends registered on their end date: two end after 10 and 20 active days,
    # two still run on 9 February 2024 (age 40). At age 10 four are at risk, one ends: S = 3/4; at age 20 three
    # are at risk, one ends: S = 3/4 × 2/3 = 1/2.
    ledger = grants(
        open_grant("a", "2024-01-01", "2024-01-10"),
        open_grant("b", "2024-01-01", "2024-01-20"),
        open_grant("c", "2024-01-01"),
        open_grant("d", "2024-01-01"),
    )
    assert curve(ledger, d("2024-02-09"), d("2024-01-01")) == pytest.approx({10: 0.75, 20: 0.5})


def test_a_grant_from_before_the_window_is_at_risk_only_from_its_age_on_the_first_day() -> None:
    # "old" started 1 January 2023: on the window's first day (1 January 2024) it had run 365 days, so it is not
    # at risk at age 10. At age 10 two are at risk ("a", "c"): S = 1/2. At age 400 ("old" ends on 4 February
    # 2024, its 400th day) only "old" itself is at risk: S = 1/2 × 0 = 0.
    ledger = grants(
        open_grant("old", "2023-01-01", "2024-02-04"),
        open_grant("a", "2024-01-01", "2024-01-10"),
        open_grant("c", "2024-01-01"),
    )
    assert curve(ledger, d("2024-02-09"), d("2024-01-01")) == pytest.approx({10: 0.5, 400: 0.0})


def test_an_open_grant_runs_on_with_the_chance_the_curve_gives_from_its_age() -> None:
    # History: of four grants of 1 January 2024, one ends at age 10 and one at age 20: S(10) = 3/4, S(20) = 1/2.
    # "new" starts 1 February 2024 and is open. As of 1 February (its age 1) it runs through the middle of the
    # rest of February (2 to 29 February, middle the 15th, age 15) with chance S(15) / S(1) = 3/4; of the 28
    # remaining days × 100 kr. = 2,800 kr., 2,800 × (3/4 − 1) = −700 kr. are expected not to be spent.
    ledger = grants(
        open_grant("a", "2024-01-01", "2024-01-10"),
        open_grant("b", "2024-01-01", "2024-01-20"),
        open_grant("c", "2024-01-01"),
        open_grant("d", "2024-01-01"),
        open_grant("new", "2024-02-01"),
    )
    day = d("2024-02-01")
    known = with_knowledge(ledger, pl.DataFrame(schema=KNOWN))
    history = survival(durations(known, day, d("2024-01-01")))
    months = forecast_months(known, payments(), rates(), 2024, day).filter(pl.col("month") == d("2024-02-01"))
    chances = running_chance(months, known, history, day).filter(pl.col("grant_id") == "new").collect()
    assert chances["remaining"].item() == 2800.0
    assert chances["chance"].item() == pytest.approx(0.75)
    assert expected_ends(chances.lazy()).collect()["ends"].item() == pytest.approx(-700.0)


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
