"""The change in forecast between two follow-ups, split into its reasons: hand-worked cases through the
forecast engine, and the parts always adding up to the change."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.frames import d, grants, payments, rates

from dispo.engine.changes import PARTS, grant_changes, line_changes, snapshot_basis
from dispo.engine.forecast import forecast_months, per_grant

YEAR = 2025
NO_RATES = rates()
NO_PAYMENTS = payments()


def snapshot(
    ledger_grants: pl.DataFrame, as_of: date, paid: pl.DataFrame = NO_PAYMENTS, changes: pl.DataFrame = NO_RATES
) -> pl.DataFrame:
    """A follow-up's grant table straight from the forecast engine, as the follow-up service freezes it."""
    months = forecast_months(ledger_grants, paid, changes, YEAR, as_of)
    return (
        per_grant(months, ledger_grants, YEAR)
        .join(snapshot_basis(months), on="grant_id", how="left")
        .join(
            ledger_grants.lazy().select("grant_id", "paragraph", "target_group", "status", "probability", "end"),
            on="grant_id",
        )
        .with_columns(pl.col("computed", "active_days").fill_null(0.0))
        .collect()
    )


def total(previous: pl.DataFrame, current: pl.DataFrame) -> dict[str, Any]:
    return line_changes(previous, current).row(0, named=True)


def only(parts: dict[str, Any], **expected: float) -> None:
    """Every part is as expected, the others zero, and they add up to the change."""
    for part in PARTS:
        assert parts[part] == pytest.approx(expected.get(part, 0.0), abs=1e-6), part
    assert sum(parts[p] for p in PARTS) == pytest.approx(parts["change"], abs=1e-6)


JULY = d("2025-07-31")
AUGUST = d("2025-08-31")
WHOLE_YEAR = {"grant_id": "g", "price_basis": "dag", "rate": 1000.0, "start": d("2025-01-01")}


def test_a_new_rate_from_july_is_a_change_of_price() -> None:
    # Before: 365 days × 1,000 = 365,000. After: 181 days (Jan–Jun) × 1,000 + 184 days (Jul–Dec) × 1,100 =
    # 383,400. Same days: period 0; price = 365 × (383,400 / 365 − 1,000) = 18,400.
    before = snapshot(grants(WHOLE_YEAR), JULY)
    after = snapshot(
        grants(WHOLE_YEAR), AUGUST, changes=rates({"grant_id": "g", "valid_from": d("2025-07-01"), "rate": 1100.0})
    )
    parts = total(before, after)
    assert parts["previous"] == pytest.approx(365_000.0)
    assert parts["current"] == pytest.approx(383_400.0)
    only(parts, price=18_400.0)


def test_an_end_date_brought_forward_counts_as_ended() -> None:
    # Before: open end, 365 × 1,000 = 365,000. After: ends 30 September, 273 days = 273,000.
    # Period at the old price: (273 − 365) × 1,000 = −92,000, and the end came earlier: ended.
    before = snapshot(grants(WHOLE_YEAR), JULY)
    after = snapshot(grants({**WHOLE_YEAR, "end": d("2025-09-30")}), AUGUST)
    only(total(before, after), ended=-92_000.0)


def test_a_later_start_is_a_change_of_period() -> None:
    # Before: from 1 March, 306 days × 1,000 = 306,000. After: from 1 April, 275 days = 275,000: period −31,000.
    before = snapshot(grants({**WHOLE_YEAR, "start": d("2025-03-01")}), d("2025-02-15"))
    after = snapshot(grants({**WHOLE_YEAR, "start": d("2025-04-01")}), d("2025-03-15"))
    only(total(before, after), period=-31_000.0)


def test_a_longer_period_at_a_higher_price_is_period_at_the_old_price_then_price_on_the_new_period() -> None:
    # Before: 500 kr./day, 1 Jan – 30 Jun: 181 days = 90,500. After: 600 kr./day to 30 Sep: 273 days = 163,800.
    # Change 73,300 = period (273 − 181) × 500 = 46,000 + price 273 × (600 − 500) = 27,300.
    short = {**WHOLE_YEAR, "rate": 500.0, "end": d("2025-06-30")}
    before = snapshot(grants(short), d("2025-05-31"))
    after = snapshot(grants({**short, "rate": 600.0, "end": d("2025-09-30")}), d("2025-06-30"))
    only(total(before, after), period=46_000.0, price=27_300.0)


def test_an_expected_grant_decided_adds_the_rest_of_its_weight_as_expected() -> None:
    # Before: expected at 50 %, 2,000 kr./day from 1 October: 92 × 2,000 × 0.5 = 92,000.
    # After: decided on the same terms: 184,000. Expected = (1 − 0.5) × 92 × 2,000 = 92,000.
    expected = {
        "grant_id": "g",
        "price_basis": "dag",
        "rate": 2000.0,
        "start": d("2025-10-01"),
        "status": "forventet",
        "probability": 0.5,
    }
    before = snapshot(grants(expected), JULY)
    after = snapshot(grants({**expected, "status": "bevilget", "probability": None}), AUGUST)
    only(total(before, after), expected=92_000.0)


def test_a_payment_below_the_rate_is_a_payment_difference() -> None:
    # January booked in full (31,000, as computed); February booked 27,000 where the rate gives 28 × 1,000.
    # As of 31 January only January is booked: B0 = 0. As of 31 March both: B1 = −1,000. Payments −1,000.
    paid = payments(
        {"grant_id": "g", "service_month": "2025-01", "booked_on": d("2025-01-03"), "amount": 31_000.0},
        {"grant_id": "g", "service_month": "2025-02", "booked_on": d("2025-03-03"), "amount": 27_000.0},
    )
    before = snapshot(grants(WHOLE_YEAR), d("2025-01-31"), paid)
    after = snapshot(grants(WHOLE_YEAR), d("2025-03-31"), paid)
    only(total(before, after), payments=-1_000.0)


def test_new_gone_and_expected_grants_count_their_whole_forecast() -> None:
    # Gone: a decided grant of 365,000 (ended −365,000) and an expected one of 0.5 × 92 × 2,000 = 92,000
    # (expected −92,000). New: a decided one-off of 50,000 (new +50,000) and an expected grant of 0.25 × 1,000
    # × 153 days (1 Aug – 31 Dec) = 38,250 (expected +38,250).
    gone = grants(
        WHOLE_YEAR,
        {
            "grant_id": "e0",
            "price_basis": "dag",
            "rate": 2000.0,
            "start": d("2025-10-01"),
            "status": "forventet",
            "probability": 0.5,
        },
    )
    arrived = grants(
        {"grant_id": "one", "price_basis": "engang", "rate": 50_000.0, "start": d("2025-09-01")},
        {
            "grant_id": "e1",
            "price_basis": "dag",
            "rate": 1000.0,
            "start": d("2025-08-01"),
            "status": "forventet",
            "probability": 0.25,
        },
    )
    only(
        total(snapshot(gone, JULY), snapshot(arrived, AUGUST)),
        ended=-365_000.0,
        expected=-92_000.0 + 38_250.0,
        new=50_000.0,
    )


def test_a_grant_moved_to_another_paragraph_moves_on_the_lines_and_not_in_the_total() -> None:
    # The grant goes from SEL85 to SEL104 at the same terms (365,000): −365,000 moved on SEL85, +365,000 moved
    # on SEL104, nothing in the total.
    before = snapshot(grants({**WHOLE_YEAR, "paragraph": "SEL85"}), JULY)
    after = snapshot(grants({**WHOLE_YEAR, "paragraph": "SEL104"}), AUGUST)
    lines = {row["paragraph"]: row for row in line_changes(before, after, ["paragraph"]).iter_rows(named=True)}
    only(lines["SEL85"], moved=-365_000.0)
    only(lines["SEL104"], moved=365_000.0)
    only(total(before, after))


def test_the_grants_behind_a_line_change_name_each_grant_once_per_line() -> None:
    before = snapshot(grants(WHOLE_YEAR, {**WHOLE_YEAR, "grant_id": "h", "paragraph": "SEL85"}), JULY)
    after = snapshot(grants({**WHOLE_YEAR, "end": d("2025-09-30")}), AUGUST)
    rows = grant_changes(before, after, ["paragraph"]).collect().sort("grant_id")
    assert rows.select("paragraph", "grant_id", "ended").rows() == [
        ("SEL108", "g", pytest.approx(-92_000.0)),
        ("SEL85", "h", pytest.approx(-365_000.0)),
    ]


def test_no_previous_grants_makes_everything_new() -> None:
    empty = snapshot(grants(WHOLE_YEAR).clear(), JULY)
    only(total(empty, snapshot(grants(WHOLE_YEAR), AUGUST)), new=365_000.0)


SNAPSHOT = {
    "grant_id": pl.String,
    "paragraph": pl.String,
    "target_group": pl.String,
    "status": pl.String,
    "probability": pl.Float64,
    "end": pl.Date,
    "active_days": pl.Float64,
    "computed": pl.Float64,
    "forecast": pl.Float64,
}
money = st.floats(-1e6, 1e7, allow_nan=False)


@st.composite
def a_snapshot(draw: st.DrawFn) -> pl.DataFrame:
    ids = draw(st.lists(st.integers(0, 12), unique=True, max_size=10))
    rows = []
    for i in ids:
        days = draw(st.sampled_from([0.0, 1.0, 30.0, 365.0]))
        rows.append(
            {
                "grant_id": f"g{i}",
                "paragraph": draw(st.sampled_from(["SEL85", "SEL108"])),
                "target_group": draw(st.sampled_from(["handicap", "psykiatri"])),
                "status": draw(st.sampled_from(["bevilget", "forventet", "afsluttet"])),
                # The ledger keeps probabilities to four decimals.
                "probability": draw(st.one_of(st.none(), st.integers(0, 10_000).map(lambda n: n / 10_000))),
                "end": draw(st.one_of(st.none(), st.dates(date(2025, 1, 1), date(2025, 12, 31)))),
                "active_days": days,
                "computed": draw(st.floats(0, 1e7)) if days else 0.0,
                "forecast": draw(money),
            }
        )
    return pl.DataFrame(rows, schema=SNAPSHOT)


@settings(max_examples=150, deadline=timedelta(seconds=5))
@given(a_snapshot(), a_snapshot(), st.sampled_from([[], ["target_group"], ["target_group", "paragraph"]]))
def test_the_parts_of_every_line_add_up_to_its_change_in_forecast(
    previous: pl.DataFrame, current: pl.DataFrame, keys: list[str]
) -> None:
    lines = line_changes(previous, current, keys)
    for line in lines.iter_rows(named=True):
        selection = pl.all_horizontal(pl.col(k) == line[k] for k in keys) if keys else pl.lit(True)
        before = previous.filter(selection)["forecast"].sum()
        after = current.filter(selection)["forecast"].sum()
        scale = 1.0 + abs(before) + abs(after)
        assert line["change"] == pytest.approx(after - before, abs=1e-9 * scale)
        # The parts are sums of products that may cancel (a part of +169.0 and one of −169.0 on a zero change):
        # floating point rounds relative to the sizes added, so the tolerance scales with the parts too.
        parts_scale = scale + sum(abs(line[p]) for p in PARTS)
        assert sum(line[p] for p in PARTS) == pytest.approx(line["change"], abs=1e-9 * parts_scale)
    assert lines["change"].sum() == pytest.approx(
        current["forecast"].sum() - previous["forecast"].sum(),
        abs=1e-9 * (1.0 + previous["forecast"].abs().sum() + current["forecast"].abs().sum()),
    )
