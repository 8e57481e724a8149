"""Reading and writing the canonical CSV tables (docs/data-formats.md), validated whole.

A file is checked column by column in vectorised passes and every problem is collected before answering, so the
user gets one list of row, column, value and expectation to fix, not one error at a time. Nothing here writes
to the database: a caller gets either clean typed frames or `InvalidData`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dispo.engine import schema

PRICE_BASES = ("dag", "time", "maaned", "aar", "engang")
STATUSES = ("bevilget", "forventet", "afsluttet")
PROVIDER_TYPES = ("egen", "anden_kommune", "region", "privat")
TARGET_GROUPS = ("handicap", "psykiatri", "misbrug", "hjemloese", "boern", "boern_handicap")
SEXES = ("M", "K")
CPR_PATTERN = r"^(0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])(0[1-9]|1[0-2])\d{2}-?\d{4}$"
MUNICIPALITY_PATTERN = r"^\d{3}$"
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class Column:
    """How one canonical column is checked: required or not, and what its values must be."""

    required: bool = False
    choices: tuple[str, ...] = ()
    pattern: str = ""
    expected: str = ""
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Problem:
    file: str
    row: int
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        where = f"{self.file}, række {self.row}" if self.row else self.file
        column = f", kolonne '{self.column}'" if self.column else ""
        value = f": værdien '{self.value}'" if self.value else ""
        return f"{where}{column}{value} — forventede {self.expected}"


@dataclass
class InvalidData(Exception):
    """A file or a set of files that cannot be used; `problems` lists everything wrong with them."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        shown = "\n".join(f"  {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n  … og {more} problemer mere" if more > 0 else ""
        return f"{len(self.problems)} problem(er) i data; intet er indlæst:\n{shown}{tail}"


ID = Column(required=True, expected="en ikke-tom nøgle")
AMOUNT = Column(required=True, expected="et beløb med punktum som decimaltegn, fx 1234.50")
NON_NEGATIVE = Column(required=True, minimum=0, expected="et tal ≥ 0 med punktum som decimaltegn")
MUNICIPALITY = Column(required=True, pattern=MUNICIPALITY_PATTERN, expected="en kommunekode på tre cifre")

RULES: dict[str, dict[str, Column]] = {
    "citizens": {
        "citizen_id": ID,
        "cpr": Column(required=True, pattern=CPR_PATTERN, expected="et CPR-nummer ddmmåå-xxxx"),
        "birth_date": Column(required=True, expected="en dato ÅÅÅÅ-MM-DD"),
        "sex": Column(choices=SEXES, expected="M eller K"),
        "household_id": Column(),
    },
    "providers": {
        "provider_id": ID,
        "name": Column(required=True, expected="leverandørens navn"),
        "provider_type": Column(required=True, choices=PROVIDER_TYPES, expected=", ".join(PROVIDER_TYPES)),
        "municipality": Column(pattern=MUNICIPALITY_PATTERN, expected="en kommunekode på tre cifre"),
    },
    "units": {"unit_id": ID, "name": Column(required=True, expected="enhedens navn"), "parent_id": Column()},
    "caseworkers": {
        "caseworker_id": ID,
        "name": Column(required=True, expected="sagsbehandlerens navn"),
        "unit_id": ID,
    },
    "grants": {
        "grant_id": ID,
        "citizen_id": ID,
        "case_id": Column(),
        "paragraph": Column(required=True, expected="en paragrafkode fra kataloget, fx SEL108"),
        "target_group": Column(required=True, choices=TARGET_GROUPS, expected=", ".join(TARGET_GROUPS)),
        "provider_id": Column(),
        "price_basis": Column(required=True, choices=PRICE_BASES, expected=", ".join(PRICE_BASES)),
        "rate": NON_NEGATIVE,
        "hours_per_week": Column(minimum=0, maximum=168, expected="timer pr. uge mellem 0 og 168"),
        "start": Column(required=True, expected="en dato ÅÅÅÅ-MM-DD"),
        "end": Column(expected="en dato ÅÅÅÅ-MM-DD eller tom (indtil videre)"),
        "status": Column(required=True, choices=STATUSES, expected=", ".join(STATUSES)),
        "probability": Column(minimum=0, maximum=1, expected="en sandsynlighed mellem 0 og 1"),
        "acting_municipality": MUNICIPALITY,
        "paying_municipality": MUNICIPALITY,
        "own_payment": Column(minimum=0, expected="egenbetaling i kr. pr. måned, ≥ 0"),
        "caseworker_id": Column(),
        "unit_id": Column(),
    },
    "rates": {
        "grant_id": ID,
        "valid_from": Column(required=True, expected="en dato ÅÅÅÅ-MM-DD"),
        "rate": NON_NEGATIVE,
    },
    "payments": {
        "grant_id": ID,
        "service_month": Column(required=True, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", expected="en måned ÅÅÅÅ-MM"),
        "booked_on": Column(required=True, expected="en dato ÅÅÅÅ-MM-DD"),
        "amount": AMOUNT,
    },
    "budgets": {
        "year": Column(required=True, minimum=2000, maximum=2100, expected="et årstal"),
        "target_group": Column(required=True, choices=TARGET_GROUPS, expected=", ".join(TARGET_GROUPS)),
        "paragraph": Column(required=True, expected="en paragrafkode fra kataloget, fx SEL108"),
        "unit_id": Column(),
        "amount": AMOUNT,
    },
}


def _rows(frame: pl.DataFrame, mask: pl.Expr | pl.Series, column: str) -> list[tuple[int, str]]:
    hits = frame.with_row_index("_i").filter(mask).select("_i", pl.col(column).fill_null(""))
    return [(i + 2, value) for i, value in hits.head(MAX_PROBLEMS).iter_rows()]


def _masked(value: str) -> str:
    """A refused CPR value as shown in messages and logs: never more than the date part."""
    return value[:6] + "-XXXX" if len(value) > 6 else "XXXX"


def _parse(name: str, dtype: object) -> pl.Expr:
    text = pl.col(name).str.strip_chars()
    if dtype == pl.Date:
        return text.str.to_date("%Y-%m-%d", strict=False)
    if dtype == pl.Float64:
        return text.cast(pl.Float64, strict=False)
    if dtype == pl.Int32:
        return text.cast(pl.Int32, strict=False)
    return pl.when(text == "").then(None).otherwise(text)


def _column_checks(name: str, rule: Column) -> pl.Expr:
    """True on the rows where column `name` breaks `rule` (its parsed twin is `<name>__t`)."""
    text = pl.col(name).str.strip_chars()
    value = pl.col(f"{name}__t")
    given = pl.col(name).is_not_null() & (text != "")
    checks = [given & value.is_null()]
    if rule.required:
        checks.append(~given)
    if rule.choices:
        checks.append(given & ~text.is_in(rule.choices))
    if rule.pattern:
        checks.append(given & ~text.str.contains(rule.pattern))
    if rule.minimum is not None:
        checks.append(given & (value < rule.minimum).fill_null(False))
    if rule.maximum is not None:
        checks.append(given & (value > rule.maximum).fill_null(False))
    return pl.any_horizontal(checks)


def _column_problems(both: pl.DataFrame, file: str, table: str) -> list[Problem]:
    """Problems of single values. `both` holds each raw text column and its parsed twin `<name>__t`.

    All columns are checked in one parallel pass; only a file with problems is gone through column by column
    to name them, so a clean file of a million rows costs one scan.
    """
    masks = {name: _column_checks(name, rule).alias(name) for name, rule in RULES[table].items()}
    flagged = both.lazy().select(pl.any_horizontal(list(masks.values())).any()).collect().item()
    if not flagged:
        return []
    problems: list[Problem] = []
    for name, rule in RULES[table].items():
        shown = _masked if name == "cpr" else str
        problems += [Problem(file, row, name, shown(v), rule.expected) for row, v in _rows(both, masks[name], name)]
    return problems


def _grant_problems(raw: pl.DataFrame, typed: pl.DataFrame, file: str) -> list[Problem]:
    ends_before = (typed["end"] < typed["start"]).fill_null(False)
    no_hours = (typed["price_basis"] == "time") & typed["hours_per_week"].is_null()
    problems = [
        Problem(file, row, "end", v, "en slutdato på eller efter startdatoen")
        for row, v in _rows(raw, ends_before.alias("x"), "end")
    ]
    problems += [
        Problem(file, row, "hours_per_week", v, "timer pr. uge, når prisgrundlaget er 'time'")
        for row, v in _rows(raw, no_hours.fill_null(False).alias("x"), "hours_per_week")
    ]
    return problems


def _duplicate_key_problems(raw: pl.DataFrame, file: str, table: str) -> list[Problem]:
    key = next(iter(RULES[table]))
    if not key.endswith("_id") or table in ("rates", "payments"):
        return []
    duplicated = pl.col(key).is_duplicated() & pl.col(key).is_not_null()
    return [Problem(file, row, key, v, "en nøgle der kun findes én gang") for row, v in _rows(raw, duplicated, key)]


def _clean_checks(table: str) -> list[pl.Expr]:
    """True on rows of a typed frame that the full check would question (it then names them)."""
    columns, checks = schema.TABLES[table], []
    for name, rule in RULES[table].items():
        value = pl.col(name)
        if columns[name] == pl.String:
            checks += [value != value.str.strip_chars(), value == ""]
        if rule.required:
            checks.append(value.is_null())
        if rule.choices:
            checks.append(~value.is_in(rule.choices))
        if rule.pattern:
            checks.append(~value.str.contains(rule.pattern))
        if rule.minimum is not None:
            checks.append(value < rule.minimum)
        if rule.maximum is not None:
            checks.append(value > rule.maximum)
    key = next(iter(RULES[table]))
    if key.endswith("_id") and table not in ("rates", "payments"):
        checks.append(pl.col(key).is_duplicated())
    if table == "grants":
        checks += [
            pl.col("end") < pl.col("start"),
            (pl.col("price_basis") == "time") & pl.col("hours_per_week").is_null(),
        ]
    return [check.fill_null(False) for check in checks]


def _clean(path: Path, table: str) -> pl.DataFrame | None:
    """The file read straight into its column types when it is clean — the documented columns in their order,
    every value parsing, no rule broken: the common case, in one typed read, more than twice as fast as the full
    check on a million rows. None otherwise: the full check reads it again as text to name every problem."""
    columns = schema.TABLES[table]
    try:
        with path.open(encoding="utf-8") as file:
            if file.readline().rstrip("\r\n").split(",") != list(columns):
                return None
        typed = pl.read_csv(path, schema=columns, encoding="utf8")
    except (pl.exceptions.PolarsError, UnicodeDecodeError, OSError):
        return None
    flagged = typed.lazy().select(pl.any_horizontal(_clean_checks(table)).any()).collect().item()
    return None if flagged else typed


def read_table(path: Path, table: str) -> pl.DataFrame:
    """Read and validate one canonical CSV file; raises `InvalidData` listing every problem."""
    typed = _clean(path, table)
    if typed is not None:
        return _finished(typed, table)
    file = path.name
    columns = schema.TABLES[table]
    try:
        raw = pl.read_csv(path, infer_schema=False, encoding="utf8", truncate_ragged_lines=False)
    except (pl.exceptions.ComputeError, UnicodeDecodeError) as error:
        expected = f"en UTF-8 CSV-fil med komma som skilletegn ({error})"
        raise InvalidData([Problem(file, 0, "", "", expected)]) from None
    missing = [c for c, rule in RULES[table].items() if rule.required and c not in raw.columns]
    unknown = [c for c in raw.columns if c not in columns]
    header = [Problem(file, 1, c, "", "kolonnen (den mangler i overskriften)") for c in missing]
    header += [Problem(file, 1, c, c, "kun kolonnerne " + ", ".join(columns)) for c in unknown]
    if header:
        raise InvalidData(header)
    for name in columns:
        if name not in raw.columns:
            raw = raw.with_columns(pl.lit(None, dtype=pl.String).alias(name))
    raw = raw.select(list(columns))
    typed = raw.select(_parse(name, dtype).cast(dtype).alias(name) for name, dtype in columns.items())
    both = pl.concat([raw, typed.rename(lambda name: f"{name}__t")], how="horizontal")
    problems = _column_problems(both, file, table) + _duplicate_key_problems(raw, file, table)
    if table == "grants":
        problems += _grant_problems(raw, typed, file)
    if problems:
        raise InvalidData(sorted(problems, key=lambda p: (p.row, p.column)))
    return _finished(typed, table)


def _finished(typed: pl.DataFrame, table: str) -> pl.DataFrame:
    """What every read table gets, whichever way it was read: CPR numbers written with the dash."""
    if table == "citizens":
        typed = typed.with_columns(pl.col("cpr").str.replace(r"^(\d{6})(\d{4})$", "$1-$2"))
    return typed


REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("grants", "citizen_id"): ("citizens", "citizen_id"),
    ("grants", "provider_id"): ("providers", "provider_id"),
    ("grants", "caseworker_id"): ("caseworkers", "caseworker_id"),
    ("grants", "unit_id"): ("units", "unit_id"),
    ("caseworkers", "unit_id"): ("units", "unit_id"),
    ("rates", "grant_id"): ("grants", "grant_id"),
    ("payments", "grant_id"): ("grants", "grant_id"),
    ("budgets", "unit_id"): ("units", "unit_id"),
}


def reference_problems(
    tables: Mapping[str, pl.DataFrame], known: Mapping[str, Iterable[str]] | None = None
) -> list[Problem]:
    """Rows that point at keys that exist neither in `tables` nor in `known` (keys already stored).

    A reference to a table that is neither given nor known is not checked: a forecast from grants and
    payments alone needs no citizens file.
    """
    problems: list[Problem] = []
    for (table, column), (target, key) in REFERENCES.items():
        if table not in tables or (target not in tables and target not in (known or {})):
            continue
        stored = list(known.get(target, ())) if known else []
        targets = pl.DataFrame({key: stored}, schema={key: pl.String})
        if target in tables:
            targets = pl.concat([targets, tables[target].select(key)])
        dangling = (
            tables[table]
            .with_row_index("_i")
            .filter(pl.col(column).is_not_null())
            .join(targets.unique(), left_on=column, right_on=key, how="anti")
            .sort("_i")
            .head(MAX_PROBLEMS)
        )
        for i, value in dangling.select("_i", column).iter_rows():
            problems.append(Problem(f"{table}.csv", i + 2, column, value, f"en nøgle der findes i {target}.csv"))
    return problems


def paragraph_problems(tables: Mapping[str, pl.DataFrame], codes: Iterable[str]) -> list[Problem]:
    """Rows with a paragraph code that is not in the catalogue."""
    known = list(codes)
    problems: list[Problem] = []
    for table in ("grants", "budgets"):
        if table not in tables:
            continue
        unknown = ~pl.col("paragraph").is_in(known)
        rows = tables[table].with_row_index("_i").filter(unknown).select("_i", "paragraph").head(MAX_PROBLEMS)
        problems += [
            Problem(f"{table}.csv", i + 2, "paragraph", v, "en paragrafkode fra kataloget, fx SEL108")
            for i, v in rows.iter_rows()
        ]
    return problems


def read_folder(folder: Path, tables: Iterable[str] | None = None) -> dict[str, pl.DataFrame]:
    """Read every canonical file present in `folder` (each validated); all problems are raised together."""
    wanted = list(tables) if tables is not None else list(schema.TABLES)
    frames: dict[str, pl.DataFrame] = {}
    problems: list[Problem] = []
    for table in wanted:
        path = folder / f"{table}.csv"
        if not path.exists():
            continue
        try:
            frames[table] = read_table(path, table)
        except InvalidData as error:
            problems += error.problems
    if problems:
        raise InvalidData(problems)
    return frames


def write_table(frame: pl.DataFrame, path: Path, table: str) -> None:
    """Write one canonical table: the documented columns in order, ISO dates, dot decimals."""
    frame.select(list(schema.TABLES[table])).write_csv(path, date_format="%Y-%m-%d")
