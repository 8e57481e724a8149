"""A mapping profile: one YAML file that says how one source system's export becomes canonical tables.

A new source is a new file, not new code (docs/import-profiles.md describes every key). The file is read and
checked whole when it is loaded: every mistake in it is listed at once, in the same form as the problems of a
data file, so that whoever writes a profile can fix it in one go.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dispo.engine import schema
from dispo.services.canonical import RULES, InvalidData, Problem

SHIPPED = Path(__file__).resolve().parent / "data"
TABLES: dict[str, dict[str, Any]] = {**schema.TABLES, "postings": schema.POSTINGS}
"""The tables a profile can fill: the ledger's canonical tables and the finance system's postings."""
REQUIRED: dict[str, tuple[str, ...]] = {
    **{table: tuple(c for c, rule in rules.items() if rule.required) for table, rules in RULES.items()},
    "postings": ("account_function", "period", "booked_on", "amount"),
}
MATCH_KEYS = ("cpr", "citizen_id", "paragraph", "provider_id", "case_id")
DERIVED = {"cpr": ("citizens", "birth_date")}
"""`from:` values and the one column each can fill: the birth date is in the CPR number."""
_FIELD_KEYS = {"column", "value", "default", "optional", "codes", "from"}
_FILE_KEYS = {"delimiter", "encoding", "decimal", "dates", "sheet", "duplicates", "law"}
_TOP_KEYS = {"name", "title", "system", "file", "codes", "paragraphs", "tables"}


@dataclass(frozen=True)
class Field:
    """Where one canonical column's value comes from: a source column, or a fixed value for every row."""

    column: str | None = None
    value: str | None = None
    default: str | None = None
    optional: bool = False
    codes: str | None = None
    """`paragraph` for the paragraph spellings, or the name of one of the profile's `codes` tables."""
    derive: str | None = None
    """`cpr`: the value is computed from the CPR number in `column` (the birth date)."""


@dataclass(frozen=True)
class Match:
    """How a payment without a grant id finds its grant: the stored grant of the same citizen (by CPR number or
    citizen id) and the given paragraph, provider and case that is active in the payment's service month."""

    keys: Mapping[str, Field]


@dataclass(frozen=True)
class TableMap:
    name: str
    fields: Mapping[str, Field]
    match: Match | None = None


@dataclass(frozen=True)
class FileFormat:
    delimiter: str | None = None
    encodings: tuple[str, ...] = ("utf-8", "cp1252")
    decimal: str = ","
    dates: tuple[str, ...] = ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%y", "%d.%m.%y", "%d/%m/%y")
    sheet: str | None = None
    duplicates: str = "refuse"
    law: str = "SEL"


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    system: str
    path: Path
    file: FileFormat
    tables: Mapping[str, TableMap]
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    paragraphs: Mapping[str, str] = field(default_factory=dict)

    def fields(self) -> list[Field]:
        """Every field of every table, in the order the profile names them (a match stands for grant_id)."""
        return [
            field
            for table in self.tables.values()
            for field in (*(table.match.keys.values() if table.match else ()), *table.fields.values())
        ]

    def columns(self) -> list[str]:
        """Every source column the profile reads, once each, in the order it names them."""
        return list(dict.fromkeys(f.column for f in self.fields() if f.column is not None))

    def required_columns(self) -> list[str]:
        """The source columns that must be in the file (those not marked `optional`)."""
        optional = {f.column for f in self.fields() if f.optional}
        return [c for c in self.columns() if c not in optional]


def shipped_profiles() -> dict[str, Path]:
    """The profiles that come with dispo, by name."""
    return {path.stem: path for path in sorted(SHIPPED.glob("*.yaml"))}


def load_profile(profile: str | Path) -> Profile:
    """A profile by the name of a shipped one (`nexus`) or the path of a YAML file; `InvalidData` if it is wrong."""
    path = Path(profile)
    if not path.suffix and str(profile) in shipped_profiles():
        path = shipped_profiles()[str(profile)]
    if not path.is_file():
        names = ", ".join(shipped_profiles())
        raise InvalidData([Problem(str(profile), 0, "", "", f"en profilfil (.yaml) eller en af profilerne {names}")])
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise InvalidData([Problem(path.name, 0, "", "", f"gyldig YAML i UTF-8 ({error})")]) from None
    return _Reader(path).profile(document)


class _Reader:
    """Reads a profile document, collecting every problem before it answers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, where: str, value: object, expected: str) -> None:
        self.problems.append(Problem(self.path.name, 0, where, "" if value is None else str(value), expected))

    def profile(self, document: object) -> Profile:
        if not isinstance(document, dict):
            raise InvalidData([Problem(self.path.name, 0, "", "", "en profil: nøglerne file, codes og tables")])
        for key in document.keys() - _TOP_KEYS:
            self.problem(key, key, "kun nøglerne " + ", ".join(sorted(_TOP_KEYS)))
        codes = self.codes(document.get("codes") or {})
        paragraphs = self.paragraphs(document.get("paragraphs") or {})
        tables = self.tables(document.get("tables"), codes)
        profile = Profile(
            name=str(document.get("name") or self.path.stem),
            title=str(document.get("title") or self.path.stem),
            system=str(document.get("system") or ""),
            path=self.path,
            file=self.file_format(document.get("file") or {}),
            tables=tables,
            codes=codes,
            paragraphs=paragraphs,
        )
        if self.problems:
            raise InvalidData(self.problems)
        return profile

    def file_format(self, raw: object) -> FileFormat:
        if not isinstance(raw, dict):
            self.problem("file", raw, "en tabel med nøglerne " + ", ".join(sorted(_FILE_KEYS)))
            return FileFormat()
        for key in raw.keys() - _FILE_KEYS:
            self.problem(f"file.{key}", key, "kun nøglerne " + ", ".join(sorted(_FILE_KEYS)))
        defaults = FileFormat()
        encodings = raw.get("encoding", list(defaults.encodings))
        encodings = [encodings] if isinstance(encodings, str) else encodings
        if not encodings:
            self.problem("file.encoding", "", "mindst én tegnkodning, fx [utf-8, cp1252]")
        for name in encodings:
            try:
                codecs.lookup(str(name))
            except LookupError:
                self.problem("file.encoding", name, "en tegnkodning, fx utf-8 eller cp1252")
        delimiter = raw.get("delimiter")
        if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
            self.problem("file.delimiter", delimiter, 'ét skilletegn, fx ";" eller ","')
        decimal = str(raw.get("decimal", defaults.decimal))
        if decimal not in (",", "."):
            self.problem("file.decimal", decimal, '"," (1.234,50) eller "." (1,234.50)')
        dates = raw.get("dates", list(defaults.dates))
        dates = [dates] if isinstance(dates, str) else dates
        for pattern in dates:
            if "%" not in str(pattern):
                self.problem("file.dates", pattern, "datoformater som %d-%m-%Y")
        duplicates = str(raw.get("duplicates", defaults.duplicates))
        if duplicates not in ("refuse", "keep"):
            self.problem("file.duplicates", duplicates, "refuse eller keep")
        return FileFormat(
            delimiter=delimiter,
            encodings=tuple(str(e) for e in encodings),
            decimal=decimal,
            dates=tuple(str(d) for d in dates),
            sheet=None if raw.get("sheet") is None else str(raw["sheet"]),
            duplicates=duplicates,
            law=str(raw.get("law", defaults.law)),
        )

    def codes(self, raw: object) -> dict[str, dict[str, str]]:
        if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
            self.problem("codes", raw, "navngivne tabeller af kildens stavemåde: kode")
            return {}
        return {str(name): {str(k): str(v) for k, v in table.items()} for name, table in raw.items()}

    def paragraphs(self, raw: object) -> dict[str, str]:
        from dispo.domain.paragraphs import catalogue

        if not isinstance(raw, dict):
            self.problem("paragraphs", raw, "en tabel af kildens stavemåde: paragrafkode")
            return {}
        for spelling, code in raw.items():
            if code not in catalogue():
                self.problem(f"paragraphs.{spelling}", code, "en paragrafkode fra kataloget, fx SEL108")
        return {str(k): str(v) for k, v in raw.items()}

    def tables(self, raw: object, codes: Mapping[str, Mapping[str, str]]) -> dict[str, TableMap]:
        if not isinstance(raw, dict) or not raw:
            self.problem("tables", raw, "mindst én tabel: " + ", ".join(TABLES))
            return {}
        tables: dict[str, TableMap] = {}
        for name, columns in raw.items():
            if name not in TABLES:
                self.problem(f"tables.{name}", name, "en af tabellerne " + ", ".join(TABLES))
            elif not isinstance(columns, dict):
                self.problem(f"tables.{name}", columns, "kolonnerne: kanonisk kolonne: kildekolonne")
            else:
                tables[name] = self.table(name, columns, codes)
        return tables

    def table(self, name: str, raw: dict[str, Any], codes: Mapping[str, Mapping[str, str]]) -> TableMap:
        fields: dict[str, Field] = {}
        match: Match | None = None
        for column, spec in raw.items():
            where = f"tables.{name}.{column}"
            if column not in TABLES[name]:
                self.problem(where, column, f"en kolonne i {name}: " + ", ".join(TABLES[name]))
            elif name == "payments" and column == "grant_id" and isinstance(spec, dict) and "match" in spec:
                match = self.match(where, spec, codes)
            else:
                fields[column] = self.field(where, spec, codes, (name, column))
        for column in REQUIRED[name]:
            if column not in fields and not (column == "grant_id" and match is not None):
                self.problem(f"tables.{name}.{column}", "", "kolonnen (den er påkrævet i " + name + ")")
        return TableMap(name, fields, match)

    def match(self, where: str, spec: dict[str, Any], codes: Mapping[str, Mapping[str, str]]) -> Match | None:
        keys = spec["match"]
        if not isinstance(keys, dict) or ("cpr" in keys) == ("citizen_id" in keys):
            self.problem(f"{where}.match", keys, "cpr eller citizen_id og evt. paragraph, provider_id, case_id")
            return None
        fields = {}
        for key, key_spec in keys.items():
            if key not in MATCH_KEYS:
                self.problem(f"{where}.match.{key}", key, "en af " + ", ".join(MATCH_KEYS))
            else:
                fields[key] = self.field(f"{where}.match.{key}", key_spec, codes, ("match", key))
        return Match(fields)

    def field(self, where: str, spec: object, codes: Mapping[str, Mapping[str, str]], target: tuple[str, str]) -> Field:
        if isinstance(spec, str):
            return Field(column=spec)
        if not isinstance(spec, dict):
            self.problem(where, spec, "navnet på en kildekolonne eller {column: …} / {value: …}")
            return Field()
        for key in spec.keys() - _FIELD_KEYS:
            self.problem(f"{where}.{key}", key, "kun nøglerne " + ", ".join(sorted(_FIELD_KEYS)))
        if ("column" in spec) == ("value" in spec):
            self.problem(where, "", "enten column (en kildekolonne) eller value (en fast værdi)")
        named = spec.get("codes")
        if named is not None and named != "paragraph" and named not in codes:
            self.problem(f"{where}.codes", named, "paragraph eller et navn under codes: " + ", ".join(codes))
        derive = spec.get("from")
        if derive is not None and DERIVED.get(str(derive)) != target:
            self.problem(f"{where}.from", derive, "from: cpr, og kun for citizens.birth_date")
        return Field(
            column=None if spec.get("column") is None else str(spec["column"]),
            value=None if spec.get("value") is None else str(spec["value"]),
            default=None if spec.get("default") is None else str(spec["default"]),
            optional=bool(spec.get("optional", False)),
            codes=None if named is None else str(named),
            derive=None if derive is None else str(derive),
        )
