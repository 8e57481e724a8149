"""`dispo backtest` from a folder and from synthetic worlds: the month table, its summary, and bad input refused
with a message that names it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner
from support.world import write_world

from dispo.cli.main import cli


def test_a_folder_is_backtested_month_by_month(tmp_path: Path) -> None:
    # The tiny world's last booking is 10 March 2025, so 2024 is tested: g4 alone, 366 days × 500 = 183,000,
    # its end known on its last day, so dispo counts it to the year's end at every month-end: no error.
    folder = write_world(tmp_path / "world")
    result = CliRunner().invoke(cli, ["backtest", "--world", str(folder), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["month_end"] for row in rows][:2] == ["2024-01-31", "2024-02-29"]
    assert {float(row["actual"]) for row in rows} == {183_000.0}
    assert {float(row["err_dispo_pct"]) for row in rows} == {0.0}


def test_the_table_ends_with_the_measured_figures(tmp_path: Path) -> None:
    folder = write_world(tmp_path / "world")
    result = CliRunner().invoke(cli, ["backtest", "--world", str(folder)])
    assert result.exit_code == 0, result.output
    assert "80 %-intervallet rummede det faktiske resultat i 12 af 12 tilfælde (100,0 %)." in result.output
    assert "dispo ramte tættere end forbrug til dato × 12 / måneder i 12 af 12 tilfælde." in result.output


def test_synthetic_worlds_carry_their_seed(tmp_path: Path) -> None:
    out = tmp_path / "backtest.csv"
    arguments = ["backtest", "--size", "demo", "--seeds", "3", "--today", "2026-11-25", "--by", "paragraph"]
    result = CliRunner().invoke(cli, [*arguments, "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {"paragraph", "actual", "mae_dispo", "mae_run_rate", "coverage"} <= set(rows[0])
    assert any(row["paragraph"] == "SEL108" for row in rows)


def test_bad_seeds_and_a_bad_known_file_are_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    seeds = runner.invoke(cli, ["backtest", "--size", "demo", "--seeds", "1,to"])
    assert seeds.exit_code == 2
    assert "'1,to' er ikke hele tal adskilt af komma" in seeds.output
    folder = write_world(tmp_path / "world")
    (folder / "known.csv").write_text("grant_id,known_on,end_known_on\ng1,2025-13-01,\n", encoding="utf-8")
    refused = runner.invoke(cli, ["backtest", "--world", str(folder)])
    assert refused.exit_code == 2
    assert "known.csv, række 2, kolonne 'known_on': værdien '2025-13-01'" in refused.output
    both = runner.invoke(cli, ["backtest", "--world", str(folder), "--size", "demo"])
    assert both.exit_code == 2
    assert "Vælg enten --world eller --size" in both.output
