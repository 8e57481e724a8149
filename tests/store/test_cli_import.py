"""`dispo import` and `dispo export` as a user runs them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.world import write_world

from dispo.cli.main import cli
from dispo.store.models import Grant, GrantChange, Payment

pytestmark = pytest.mark.django_db


def test_importing_a_folder_reports_what_it_read_and_created(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["import", str(write_world(tmp_path / "w"))])
    assert result.exit_code == 0, result.output
    assert "grants: 4 rækker læst" in result.stdout
    assert "bevillinger: 4 nye, 0 ændrede" in result.stdout
    again = CliRunner().invoke(cli, ["import", str(tmp_path / "w")])
    assert "bevillinger: 0 nye, 0 ændrede" in again.stdout
    assert (Grant.objects.count(), Payment.objects.count(), GrantChange.objects.count()) == (4, 3, 4)


def test_a_bad_folder_is_refused_with_every_problem_and_nothing_is_written(tmp_path: Path) -> None:
    world = write_world(tmp_path / "w")
    citizens = world / "citizens.csv"
    citizens.write_text(citizens.read_text().replace("610265-1234", "61026-51234"))
    grants = world / "grants.csv"
    grants.write_text(grants.read_text().replace(",dag,1000,", ",dag,-1000,"))
    result = CliRunner().invoke(cli, ["import", str(world)])
    assert result.exit_code == 2
    assert "citizens.csv, række 2, kolonne 'cpr'" in result.stderr
    assert "grants.csv, række 2, kolonne 'rate': værdien '-1000'" in result.stderr
    assert "1234" not in result.stderr
    assert Grant.objects.count() == 0


def test_export_writes_every_table(tmp_path: Path) -> None:
    CliRunner().invoke(cli, ["import", str(write_world(tmp_path / "w"))])
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "budgets.csv",
        "caseworkers.csv",
        "citizens.csv",
        "grants.csv",
        "payments.csv",
        "providers.csv",
        "rates.csv",
        "units.csv",
    ]


def forecast_of_imported_world(world: Path, *options: str) -> dict[str, dict[str, str]]:
    """`dispo forecast` without files, by paragraph as CSV, after importing the tiny world."""
    CliRunner().invoke(cli, ["import", str(write_world(world))])
    command = ["forecast", "--year", "2025", "--as-of", "2025-06-30", "--format", "csv", *options]
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 0, result.output
    return {row["paragraph"]: row for row in csv.DictReader(io.StringIO(result.stdout))}


def test_forecast_without_files_reads_the_imported_ledger(tmp_path: Path) -> None:
    table = forecast_of_imported_world(tmp_path / "w")
    assert float(table["SEL108"]["forecast"]) == pytest.approx(456_000)
    assert float(table["SEL85"]["forecast"]) == pytest.approx(91_500)
    assert float(table["SEL108"]["budget"]) == pytest.approx(500_000)


def test_forecast_with_net_reads_the_citizens_from_the_database(tmp_path: Path) -> None:
    sel108 = forecast_of_imported_world(tmp_path / "w", "--net")["SEL108"]
    # The private provider's 5 % VAT compensation of 456,000 = 22,800.
    assert float(sel108["vat_compensation"]) == pytest.approx(22_800)
    assert float(sel108["net"]) == pytest.approx(456_000 - 22_800)
