"""Novemberlisten on the hand-worked world of tests/data/mi: both directions of inter-municipal payment."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dispo.services.ledger import Ledger
from dispo.services.mi.november_list import november_list
from dispo.services.reports import ledger_frame

WORLD = Path(__file__).parents[1] / "data" / "mi"


@pytest.fixture(scope="module")
def listed() -> pl.DataFrame:
    ledger = Ledger.from_folder(WORLD)
    grants = ledger_frame(ledger, 2025, date(2025, 6, 30), "999").collect()
    return november_list(grants, ledger["citizens"], "999")


def test_only_grants_with_another_acting_or_paying_municipality_are_listed(listed: pl.DataFrame) -> None:
    assert listed.select("grant_id", "acting_municipality", "paying_municipality").rows() == [
        ("g4", "607", "999"),
        ("g5", "999", "510"),
    ]


def test_we_pay_for_another_municipalitys_citizen_after_the_own_payment(listed: pl.DataFrame) -> None:
    g4 = listed.row(0, named=True)
    # 365 days × 2,000 = 730,000, own payment 12 × 2,000 = 24,000.
    assert (g4["gross"], g4["own_payment"], g4["we_pay"], g4["others_pay"]) == (730_000, 24_000, 706_000, 0)


def test_another_paying_municipality_pays_for_our_citizen(listed: pl.DataFrame) -> None:
    g5 = listed.row(1, named=True)
    assert (g5["gross"], g5["we_pay"], g5["others_pay"]) == (547_500, 0, 547_500)


def test_each_rows_gross_is_own_payment_plus_what_we_and_the_others_pay(listed: pl.DataFrame) -> None:
    parts = listed["own_payment"] + listed["we_pay"] + listed["others_pay"]
    assert parts.to_list() == pytest.approx(listed["gross"].to_list())
