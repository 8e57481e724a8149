"""The ledger as it stood on a past day: later decisions, later registered ends and later payments hidden."""

from __future__ import annotations

import polars as pl
from support.frames import d, grants, payments, rates

from dispo.engine.knowledge import KNOWN, as_known_on, with_knowledge


def known(*rows: dict[str, object]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=KNOWN)


LEDGER = grants(
    {"grant_id": "late", "price_basis": "dag", "rate": 100.0, "start": d("2025-03-15"), "end": None},
    {
        "grant_id": "ended",
        "price_basis": "dag",
        "rate": 100.0,
        "start": d("2024-01-01"),
        "end": d("2025-05-31"),
        "status": "afsluttet",
    },
    {"grant_id": "plain", "price_basis": "dag", "rate": 100.0, "start": d("2025-02-01"), "end": d("2025-04-30")},
)
KNOWN_DATES = known(
    {"grant_id": "late", "known_on": d("2025-03-10"), "end_known_on": None},
    {"grant_id": "ended", "known_on": d("2023-12-01"), "end_known_on": d("2025-06-20")},
)
PAID = payments(
    {"grant_id": "ended", "service_month": "2025-05", "booked_on": d("2025-05-01"), "amount": 3100.0},
    {"grant_id": "ended", "service_month": "2025-06", "booked_on": d("2025-06-01"), "amount": 3000.0},
)
RATES = rates({"grant_id": "ended", "valid_from": d("2025-06-01"), "rate": 110.0})


def seen(day: str) -> dict[str, dict[str, object]]:
    view = as_known_on(LEDGER, PAID, RATES, KNOWN_DATES, d(day))
    return {row["grant_id"]: row for row in view.grants.collect().to_dicts()}


def test_a_grant_is_unknown_before_its_decision_and_known_from_the_day_of_it() -> None:
    assert "late" not in seen("2025-03-09")
    assert "late" in seen("2025-03-10")


def test_an_end_registered_later_is_hidden_and_the_grant_counts_as_running() -> None:
    before = seen("2025-06-19")["ended"]
    assert before["end"] is None
    assert before["status"] == "bevilget"
    after = seen("2025-06-20")["ended"]
    assert after["end"] == d("2025-05-31")
    assert after["status"] == "afsluttet"


def test_a_grant_without_dates_is_known_from_its_start_and_its_end_on_the_end_date() -> None:
    assert "plain" not in seen("2025-01-31")
    on_start = seen("2025-02-01")["plain"]
    assert on_start["end"] is None
    assert seen("2025-04-30")["plain"]["end"] == d("2025-04-30")


def test_payments_and_rate_changes_count_from_the_day_they_were_booked_or_valid() -> None:
    view = as_known_on(LEDGER, PAID, RATES, KNOWN_DATES, d("2025-05-31"))
    assert view.payments.collect()["amount"].to_list() == [3100.0]
    assert view.rates.collect().height == 0
    later = as_known_on(LEDGER, PAID, RATES, KNOWN_DATES, d("2025-06-01"))
    assert later.payments.collect()["amount"].to_list() == [3100.0, 3000.0]
    assert later.rates.collect()["rate"].to_list() == [110.0]


def test_open_type_means_the_end_was_not_known_at_the_decision() -> None:
    flags = dict(with_knowledge(LEDGER, KNOWN_DATES).select("grant_id", "open_type").collect().iter_rows())
    # late: no end at all; ended: registered 2025-06-20 after its decision 2023-12-01; plain: by the default
    # rule its end became known on 2025-04-30, after it was known (its start 2025-02-01).
    assert flags == {"late": True, "ended": True, "plain": True}
    fixed = known({"grant_id": "plain", "known_on": d("2025-01-20"), "end_known_on": d("2025-01-20")})
    assert with_knowledge(LEDGER, fixed).filter(pl.col("grant_id") == "plain").collect()["open_type"].item() is False


def test_an_expected_grant_without_dates_is_known_all_along() -> None:
    expected = grants(
        {
            "grant_id": "e",
            "price_basis": "dag",
            "rate": 100.0,
            "start": d("2025-10-01"),
            "status": "forventet",
            "probability": 0.5,
        }
    )
    view = as_known_on(expected, payments(), rates(), known(), d("2025-06-30"))
    assert view.grants.collect()["grant_id"].to_list() == ["e"]
