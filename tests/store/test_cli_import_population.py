"""`dispo import-population` as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dispo.cli.main import cli
from dispo.store.population.models import Population

pytestmark = pytest.mark.django_db

SMALL = Path(__file__).parents[1] / "data" / "population" / "folk1a-small.csv"


def test_importing_folk1a_reports_rows_municipalities_and_quarters() -> None:
    result = CliRunner().invoke(cli, ["import-population", str(SMALL)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "16 rækker læst, 14 befolkningstal gemt",
        "kommuner: 998, 999",
        "kvartaler: 2025K1, 2025K2",
    ]


def test_a_bad_file_exits_with_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("OMRÅDE;ALDER;TID;INDHOLD\n999 Eksempel Kommune;18 år;2025Q1;x\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-population", str(bad)])
    assert result.exit_code == 2
    assert "bad.csv, række 2, kolonne 'TID': værdien '2025Q1'" in result.stderr
    assert "bad.csv, række 2, kolonne 'INDHOLD': værdien 'x'" in result.stderr
    assert Population.objects.count() == 0
