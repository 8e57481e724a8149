"""The population table: importing Danmarks Statistik's FOLK1A and counting inhabitants of an age group.

FOLK1A ("Befolkningen den 1. i kvartalet efter område, køn, alder, civilstand og tid") is the public count of
inhabitants on the first day of each quarter. A municipality downloads it from Statistikbanken as a
semicolon-separated file with the variables as columns (docs/data-formats.md, "Befolkning (FOLK1A)"); dispo
keeps one count per municipality, year, quarter, age and sex, and divides expenses by it.

An import is validated whole before anything is written, and the quarters it brings replace what was stored
for the same municipality and quarter: importing the same file twice changes nothing, and a revised download
replaces the old figures instead of adding to them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from django.db import transaction
from django.db.models import Q, Sum

from dispo.services.canonical import MAX_PROBLEMS, InvalidData, Problem
from dispo.services.synth.places import DEMO
from dispo.services.synth.population import write_folk1a
from dispo.store.population.models import Population

REQUIRED = ("OMRÅDE", "ALDER", "TID", "INDHOLD")
OPTIONAL = ("KØN", "CIVILSTAND")
TOTALS = ("I alt", "TOT", "Total")
"""The labels FOLK1A gives the total of a variable (Danish and English download, and the API's code)."""
SEXES = {"Mænd": "M", "Kvinder": "K", "Men": "M", "Women": "K", "1": "M", "2": "K", "M": "M", "K": "K"}
AGE_TOTALS = ("Alder i alt", "IALT", "Age, total")
MAX_AGE = 125
AREA_PATTERN = r"^(\d{3})\s+(\S.*)$"
AGE_PATTERN = r"^(\d{1,3})(?: år| years)?$"
QUARTER_PATTERN = r"^(\d{4})K([1-4])$"
COUNT_PATTERN = r"^\d+$"
ENCODINGS = ("utf-8-sig", "cp1252")
"""Statistikbanken writes UTF-8 today and Windows-1252 in older downloads; both are read."""


@dataclass(frozen=True)
class PopulationImport:
    """What an import read and wrote: data rows, stored counts, and the municipalities and quarters covered."""

    rows: int
    cells: int
    municipalities: tuple[str, ...]
    quarters: tuple[str, ...]


def import_folk1a(path: Path) -> PopulationImport:
    """Validate a FOLK1A download and store its counts in one transaction; raise `InvalidData` listing every
    problem (row, column, value, what was expected) and write nothing when the file has any."""
    table, rows = read_folk1a(path)
    keys = table.select("municipality", "year", "quarter").unique()
    with transaction.atomic():
        replaced = Q(pk__in=[])
        for municipality, year, quarter in keys.iter_rows():
            replaced |= Q(municipality=municipality, year=year, quarter=quarter)
        Population.objects.filter(replaced).delete()
        Population.objects.bulk_create(
            (Population(**row) for row in table.iter_rows(named=True)),
            batch_size=5000,
        )
    return PopulationImport(
        rows=rows,
        cells=table.height,
        municipalities=tuple(sorted(keys["municipality"].unique())),
        quarters=tuple(sorted({f"{y}K{q}" for y, q in keys.select("year", "quarter").iter_rows()})),
    )


def read_folk1a(path: Path) -> tuple[pl.DataFrame, int]:
    """The counts of a FOLK1A file, one row per municipality, year, quarter, age and sex (with the area's
    name), and the number of data rows read; raises `InvalidData` for a file that cannot be used."""
    file = path.name
    lines = _decode(path.read_bytes(), file).splitlines()
    header_at = _header_line(lines, file)
    cells = list(csv.reader(lines[header_at:], delimiter=";", quotechar='"'))
    header = [c.strip().upper() for c in cells[0]]
    _check_header(header, file, header_at + 1)
    body = [row + [""] * (len(header) - len(row)) for row in cells[1:] if any(c.strip() for c in row)]
    raw = pl.DataFrame(
        [[row[i].strip() for row in body] for i in range(len(header))],
        schema=dict.fromkeys(header, pl.String),
        orient="col",
    ).with_columns(line=pl.int_range(pl.len(), dtype=pl.Int64) + header_at + 2)
    for name in OPTIONAL:
        if name not in raw.columns:
            raw = raw.with_columns(pl.lit(TOTALS[0]).alias(name))
    problems = _value_problems(raw, file)
    if problems:
        raise InvalidData(problems)
    return _counts(raw), raw.height


def _decode(data: bytes, file: str) -> str:
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    expected = "en tekstfil i UTF-8 eller Windows-1252 (Statistikbankens CSV-download, semikolonsepareret)"
    raise InvalidData([Problem(file, 0, "", "", expected)])


def _header_line(lines: list[str], file: str) -> int:
    """The index of the line naming the columns: title lines such as "FOLK1A: Befolkningen den 1. i kvartalet
    …" may come before it."""
    for i, line in enumerate(lines):
        names = {c.strip().upper() for c in next(csv.reader([line], delimiter=";", quotechar='"'), [])}
        if names & {"OMRÅDE", "TID"}:
            return i
    expected = "en overskrift med kolonnerne OMRÅDE;ALDER;TID;INDHOLD (semikolonsepareret, variablerne i kolonner)"
    raise InvalidData([Problem(file, 0, "", "", expected)])


def _check_header(header: list[str], file: str, row: int) -> None:
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    twice = sorted({c for c in header if header.count(c) > 1})
    problems = [Problem(file, row, c, "", "kolonnen (den mangler i overskriften)") for c in missing]
    problems += [Problem(file, row, c, c, "kun kolonnerne " + ", ".join(REQUIRED + OPTIONAL)) for c in unknown]
    problems += [Problem(file, row, c, c, "kolonnen én gang") for c in twice]
    if problems:
        raise InvalidData(problems)


def _value_problems(raw: pl.DataFrame, file: str) -> list[Problem]:
    age = pl.col("ALDER").str.extract(AGE_PATTERN, 1).cast(pl.Int32, strict=False)
    age_total = pl.col("ALDER").is_in(AGE_TOTALS)
    checks = {
        "OMRÅDE": (
            ~pl.col("OMRÅDE").str.contains(AREA_PATTERN),
            "en kommunekode og et navn, fx '999 Eksempel Kommune'",
        ),
        "ALDER": (
            ~age_total & (age.is_null() | (age > MAX_AGE)),
            f"en alder fra '0 år' til '{MAX_AGE} år' (eller 'Alder i alt', som springes over)",
        ),
        "TID": (~pl.col("TID").str.contains(QUARTER_PATTERN), "et kvartal på formen ÅÅÅÅKn, fx 2025K1"),
        "INDHOLD": (~pl.col("INDHOLD").str.contains(COUNT_PATTERN), "et antal indbyggere (et helt tal ≥ 0)"),
        "KØN": (~pl.col("KØN").is_in([*TOTALS, *SEXES]), "I alt, Mænd eller Kvinder"),
    }
    problems: list[Problem] = []
    for column, (bad, expected) in checks.items():
        hits = raw.filter(bad).select("line", column).head(MAX_PROBLEMS)
        problems += [Problem(file, line, column, value, expected) for line, value in hits.iter_rows()]
    problems.sort(key=lambda p: (p.row, p.column))
    return problems or _duplicate_problems(raw, file)


def _duplicate_problems(raw: pl.DataFrame, file: str) -> list[Problem]:
    key = ["OMRÅDE", "ALDER", "KØN", "CIVILSTAND", "TID"]
    hits = raw.filter(pl.struct(key).is_duplicated()).select("line", "TID").head(MAX_PROBLEMS)
    expected = "én række pr. område, alder, køn, civilstand og kvartal"
    return [Problem(file, line, "TID", value, expected) for line, value in hits.iter_rows()]


def _finest(column: str) -> pl.Expr:
    """Keep a variable's total rows only when the file has no rows that split it (else they would count twice)."""
    is_total = pl.col(column).is_in(TOTALS)
    return ~is_total | is_total.all()


def _counts(raw: pl.DataFrame) -> pl.DataFrame:
    area = pl.col("OMRÅDE").str.extract_groups(AREA_PATTERN)
    quarter = pl.col("TID").str.extract_groups(QUARTER_PATTERN)
    return (
        raw.filter(~pl.col("ALDER").is_in(AGE_TOTALS) & _finest("KØN") & _finest("CIVILSTAND"))
        .select(
            municipality=area.struct[0],
            area_name=area.struct[1],
            age=pl.col("ALDER").str.extract(AGE_PATTERN, 1).cast(pl.Int64),
            sex=pl.col("KØN").replace_strict(SEXES, default=""),
            year=quarter.struct[0].cast(pl.Int64),
            quarter=quarter.struct[1].cast(pl.Int64),
            count=pl.col("INDHOLD").cast(pl.Int64),
        )
        .group_by("municipality", "year", "quarter", "age", "sex")
        .agg(pl.col("area_name").first(), pl.col("count").sum())
        .sort("municipality", "year", "quarter", "age", "sex")
    )


def load_demo_population(folder: Path, today: date) -> PopulationImport:
    """Write and import a synthetic FOLK1A table for the demo municipality: every quarter of the demo world's
    three years up to `today`'s quarter."""
    folder.mkdir(parents=True, exist_ok=True)
    last = (today.year, (today.month - 1) // 3 + 1)
    years = (today.year - 2, today.year - 1, today.year)
    return import_folk1a(write_folk1a(folder / "folk1a.csv", DEMO, years, last))


def inhabitants(municipality: str, year: int, age_from: int = 0, age_to: int = MAX_AGE) -> float | None:
    """Inhabitants of `municipality` aged `age_from`-`age_to` (both inclusive) in `year`: the mean over the
    year's quarters that are stored (so a year with only its 1st quarter counts that quarter), or None when no
    quarter of the year is stored."""
    return population_by_year(municipality, age_from, age_to).get(year)


def population_by_year(municipality: str, age_from: int = 0, age_to: int = MAX_AGE) -> dict[int, float]:
    """Per year with stored quarters: the mean over those quarters of the inhabitants aged `age_from`-`age_to`."""
    per_quarter = (
        Population.objects.filter(municipality=municipality, age__gte=age_from, age__lte=age_to)
        .values("year", "quarter")
        .annotate(total=Sum("count"))
    )
    totals: dict[int, list[int]] = {}
    for row in per_quarter:
        totals.setdefault(row["year"], []).append(row["total"])
    return {year: sum(counts) / len(counts) for year, counts in sorted(totals.items())}
