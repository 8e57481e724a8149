"""`dispo forecast` straight from canonical files: the stable layouts, and bad input refused with a message."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.world import EXPECTED_2025_06_30, write_world

from dispo.cli.main import cli


def run(world: Path, *args: str) -> tuple[int, str, str]:
    files = [f"--{t}={world / (t + '.csv')}" for t in ("grants", "payments", "rates", "budgets")]
    result = CliRunner().invoke(cli, ["forecast", "--year", "2025", "--as-of", "2025-06-30", *files, *args])
    return result.exit_code, result.stdout, result.stderr


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_by_paragraph_writes_the_stable_layout_with_hand_worked_figures(tmp_path: Path) -> None:
    code, out, _ = run(write_world(tmp_path), "--by", "paragraph", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "paragraph,budget,forecast,diff,grants,fte,avg_price,citizens"
    sel108 = next(r for r in rows(out) if r["paragraph"] == "SEL108")
    assert float(sel108["forecast"]) == pytest.approx(456_000)
    assert float(sel108["diff"]) == pytest.approx(44_000)
    assert (sel108["grants"], sel108["citizens"]) == ("2", "1")


def test_by_grant_writes_the_stable_layout(tmp_path: Path) -> None:
    code, out, _ = run(write_world(tmp_path), "--by", "grant", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "grant_id,actual_to_date,remaining,forecast,fte"
    by_id = {r["grant_id"]: r for r in rows(out)}
    for grant_id, expected in EXPECTED_2025_06_30.items():
        assert float(by_id[grant_id]["forecast"]) == pytest.approx(expected["forecast"])
        assert float(by_id[grant_id]["fte"]) == pytest.approx(expected["fte"])


def test_xlsx_needs_an_output_file(tmp_path: Path) -> None:
    code, _, err = run(write_world(tmp_path), "--format", "xlsx")
    assert code == 2
    assert "--out" in err


def test_a_bad_grants_file_is_refused_with_file_row_and_column(tmp_path: Path) -> None:
    world = write_world(tmp_path)
    grants = world / "grants.csv"
    grants.write_text(grants.read_text().replace("2025-04-01,2025-09-30", "2025-04-01,2025-03-30"))
    code, out, err = run(world, "--format", "csv")
    assert code == 2
    assert out == ""
    assert "grants.csv, række 3, kolonne 'end': værdien '2025-03-30'" in err


def test_an_unknown_paragraph_is_refused_with_its_row(tmp_path: Path) -> None:
    world = write_world(tmp_path)
    grants = world / "grants.csv"
    grants.write_text(grants.read_text().replace("g2,c2,k2,SEL85", "g2,c2,k2,SEL999"))
    code, _, err = run(world, "--format", "csv")
    assert code == 2
    assert "grants.csv, række 3, kolonne 'paragraph': værdien 'SEL999'" in err


def test_a_bad_date_option_is_named(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["forecast", "--as-of", "30-06-2025", f"--grants={write_world(tmp_path) / 'grants.csv'}"]
    )
    assert result.exit_code == 2
    assert "'30-06-2025' er ikke en dato på formen ÅÅÅÅ-MM-DD" in result.stderr


def test_net_adds_the_gross_to_net_columns(tmp_path: Path) -> None:
    world = write_world(tmp_path)
    code, out, _ = run(
        world,
        f"--providers={world / 'providers.csv'}",
        f"--citizens={world / 'citizens.csv'}",
        "--net",
        "--format",
        "csv",
    )
    assert code == 0
    sel108 = next(r for r in rows(out) if r["paragraph"] == "SEL108")
    # Private provider: 5 % VAT compensation of 456,000 = 22,800. SEL108 is under the 2025 first
    # threshold per month, so no SDE reimbursement.
    assert float(sel108["vat_compensation"]) == pytest.approx(22_800)
    assert float(sel108["net"]) == pytest.approx(456_000 - 22_800)
