"""The forecast by each dimension a user can ask for, on the hand-worked ledger of support/world.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from support.world import write_world

from dispo.services.ledger import Ledger
from dispo.services.reports import DIMENSIONS, TABLE_COLUMNS, forecast_table

AS_OF = date(2025, 6, 30)


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger.from_folder(write_world(tmp_path))


def table(ledger: Ledger, by: str) -> dict[object, dict[str, object]]:
    result = forecast_table(ledger, 2025, AS_OF, by)
    key = DIMENSIONS[by][-1]
    return {row[key]: row for row in result.iter_rows(named=True)}


def test_by_step_places_each_paragraph_on_the_adult_disability_staircase(ledger: Ledger) -> None:
    steps = table(ledger, "step")
    assert steps[5]["forecast"] == pytest.approx(456_000)
    assert steps[3]["forecast"] == pytest.approx(91_500)
    assert steps[3]["fte"] == pytest.approx(183 / 365)


def test_by_provider_type(ledger: Ledger) -> None:
    types = table(ledger, "provider-type")
    assert types["privat"]["forecast"] == pytest.approx(456_000)
    assert types["egen"]["forecast"] == pytest.approx(91_500)
    assert types["privat"]["budget"] is None


def test_by_caseworker_counts_their_citizens(ledger: Ledger) -> None:
    workers = table(ledger, "caseworker")
    assert (workers["sb1"]["citizens"], workers["sb1"]["grants"]) == (1, 2)
    assert workers["sb2"]["forecast"] == pytest.approx(91_500)


def test_by_account_function(ledger: Ledger) -> None:
    functions = table(ledger, "account-function")
    assert functions["5.38.50"]["forecast"] == pytest.approx(456_000)
    assert functions["5.38.38"]["forecast"] == pytest.approx(91_500)


@pytest.mark.parametrize("by", sorted(DIMENSIONS))
def test_every_dimension_sums_to_the_same_total(ledger: Ledger, by: str) -> None:
    result = forecast_table(ledger, 2025, AS_OF, by)
    assert result.columns[-len(TABLE_COLUMNS) :] == list(TABLE_COLUMNS)
    assert result["forecast"].sum() == pytest.approx(547_500)
    assert result.filter(pl.col("grants") > 0)["grants"].sum() == 3
