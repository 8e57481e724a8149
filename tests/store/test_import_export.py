"""Importing canonical files into the database: atomic, idempotent, with history; and exporting them back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from django.db import connection
from django.utils import timezone
from support.world import EXPECTED_2025_06_30, write_world

from dispo.services.canonical import InvalidData
from dispo.services.exporting import export_folder
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.services.reports import forecast_table, grant_forecast
from dispo.store import models as m
from dispo.store.loading import load_ledger

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 6, 30)


@pytest.fixture
def world(tmp_path: Path) -> Path:
    return write_world(tmp_path / "world")


def test_an_imported_ledger_forecasts_the_hand_worked_figures(world: Path) -> None:
    import_ledger(Ledger.from_folder(world), user="test", reason="Import")
    result = {r["grant_id"]: r for r in grant_forecast(load_ledger(), 2025, AS_OF).iter_rows(named=True)}
    for grant_id, expected in EXPECTED_2025_06_30.items():
        for column, value in expected.items():
            assert result[grant_id][column] == pytest.approx(value, abs=0.005), (grant_id, column)


def test_the_database_and_the_files_give_the_same_paragraph_table(world: Path) -> None:
    from_files = forecast_table(Ledger.from_folder(world), 2025, AS_OF, "paragraph")
    import_ledger(Ledger.from_folder(world), user="test", reason="Import")
    from_db = forecast_table(load_ledger(), 2025, AS_OF, "paragraph")
    assert from_db.equals(from_files)
    sel108 = from_db.filter(pl.col("paragraph") == "SEL108").row(0, named=True)
    assert sel108["forecast"] == pytest.approx(456_000)
    assert sel108["diff"] == pytest.approx(44_000)
    assert sel108["grants"] == 2
    assert sel108["citizens"] == 1


def test_importing_the_same_files_twice_changes_nothing(world: Path) -> None:
    first = import_ledger(Ledger.from_folder(world), user="test", reason="Import")
    counts = (m.Grant.objects.count(), m.Payment.objects.count(), m.GrantChange.objects.count())
    second = import_ledger(Ledger.from_folder(world), user="test", reason="Import")
    assert (first.grants_created, second.grants_created, second.grants_changed) == (4, 0, 0)
    assert (m.Grant.objects.count(), m.Payment.objects.count(), m.GrantChange.objects.count()) == counts
    assert counts == (4, 3, 4)


def test_a_changed_grant_gets_a_history_row_with_old_and_new_values(world: Path) -> None:
    import_ledger(Ledger.from_folder(world), user="test", reason="Import")
    grants = world / "grants.csv"
    grants.write_text(
        grants.read_text().replace("g1,c1,k1,SEL108,handicap,p1,dag,1000", "g1,c1,k1,SEL108,handicap,p1,dag,1100")
    )
    result = import_ledger(Ledger.from_folder(world), user="anna", reason="Ny takst")
    change = m.GrantChange.objects.filter(grant__grant_id="g1").first()
    assert result.grants_changed == 1
    assert change is not None
    assert (change.changed_by, change.reason, change.fields) == (
        "anna",
        "Ny takst (ændret)",
        {"rate": [1000.0, 1100.0]},
    )


def test_a_bad_file_changes_nothing(world: Path) -> None:
    import_ledger(Ledger.from_folder(world), user="test", reason="Import")
    payments = world / "payments.csv"
    payments.write_text(payments.read_text() + "g1,2025-03,2025-04-03,31000\ng9,2025-03,2025-04-03,5\n")
    with pytest.raises(InvalidData) as caught:
        import_ledger(Ledger.from_folder(world), user="test", reason="Import")
    assert [(p.file, p.row, p.column, p.value) for p in caught.value.problems] == [
        ("payments.csv", 6, "grant_id", "g9")
    ]
    assert m.Payment.objects.count() == 3


def test_cpr_numbers_are_encrypted_at_rest_and_shown_masked(world: Path) -> None:
    import_ledger(Ledger.from_folder(world), user="test", reason="Import")
    citizen = m.Citizen.objects.get(citizen_id="c1")
    assert citizen.cpr == "610265-1234"
    assert citizen.cpr_masked == "610265-XXXX"
    with connection.cursor() as cursor:
        cursor.execute("SELECT cpr FROM store_citizen WHERE citizen_id = 'c1'")
        (raw,) = cursor.fetchone()
    assert "1234" not in raw
    assert "610265" not in raw


def test_export_round_trips_through_import(world: Path, tmp_path: Path) -> None:
    import_ledger(Ledger.from_folder(world), user="test", reason="Import")
    counts = export_folder(tmp_path / "out")
    assert counts["grants"] == 4
    assert counts["payments"] == 3
    exported = Ledger.from_folder(tmp_path / "out")
    original = Ledger.from_folder(world)
    for table in ("citizens", "grants", "budgets", "providers"):
        key = exported[table].columns[0]
        assert exported[table].sort(key).equals(original[table].sort(key)), table


def test_payments_for_a_grant_stored_nowhere_are_refused_with_their_row(world: Path, tmp_path: Path) -> None:
    """The database holds no foreign-key constraint on the payments' grant: the import is what keeps it."""
    import_ledger(Ledger.from_folder(world), user="test", reason="Import")
    payments = tmp_path / "payments.csv"
    payments.write_text(
        "grant_id,service_month,booked_on,amount\ng1,2025-03,2025-04-02,31000\ng9,2025-03,2025-04-02,500\n"
    )
    with pytest.raises(InvalidData) as refused:
        import_ledger(Ledger.from_files({"payments": payments}), user="test", reason="Import")
    [problem] = refused.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("payments.csv", 3, "grant_id", "g9")
    assert m.Payment.objects.count() == 3


def test_a_new_grant_gets_a_history_row_stamped_with_the_time_of_the_import(world: Path) -> None:
    before = timezone.now()
    import_ledger(Ledger.from_folder(world), user="anna", reason="Import")
    after = timezone.now()
    change = m.GrantChange.objects.get(grant__grant_id="g2")
    assert (change.changed_by, change.reason, change.fields) == ("anna", "Import (oprettet)", {})
    assert before <= change.changed_at <= after
    assert m.GrantChange.objects.count() == 4
