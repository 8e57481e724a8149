"""The mapped tables checked by the same rules as a canonical file, with every problem named in the source's terms.

The ledger's tables go through `dispo.services.canonical` exactly as a canonical CSV file does (written to a
temporary folder and read back), so a profile can never let through what a canonical file could not. Its problems
speak of `grants.csv, række 7, kolonne 'rate'`; here they are turned back into the export's file, the row Excel
shows and the export's own column name, with the cell's text as the export writes it.

The finance system's postings are not a ledger table and have no canonical rules yet; their checks are here.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import polars as pl

from dispo.engine import schema
from dispo.services import canonical
from dispo.services.canonical import InvalidData, Problem
from dispo.services.profiles.mapping import Mapped, masked
from dispo.services.profiles.model import REQUIRED
from dispo.services.profiles.sources import ROW, Source


def validated(
    mapped: Mapping[str, Mapped], source: Source, found: Iterable[Problem] = ()
) -> tuple[dict[str, pl.DataFrame], list[Problem]]:
    """Each table checked and typed (ledger tables by the canonical rules), and the problems in source terms.

    `found` are the problems already named (cells that did not parse): a rule broken only because its value
    could not be read from such a cell is not named again.
    """
    tables: dict[str, pl.DataFrame] = {}
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="dispo-profile-") as folder:
        for name, table in mapped.items():
            if name not in schema.TABLES:
                problems += _posting_problems(table, source)
                tables[name] = table.frame.select(list(schema.POSTINGS))
                continue
            path = Path(folder) / f"{name}.csv"
            canonical.write_table(table.frame, path, name)
            try:
                tables[name] = canonical.read_table(path, name)
            except InvalidData as error:
                problems += in_source_terms(error.problems, mapped, source, found)
    return tables, problems


def _posting_problems(table: Mapped, source: Source) -> list[Problem]:
    problems = []
    for column in REQUIRED["postings"]:
        rows = table.frame.filter(pl.col(column).is_null())[ROW].head(canonical.MAX_PROBLEMS)
        origin = table.origins.get(column, column)
        problems += [Problem(source.file, row, origin, "", "en værdi (kolonnen er påkrævet)") for row in rows]
    wrong_cpr = pl.col("cpr").is_not_null() & ~pl.col("cpr").str.contains(canonical.CPR_PATTERN)
    for row, value in table.frame.filter(wrong_cpr).select(ROW, "cpr").head(canonical.MAX_PROBLEMS).iter_rows():
        problems.append(Problem(source.file, row, table.origins["cpr"], masked(value), "et CPR-nummer ddmmåå-xxxx"))
    return problems


def in_source_terms(
    problems: Iterable[Problem], mapped: Mapping[str, Mapped], source: Source, found: Iterable[Problem] = ()
) -> list[Problem]:
    """Canonical problems (`<table>.csv`, row counted from the canonical header) named by the export's cells;
    those about a value computed from a cell in `found` are left out (that cell's problem says it)."""
    known = {(p.row, p.column) for p in found}
    located = []
    for problem in problems:
        table = mapped[problem.file.removesuffix(".csv")]
        row = int(table.frame[ROW][problem.row - 2]) if problem.row >= 2 else 0
        inputs = table.inputs.get(problem.column, ())
        if any((row, column) in known for column in inputs):
            continue
        located.append((problem, row, table.origins.get(problem.column, problem.column)))
    texts = _cells(source, {(row, column) for _, row, column in located})
    result = []
    for problem, row, column in located:
        text = texts.get((row, column))
        value = problem.value if text is None else (masked(text) if problem.column == "cpr" else text)
        result.append(Problem(source.file, row, column, value, _in_source_wording(problem.expected)))
    return result


CANONICAL_WORDING = (" med punktum som decimaltegn", ", fx 1234.50")
"""Parts of the canonical rules' expectations that speak of the canonical CSV format: an export is read in its
own conventions (a decimal comma, Danish dates), so they would mislead its user."""


def _in_source_wording(expected: str) -> str:
    for words in CANONICAL_WORDING:
        expected = expected.replace(words, "")
    return expected


def _cells(source: Source, wanted: set[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """The export's text in the given cells (row, column), for the columns the file has."""
    rows = {row for row, _ in wanted}
    columns = sorted({column for _, column in wanted if column in source.rows.columns})
    if not columns:
        return {}
    found = source.rows.filter(pl.col(ROW).is_in(sorted(rows))).select(ROW, *columns)
    cells = {}
    for record in found.iter_rows(named=True):
        for column in columns:
            if (record[ROW], column) in wanted and record[column] is not None:
                cells[(record[ROW], column)] = record[column]
    return cells
