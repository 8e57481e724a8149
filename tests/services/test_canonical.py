"""Reading canonical CSV files: good files come out typed, bad ones are refused with every problem named."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispo.services.canonical import InvalidData, Problem, read_table, reference_problems

GRANT_HEADER = (
    "grant_id,citizen_id,paragraph,target_group,price_basis,rate,hours_per_week,start,end,status,probability,"
    "acting_municipality,paying_municipality"
)
GOOD_GRANT = "g1,c1,SEL108,handicap,dag,1000.50,,2025-01-01,,bevilget,,999,999"


def write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems_of(path: Path, table: str) -> list[Problem]:
    with pytest.raises(InvalidData) as caught:
        read_table(path, table)
    return caught.value.problems


def test_a_good_grants_file_comes_out_typed(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path, "grants.csv", GRANT_HEADER, GOOD_GRANT), "grants")
    row = frame.row(0, named=True)
    assert row["rate"] == 1000.5
    assert row["start"].isoformat() == "2025-01-01"
    assert row["end"] is None
    assert row["own_payment"] is None  # an optional column left out of the header


def test_a_grant_ending_before_it_starts_is_refused_with_row_and_column(tmp_path: Path) -> None:
    bad = "g2,c1,SEL108,handicap,dag,1000,,2025-03-01,2025-02-28,bevilget,,999,999"
    [problem] = problems_of(write(tmp_path, "grants.csv", GRANT_HEADER, GOOD_GRANT, bad), "grants")
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "grants.csv",
        3,
        "end",
        "2025-02-28",
    )
    assert "startdatoen" in problem.expected


def test_a_negative_rate_is_refused(tmp_path: Path) -> None:
    bad = "g2,c1,SEL108,handicap,dag,-5,,2025-03-01,,bevilget,,999,999"
    [problem] = problems_of(write(tmp_path, "grants.csv", GRANT_HEADER, bad), "grants")
    assert (problem.row, problem.column, problem.value) == (2, "rate", "-5")
    assert "≥ 0" in problem.expected


def test_a_danish_date_and_a_decimal_comma_are_named_as_wrong_formats(tmp_path: Path) -> None:
    bad = 'g2,c1,SEL108,handicap,dag,"1000,50",,01-03-2025,,bevilget,,999,999'
    problems = problems_of(write(tmp_path, "grants.csv", GRANT_HEADER, bad), "grants")
    found = {(p.column, p.value) for p in problems}
    assert found == {("rate", "1000,50"), ("start", "01-03-2025")}
    assert all(p.row == 2 for p in problems)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    lines = [
        "g2,c1,SEL108,handicap,uge,1000,,2025-03-01,,bevilget,,999,999",
        "g3,c1,SEL108,handicap,dag,1000,,2025-03-01,,godkendt,,999,999",
        "g4,c1,SEL108,handicap,time,400,,2025-03-01,,bevilget,,999,999",
        "g5,c1,SEL108,handicap,dag,1000,,2025-03-01,,forventet,1.5,999,999",
        "g6,c1,SEL108,handicap,dag,1000,,2025-03-01,,bevilget,,99,999",
    ]
    problems = problems_of(write(tmp_path, "grants.csv", GRANT_HEADER, *lines), "grants")
    assert [(p.row, p.column) for p in problems] == [
        (2, "price_basis"),
        (3, "status"),
        (4, "hours_per_week"),
        (5, "probability"),
        (6, "acting_municipality"),
    ]


def test_a_missing_required_column_is_named_and_nothing_is_read(tmp_path: Path) -> None:
    header = GRANT_HEADER.replace(",price_basis", "")
    line = GOOD_GRANT.replace(",dag", "")
    [problem] = problems_of(write(tmp_path, "grants.csv", header, line), "grants")
    assert (problem.row, problem.column) == (1, "price_basis")
    assert "mangler" in problem.expected


def test_an_unknown_column_is_refused_rather_than_ignored(tmp_path: Path) -> None:
    [problem] = problems_of(write(tmp_path, "grants.csv", GRANT_HEADER + ",takst", GOOD_GRANT + ",5"), "grants")
    assert (problem.row, problem.column) == (1, "takst")


def test_an_empty_required_field_is_refused(tmp_path: Path) -> None:
    bad = "g2,,SEL108,handicap,dag,1000,,2025-03-01,,bevilget,,999,999"
    [problem] = problems_of(write(tmp_path, "grants.csv", GRANT_HEADER, bad), "grants")
    assert (problem.row, problem.column, problem.value) == (2, "citizen_id", "")


def test_a_duplicate_key_is_refused(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, "grants.csv", GRANT_HEADER, GOOD_GRANT, GOOD_GRANT), "grants")
    assert [(p.row, p.column) for p in problems] == [(2, "grant_id"), (3, "grant_id")]


CITIZEN_HEADER = "citizen_id,cpr,birth_date,sex"


@pytest.mark.parametrize(
    "cpr",
    ["6102651234x", "610265-123", "000265-1234", "320265-1234", "600265-1234", "921365-1234", "abcdef-ghij"],
)
def test_a_malformed_cpr_is_refused_without_being_echoed_in_full(tmp_path: Path, cpr: str) -> None:
    path = write(tmp_path, "citizens.csv", CITIZEN_HEADER, f"c1,{cpr},1965-02-01,K")
    [problem] = problems_of(path, "citizens")
    assert (problem.row, problem.column) == (2, "cpr")
    assert "ddmmåå-xxxx" in problem.expected
    assert cpr[-4:] not in str(problem)


def test_a_cpr_without_dash_is_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, "citizens.csv", CITIZEN_HEADER, "c1,6102651234,1965-02-01,K")
    assert read_table(path, "citizens")["cpr"][0] == "610265-1234"


def test_a_file_that_is_not_utf8_is_refused_with_the_expected_encoding(tmp_path: Path) -> None:
    path = tmp_path / "providers.csv"
    path.write_bytes("provider_id,name,provider_type\np1,Bostedet Ærø,privat\n".encode("cp1252"))
    [problem] = problems_of(path, "providers")
    assert "UTF-8" in problem.expected


def test_a_payment_for_an_unknown_grant_is_a_dangling_reference(tmp_path: Path) -> None:
    grants = read_table(write(tmp_path, "grants.csv", GRANT_HEADER, GOOD_GRANT), "grants")
    payments = read_table(
        write(tmp_path, "payments.csv", "grant_id,service_month,booked_on,amount", "g9,2025-01,2025-01-05,100"),
        "payments",
    )
    problems = reference_problems({"grants": grants, "payments": payments}, {"citizens": ["c1"]})
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [("payments.csv", 2, "grant_id", "g9")]
