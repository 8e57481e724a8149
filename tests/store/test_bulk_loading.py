"""Loading the stored ledger in bulk gives back exactly the tables that were imported, on SQLite and on
PostgreSQL alike: every value, every type, every empty field."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from support.world import write_world

from dispo.engine import schema
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
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
