"""The caseworkers' caseloads on the hand-worked world of tests/data/mi (its README gives every figure)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dispo.services.ledger import Ledger
from dispo.services.mi import total
from dispo.services.mi.caseload import NO_CASEWORKER, caseworker_citizens, caseworker_overview, ending_grants, in_scope
from dispo.services.reports import ledger_frame

WORLD = Path(__file__).parents[1] / "data" / "mi"
AS_OF = date(2025, 6, 30)


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return Ledger.from_folder(WORLD)


@pytest.fixture(scope="module")
def grants(ledger: Ledger) -> pl.DataFrame:
    return ledger_frame(ledger, 2025, AS_OF, "999").collect()


def by_caseworker(table: pl.DataFrame) -> dict[str | None, dict[str, object]]:
    return {row["caseworker_id"]: row for row in table.to_dicts()}


def test_each_caseworkers_caseload_is_the_sum_of_their_grants(ledger: Ledger, grants: pl.DataFrame) -> None:
    rows = by_caseworker(caseworker_overview(grants, ledger["caseworkers"], ledger["units"]))
    anna = rows["sb1"]
    assert (anna["name"], anna["unit"], anna["citizens"], anna["grants"]) == (
        "Anna Andersen",
        "Voksenhandicap, myndighed",
        3,
        4,
    )
    # g1 2,920,000 + g12 120,000 + g2 543,000 + g11 441,600.
    assert anna["forecast"] == pytest.approx(4_024_600)
    # To date: 181 days × 8,000 + 6 months × 10,000 + 543,000 + nothing of g11 (starts 2025-07-01).
    assert anna["actual_to_date"] == pytest.approx(2_051_000)
    assert anna["remaining"] == pytest.approx(1_973_600)
    assert anna["fte"] == pytest.approx(1 + 1 + 181 / 365 + 184 / 365)
    assert rows["sb2"]["forecast"] == pytest.approx(92_000 + 730_000 + 547_500)
    assert rows["sb2"]["fte"] == pytest.approx(2 + 184 / 365)
    assert rows["sb3"]["forecast"] == pytest.approx(2 * 912_500)


def test_grants_without_a_caseworker_form_a_last_row_so_the_rows_add_up(ledger: Ledger, grants: pl.DataFrame) -> None:
    table = caseworker_overview(grants, ledger["caseworkers"], ledger["units"])
    last = table.row(-1, named=True)
    assert (last["caseworker_id"], last["name"], last["grants"], last["forecast"]) == (None, NO_CASEWORKER, 1, 10_000)
    assert table["forecast"].sum() == pytest.approx(grants["forecast"].sum())
    assert table["forecast"].sum() == pytest.approx(7_229_100)


def test_a_caseworker_without_grants_in_the_year_is_listed_with_zeros(ledger: Ledger, grants: pl.DataFrame) -> None:
    caseworkers = pl.concat(
        [ledger["caseworkers"], pl.DataFrame([{"caseworker_id": "sb9", "name": "Keld Ny", "unit_id": "uv1"}])]
    )
    row = by_caseworker(caseworker_overview(grants, caseworkers, ledger["units"]))["sb9"]
    assert (row["citizens"], row["grants"], row["forecast"], row["fte"]) == (0, 0, 0.0, 0.0)


def test_a_leaders_overview_holds_only_their_caseworkers(ledger: Ledger, grants: pl.DataFrame) -> None:
    table = caseworker_overview(grants, ledger["caseworkers"], ledger["units"], only={"sb3"})
    assert table["caseworker_id"].to_list() == ["sb3"]
    assert total(in_scope(grants, {"sb3"}))["forecast"] == pytest.approx(1_825_000)


def test_the_total_counts_a_citizen_once_across_caseworkers(grants: pl.DataFrame) -> None:
    # c2 has g2 (Anna Andersen) and g9 (no caseworker): 8 citizens in all, not 3 + 3 + 2 + 1 = 9.
    figures = total(grants)
    assert (figures["citizens"], figures["grants"]) == (8, 10)


def test_the_caseworker_report_sums_their_grants_per_citizen(ledger: Ledger, grants: pl.DataFrame) -> None:
    table = caseworker_citizens(grants, ledger["citizens"], "sb1")
    assert table["citizen_id"].to_list() == ["c1", "c2", "c8"]
    c1, c2, _ = table.to_dicts()
    assert (c1["grants"], c1["forecast"], c1["fte"]) == (2, pytest.approx(3_040_000), pytest.approx(2.0))
    # c2's one-off g9 has no caseworker, so it is not in Anna Andersen's report.
    assert (c2["grants"], c2["forecast"]) == (1, pytest.approx(543_000))


def test_grants_ending_within_three_months_include_both_ends(ledger: Ledger, grants: pl.DataFrame) -> None:
    def ending(caseworker: str, as_of: date) -> list[str]:
        return ending_grants(grants, ledger["citizens"], ledger["providers"], caseworker, as_of)["grant_id"].to_list()

    # g2 ends on the as-of date itself; g11 runs on.
    assert ending("sb1", AS_OF) == ["g2"]
    # g3 ends 2025-08-31: exactly three months after 2025-05-31, one day more after 2025-05-30.
    assert ending("sb2", date(2025, 5, 31)) == ["g3"]
    assert ending("sb2", date(2025, 5, 30)) == []
    # g5 ends 2025-12-31: three calendar months after 2025-09-30 is 2025-12-30, after 2025-10-01 2026-01-01.
    assert ending("sb2", date(2025, 9, 30)) == []
    assert ending("sb2", date(2025, 10, 1)) == ["g5"]
