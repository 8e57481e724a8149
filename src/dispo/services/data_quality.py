"""The data quality of a source extract, measured at each import so that a series over time builds up.

Every line of an extract (one per export row; the case system's expected grants are not lines) is either *clean*
or not. A line is not clean when

- its row has a problem in the export (a cell that does not read, a missing required value, a row that repeats
  an earlier one in every cell where the profile refuses repeats): `problem_rows`, of which `duplicate_rows`;
- it names no known paragraph (case and settlement system) or no function of the catalogue (finance system):
  `unknown_paragraphs`;
- it names no citizen (case and settlement system; a posting without CPR number is normal in the finance
  system and only counted): `without_citizen`;
- it names a citizen the case system's current extract does not know (settlement and finance system):
  `unmatched_citizens`.

**score** = 100 × clean lines / lines (100 for an extract without lines is meaningless, so it is 0). One number
per extract, comparable over time: cleaning up in the source systems raises it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import date

import polars as pl

from dispo.services.source_lines import function_paragraphs
from dispo.store.sources.models import QualityMeasurement, SourceExtract


@dataclass(frozen=True)
class Quality:
    """The counts of one extract and its score (see the module's docstring for each)."""

    rows: int
    problem_rows: int
    duplicate_rows: int
    unknown_paragraphs: int
    without_citizen: int
    unmatched_citizens: int
    clean_rows: int
    score: float


def measure(
    kind: str, lines: pl.DataFrame, rows: int, duplicate_rows: int, case_citizens: Collection[str] | None
) -> Quality:
    """The quality of an extract of `kind` from its lines (`source_lines.LINE` with `problem`).

    `rows` are the export's data rows; `case_citizens` the citizens of the case system's current extract (None
    when there is none: then no citizen counts as unmatched).
    """
    known_functions = list(function_paragraphs())
    if kind == "finance":
        unknown = ~pl.col("account_function").is_in(known_functions).fill_null(False)
        missing_citizen = pl.lit(False)
    else:
        unknown = pl.col("paragraph").is_null()
        missing_citizen = pl.col("citizen").is_null()
    if kind == "case" or case_citizens is None:
        unmatched = pl.lit(False)
    else:
        unmatched = pl.col("citizen").is_not_null() & ~pl.col("citizen").is_in(list(case_citizens))
    flags = lines.select(
        problem=pl.col("problem"),
        unknown=unknown,
        without=pl.col("citizen").is_null(),
        unmatched=unmatched,
        clean=~(pl.col("problem") | unknown | missing_citizen | unmatched),
    )
    total = lines.height
    clean = int(flags["clean"].sum())
    return Quality(
        rows=rows,
        problem_rows=int(flags["problem"].sum()),
        duplicate_rows=duplicate_rows,
        unknown_paragraphs=int(flags["unknown"].sum()),
        without_citizen=int(flags["without"].sum()),
        unmatched_citizens=int(flags["unmatched"].sum()),
        clean_rows=clean,
        score=100.0 * clean / total if total else 0.0,
    )


def record(extract: SourceExtract, quality: Quality, measured_on: date) -> QualityMeasurement:
    """Store the measurement of `extract` as one point of its kind's series."""
    return QualityMeasurement.objects.create(
        extract=extract, kind=extract.kind, measured_on=measured_on, **asdict(quality)
    )


SERIES_COLUMNS = ("kind", "measured_on", "file_name", *Quality.__dataclass_fields__)


def series() -> pl.DataFrame:
    """Every measurement in date order per kind of source: the table and chart of quality over time."""
    rows = QualityMeasurement.objects.select_related("extract").order_by("kind", "measured_on", "pk")
    records = [
        {"kind": q.kind, "measured_on": q.measured_on, "file_name": q.extract.file_name}
        | {name: getattr(q, name) for name in Quality.__dataclass_fields__}
        for q in rows
    ]
    schema = {"kind": pl.String, "measured_on": pl.Date, "file_name": pl.String} | {
        name: (pl.Float64 if name == "score" else pl.Int64) for name in Quality.__dataclass_fields__
    }
    return pl.DataFrame(records, schema=schema)
