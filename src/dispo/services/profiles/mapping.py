"""A source's rows through a profile: canonical columns, parsed, each value traceable to its cell.

Each canonical column of a table comes from one source column (or a fixed value), read by the parser its type
asks for: kroner and hours as numbers, days as dates, `service_month` as a month, CPR numbers normalised, codes
translated. A cell that does not parse is a problem naming the source's row, column and text. The result keeps
`_row`, the Excel row each canonical row came from, so that later checks can name the cell too.

One export row often holds several tables (a case system's row names the citizen, the provider and the grant);
the tables that are keyed lists (citizens, providers, units, caseworkers) keep one row per key, and a key written
with different values in two rows is a problem naming both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from dispo.services.canonical import Problem
from dispo.services.profiles import formats, paragraph_codes
from dispo.services.profiles.model import TABLES, Field, Profile, TableMap
from dispo.services.profiles.sources import ROW, Source

KEYED = ("citizens", "providers", "units", "caseworkers")
"""Tables that list things by key: one row per key, however many export rows name it."""
KINDS = {
    ("citizens", "cpr"): "cpr",
    ("postings", "cpr"): "cpr",
    ("match", "cpr"): "cpr",
    ("payments", "service_month"): "month",
    ("postings", "period"): "month",
    ("postings", "account_function"): "account_function",
}
MATCH = "_match_"
"""Prefix of the payment columns that find the grant (`_match_cpr`, `_match_paragraph` …)."""


@dataclass(frozen=True)
class Mapped:
    """One canonical table from a source: typed canonical columns plus `_row`, and where each column came from
    (the source's column name, or a note that the profile gives the value)."""

    table: str
    frame: pl.DataFrame
    origins: dict[str, str]
    inputs: dict[str, tuple[str, ...]]
    """The source columns each canonical column is computed from (a matched grant id: its keys and month)."""


def expected_text(kind: str, profile: Profile) -> str:
    decimal = profile.file.decimal
    example = "1.234,50 (eller 1,234.50)" if decimal == "," else "1,234.50 (eller 1.234,50)"
    formats_ = ", ".join(profile.file.dates)
    return {
        "number": f"et tal, fx {example}",
        "integer": "et helt tal, fx 2026",
        "date": f"en dato efter profilens formater ({formats_}), ÅÅÅÅ-MM-DD eller et Excel-datotal",
        "month": "en måned, fx 2025-03, 03-2025, marts 2025 eller en dato i måneden",
        "cpr": "et CPR-nummer ddmmåå-xxxx eller ddmmååxxxx",
        "account_function": "en funktion i den kommunale kontoplan, fx 5.38.50",
    }.get(kind, "en værdi")


def masked(value: str) -> str:
    """A CPR-like value as messages show it: at most the date part."""
    return value[:6] + "-XXXX" if len(value) > 6 else "XXXX"


def missing_columns(source: Source, profile: Profile) -> list[Problem]:
    """The profile's required columns the file's header lacks, each with the closest name it has."""
    import difflib

    have = [name for names in source.names.values() for name in names]
    problems = []
    for wanted in profile.required_columns():
        if source.column(wanted) is None:
            close = difflib.get_close_matches(wanted, have, n=1, cutoff=0.6)
            hint = f"; filen har '{close[0]}' — er kolonnen omdøbt?" if close else ""
            problems.append(
                Problem(source.file, 0, wanted, "", f"kolonnen '{wanted}' i overskriften (den mangler){hint}")
            )
    return problems


class Mapper:
    """Maps one source through one profile; `problems` collects every cell that does not parse."""

    def __init__(self, source: Source, profile: Profile, municipality: str) -> None:
        self.source = source
        self.profile = profile
        self.municipality = municipality
        self.problems: list[Problem] = []

    def table(self, table: TableMap) -> Mapped:
        specs = {(table.name, name): table.fields.get(name) for name in TABLES[table.name]}
        if table.match is not None:
            specs |= {("match", key): field for key, field in table.match.keys.items()}
        given = {target: field for target, field in specs.items() if field is not None}
        texts = (self.raw(field).alias(f"{owner}.{name}") for (owner, name), field in given.items())
        raw = self.source.rows.lazy().select(pl.col(ROW), *texts).collect()
        columns = [raw[ROW]]
        for (owner, name), field in specs.items():
            label = name if owner != "match" else f"{MATCH}{name}"
            if field is None:
                columns.append(pl.Series(label, [None] * raw.height, dtype=TABLES[owner][name]))
                continue
            text = raw[f"{owner}.{name}"]
            kind = self.kind(owner, name, field)
            parsed = self.parsed(text, kind, field)
            bad = text.is_not_null() & parsed.is_null()
            if bad.any():
                self.flag(raw[ROW].filter(bad), field, kind)
            target = pl.String if field.derive is not None or owner == "match" else TABLES[owner][name]
            columns.append(parsed.cast(target).alias(label))
        frame = self.derived(table, pl.DataFrame(columns))
        origins = {name: self.origin(f) for name, f in table.fields.items()}
        inputs: dict[str, tuple[str, ...]] = {name: (origin,) for name, origin in origins.items()}
        if table.match is not None:
            keys = tuple(self.origin(f) for f in table.match.keys.values())
            origins["grant_id"] = "/".join(keys)
            inputs["grant_id"] = (*keys, origins.get("service_month", "service_month"))
        if table.name in KEYED:
            frame = self.keyed(table.name, frame, origins)
        return Mapped(table.name, frame, origins, inputs)

    def origin(self, field: Field) -> str:
        if field.column is not None:
            return self.source.column(field.column) or field.column
        return "(fast værdi i profilen)"

    def raw(self, field: Field) -> pl.Expr:
        """The field's text: the source cell, the fixed value, or the default where the cell is empty."""
        constant = field.value if field.value is not None else field.default
        fallback = pl.lit(None if constant is None else constant.replace("{municipality}", self.municipality))
        if field.column is None:
            return fallback.cast(pl.String)
        column = self.source.column(field.column)
        if column is None:
            return fallback.cast(pl.String)
        cell = pl.col(column)
        return pl.when(cell == "").then(fallback.cast(pl.String)).otherwise(cell).fill_null(fallback.cast(pl.String))

    def kind(self, table: str, name: str, field: Field) -> str:
        """Which parser reads the field: its codes, its column's meaning, or its canonical type."""
        if field.derive is not None:
            return "cpr"
        if field.codes is not None:
            return "codes"
        return KINDS.get((table, name)) or _kind(TABLES[table][name] if table in TABLES else pl.String)

    def parsed(self, text: pl.Series, kind: str, field: Field) -> pl.Series:
        """The column's values read by the parser of `kind`: numbers row by row (they seldom repeat), every other
        kind once per distinct text (a file has few distinct dates, months, codes and citizens)."""
        file = self.profile.file
        value = pl.col("text")
        parsers = {
            "number": lambda: formats.number(value, file.decimal),
            "integer": lambda: formats.integer(value, file.decimal),
            "date": lambda: formats.date_value(value, file.dates),
            "month": lambda: formats.month(value, file.dates),
            "cpr": lambda: formats.cpr(value),
            "account_function": lambda: formats.account_function(value),
            "text": lambda: value,
            "codes": lambda: self.translated(text, field),
        }
        column = text.alias("text").to_frame()
        if kind == "number":
            return column.lazy().select(parsers[kind]().alias("parsed")).collect().to_series()
        distinct = column.unique().lazy().with_columns(parsers[kind]().alias("parsed")).collect()
        return column.join(distinct, on="text", how="left", maintain_order="left")["parsed"]

    def translated(self, text: pl.Series, field: Field) -> pl.Expr:
        """The canonical code of each spelling: by the paragraph rules, or by the profile's table of codes."""
        if field.codes != "paragraph":
            return formats.translate(pl.col("text"), dict(self.profile.codes[str(field.codes)]))
        found = paragraph_codes.codes(
            text.drop_nulls().unique().to_list(), self.profile.file.law, self.profile.paragraphs
        )
        mapping = {spelling: code for spelling, code in found.items() if code is not None}
        return pl.col("text").replace_strict(mapping, default=None, return_dtype=pl.String)

    def flag(self, rows: pl.Series, field: Field, kind: str) -> None:
        """Problems for the cells of `rows` whose text did not parse, each with the text as the file has it."""
        raw = self.raw(field).alias("v")
        bad = self.source.rows.filter(pl.col(ROW).is_in(rows.head(1000).implode())).select(ROW, raw)
        expected = self.codes_expected(field) if kind == "codes" else expected_text(kind, self.profile)
        shown = masked if kind == "cpr" else str
        self.problems += [
            Problem(self.source.file, row, self.origin(field), shown(value), expected) for row, value in bad.iter_rows()
        ]

    def codes_expected(self, field: Field) -> str:
        if field.codes == "paragraph":
            return "en paragraf fra kataloget, fx 108, § 108, SEL 108, Serviceloven § 108 eller ABL 105/SEL 85"
        return "en af: " + ", ".join(self.profile.codes[str(field.codes)])

    def derived(self, table: TableMap, frame: pl.DataFrame) -> pl.DataFrame:
        """Columns computed from others once the frame exists: the birth date in the CPR number."""
        for name, field in table.fields.items():
            if field.derive != "cpr":
                continue
            births = formats.birth_dates(frame[name].cast(pl.String))
            bad = frame.filter(frame[name].is_not_null() & births.is_null()).select(ROW, name).head(1000)
            self.problems += [
                Problem(self.source.file, row, self.origin(field), masked(v), "et CPR-nummer med en gyldig fødselsdato")
                for row, v in bad.iter_rows()
            ]
            frame = frame.with_columns(births.alias(name))
        return frame

    def keyed(self, table: str, frame: pl.DataFrame, origins: Mapping[str, str]) -> pl.DataFrame:
        """One row per key: rows without a key say nothing about the table; a key with two versions is refused."""
        key = next(iter(TABLES[table]))
        columns = [c for c in frame.columns if c != ROW]
        rows = frame.filter(pl.col(key).is_not_null()).unique(subset=columns, keep="first", maintain_order=True)
        twice = rows.filter(pl.col(key).is_duplicated())
        first: dict[str, dict[str, object]] = {}
        for row in twice.iter_rows(named=True):
            earlier = first.setdefault(row[key], row)
            if earlier is row:
                continue
            differing = [c for c in columns if row[c] != earlier[c]]
            names = ", ".join(f"'{origins.get(c, c)}'" for c in differing)
            self.problems.append(
                Problem(
                    self.source.file,
                    row[ROW],
                    origins.get(key, key),
                    "" if table == "citizens" else str(row[key]),
                    f"de samme oplysninger som række {earlier[ROW]} for samme nøgle; de afviger i {names}",
                )
            )
        return rows


def _kind(dtype: object) -> str:
    if dtype == pl.Date:
        return "date"
    if dtype == pl.Float64:
        return "number"
    if dtype == pl.Int32:
        return "integer"
    return "text"


def map_source(source: Source, profile: Profile, municipality: str) -> tuple[dict[str, Mapped], list[Problem]]:
    """Every table the profile fills from `source`, and the cells that did not parse."""
    problems = missing_columns(source, profile)
    if problems:
        return {}, problems
    mapper = Mapper(source, profile, municipality)
    tables = {name: mapper.table(table) for name, table in profile.tables.items()}
    return tables, sorted_problems(mapper.problems)


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """One problem per cell (the first found: a parse problem before the rule it then also breaks), in file order."""
    seen: dict[tuple[int, str], Problem] = {}
    for problem in problems:
        seen.setdefault((problem.row, problem.column), problem)
    return sorted(seen.values(), key=lambda p: (p.row, p.column))
