"""Loading the stored ledger in bulk gives back exactly the tables that were imported, on SQLite and on
PostgreSQL alike: every value, every type, every empty field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from support.world import write_world

from dispo.engine import schema
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.services.reports import FORECAST_TABLES, forecast_table
from dispo.store.loading import load_ledger, load_table

pytestmark = pytest.mark.django_db
COMPARED = ("providers", "caseworkers", "grants", "rates", "payments", "budgets")
"""Citizens come back with the CPR number masked, and units by their own key order: compared elsewhere."""


@pytest.fixture
def imported(tmp_path: Path) -> Ledger:
    ledger = Ledger.from_folder(write_world(tmp_path / "world"))
    import_ledger(ledger, user="test", reason="Import")
    return ledger


@pytest.mark.parametrize("table", COMPARED)
def test_a_loaded_table_equals_the_imported_file(imported: Ledger, table: str) -> None:
    loaded = load_ledger()[table]
    assert loaded.schema == pl.Schema(schema.TABLES[table])
    assert_frame_equal(loaded.sort(pl.all()), imported[table].sort(pl.all()))


def test_payments_name_their_grant_by_its_grant_id(imported: Ledger) -> None:
    # The tiny world books g1's January (31,000) and February (28,000 − 1,000).
    booked = load_table("payments").group_by("grant_id", "service_month").agg(pl.col("amount").sum()).sort(pl.all())
    assert booked.rows() == [("g1", "2025-01", 31_000.0), ("g1", "2025-02", 27_000.0)]


def test_an_empty_database_loads_empty_tables_of_the_canonical_types() -> None:
    ledger = load_ledger()
    for table in schema.TABLES:
        assert ledger[table].is_empty()
        assert ledger[table].schema == pl.Schema(schema.TABLES[table])


@pytest.fixture
def two_years(tmp_path: Path) -> Ledger:
    """The tiny world with g4's December 2024 booked too (6,000 in January 2025)."""
    world = write_world(tmp_path / "world")
    with (world / "payments.csv").open("a", encoding="utf-8") as payments:
        payments.write("g4,2024-12,2025-01-05,6000\n")
    ledger = Ledger.from_folder(world)
    import_ledger(ledger, user="test", reason="Import")
    return ledger


def test_a_years_ledger_holds_the_payments_of_that_years_service_months_alone(two_years: Ledger) -> None:
    of_2025 = load_ledger(["payments"], year=2025)["payments"]
    assert sorted(of_2025["service_month"].to_list()) == ["2025-01", "2025-02", "2025-02"]
    assert of_2025["amount"].sum() == 58_000
    assert load_ledger(["payments"], year=2024)["payments"].rows() == [("g4", "2024-12", date(2025, 1, 5), 6000.0)]
    assert load_ledger(["payments"], year=2023)["payments"].is_empty()


def test_a_years_ledger_forecasts_that_year_as_the_whole_ledger_does(two_years: Ledger) -> None:
    as_of = date(2025, 6, 30)
    whole = forecast_table(load_ledger(), 2025, as_of, "paragraph")
    of_year = forecast_table(load_ledger(FORECAST_TABLES, year=2025), 2025, as_of, "paragraph")
    assert_frame_equal(of_year, whole)
    assert dict(of_year.select("paragraph", "forecast").iter_rows()) == pytest.approx(
        {"SEL108": 456_000, "SEL85": 91_500}
    )


def test_the_grants_come_with_their_keys_whatever_else_is_loaded(two_years: Ledger) -> None:
    alone = load_ledger(["rates", "payments"])["payments"]
    with_grants = load_ledger(["payments", "grants"])["payments"]
    assert_frame_equal(alone, with_grants)
    assert set(alone["grant_id"]) == {"g1", "g4"}
