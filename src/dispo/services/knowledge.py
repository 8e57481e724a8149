"""known.csv: reading it, validated whole (no database: the back-test runs on files too).

The file tells, per grant, the day it entered the ledger and the day its end became known (docs/data-formats.md).
A bad file is refused whole with every problem listed: file, row, column, value and what was expected.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polars as pl

from dispo.engine.knowledge import KNOWN
from dispo.services.canonical import MAX_PROBLEMS, InvalidData, Problem

FILE = "known.csv"
DATE = "en dato ÅÅÅÅ-MM-DD"
EXPECTED = {
    "grant_id": "en bevillings-id der findes i grants.csv (eller i databasen)",
    "known_on": DATE,
    "end_known_on": f"{DATE} eller tom (slutdatoen er ikke kendt endnu)",
}


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=KNOWN)


def _hits(raw: pl.DataFrame, mask: pl.Series, column: str, expected: str) -> list[Problem]:
    rows = raw.with_row_index("_i").filter(mask).select("_i", pl.col(column).fill_null("")).head(MAX_PROBLEMS)
    return [Problem(FILE, i + 2, column, value, expected) for i, value in rows.iter_rows()]


def _header(raw: pl.DataFrame) -> list[Problem]:
    missing = [c for c in ("grant_id", "known_on") if c not in raw.columns]
    unknown = [c for c in raw.columns if c not in KNOWN]
    problems = [Problem(FILE, 1, c, "", "kolonnen (den mangler i overskriften)") for c in missing]
    return problems + [Problem(FILE, 1, c, c, "kun kolonnerne " + ", ".join(KNOWN)) for c in unknown]


def parse_known(raw: pl.DataFrame, grant_ids: Iterable[str]) -> pl.DataFrame:
    """The typed table from the file's text columns; raises `InvalidData` listing every problem."""
    if problems := _header(raw):
        raise InvalidData(problems)
    if "end_known_on" not in raw.columns:
        raw = raw.with_columns(end_known_on=pl.lit(None, dtype=pl.String))
    text = {c: pl.col(c).str.strip_chars() for c in KNOWN}
    typed = raw.select(
        pl.when(text["grant_id"] != "").then(text["grant_id"]).alias("grant_id"),
        text["known_on"].str.to_date("%Y-%m-%d", strict=False).alias("known_on"),
        text["end_known_on"].str.to_date("%Y-%m-%d", strict=False).alias("end_known_on"),
    )
    given_end = raw["end_known_on"].str.strip_chars().fill_null("") != ""
    stored = list(grant_ids)
    problems = _hits(raw, typed["grant_id"].is_null(), "grant_id", EXPECTED["grant_id"])
    problems += _hits(
        raw, typed["grant_id"].is_not_null() & ~typed["grant_id"].is_in(stored), "grant_id", EXPECTED["grant_id"]
    )
    problems += _hits(
        raw,
        typed["grant_id"].is_duplicated() & typed["grant_id"].is_not_null(),
        "grant_id",
        "en bevilling der kun står én gang",
    )
    problems += _hits(raw, typed["known_on"].is_null(), "known_on", DATE)
    problems += _hits(raw, given_end & typed["end_known_on"].is_null(), "end_known_on", EXPECTED["end_known_on"])
    before = (typed["end_known_on"] < typed["known_on"]).fill_null(False)
    problems += _hits(
        raw, before, "end_known_on", "en dato på eller efter known_on (en slutdato kendes ikke før bevillingen)"
    )
    if problems:
        raise InvalidData(sorted(problems, key=lambda p: (p.row, p.column)))
    return typed


def read_known(path: Path, grant_ids: Iterable[str]) -> pl.DataFrame:
    """Read and validate known.csv against the ledger's grant ids."""
    try:
        raw = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except (pl.exceptions.ComputeError, UnicodeDecodeError) as error:
        raise InvalidData([Problem(FILE, 0, "", "", f"en UTF-8 CSV-fil med komma som skilletegn ({error})")]) from None
    return parse_known(raw, grant_ids)
