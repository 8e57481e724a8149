"""The number, date and code conventions of the exports municipalities have, read into canonical values.

Every parser is one Polars expression over a text column, so a million rows cost one vectorised pass. A parser
gives null where the text is not what it should be; the caller compares that with the text to name the cells
that are wrong. Empty text is null too: whether a value may be missing is the canonical rules' business.

Danish Excel writes `1.234.567,89` and `31-12-2025`; English settings and some systems write `1,234,567.89`.
Both are read: the profile says which convention the file uses, and a value that only fits the other one is read
the other way (`1.234,5` and `1,234.5` are never ambiguous; `1.234` is, and then the profile decides).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from dispo.domain import cpr as cpr_rules

EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's serial dates (day 1 is 1900-01-01; Lotus's phantom 1900-02-29 makes day 60 the fix-point)."""
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2100, 12, 31)
FIRST_SERIAL, LAST_SERIAL = 10_000, (LAST_DATE - EXCEL_EPOCH).days
"""Serials are read from 10000 (1927-05-18): a shorter number in a date column is a year or a slip, not a date."""
ISO_DATE = "%Y-%m-%d"
MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "maj": 5,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "okt": 10,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

_SPACES = r"[\s\u00a0\u2009\u202f]"
_DANISH = r"^(\d{1,3}(\.\d{3})+|\d*)(,\d+)?$"
_ENGLISH = r"^(\d{1,3}(,\d{3})+|\d*)(\.\d+)?$"


def text(column: pl.Expr) -> pl.Expr:
    """The cell's text without surrounding spaces; empty text is null."""
    stripped = column.str.replace_all("\u00a0", " ", literal=True).str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def number(column: pl.Expr, decimal: str) -> pl.Expr:
    """A Float64 from `1.234.567,89`, `1,234,567.89`, `1 234,5`, `-12,5`, `12,50-`, `(12,50)` or `1.234 kr.`.

    `decimal` is the profile's decimal sign: it decides values that fit both conventions (`1.234`).
    """
    raw = text(column).str.replace(r"(?i)^(dkk|kr\.?)|(dkk|kr\.?)$", "").str.replace_all(_SPACES, "")
    negative = raw.str.contains(r"^[-\u2212]|-$|^\(.*\)$")
    body = raw.str.replace_all(r"^[-\u2212+(]|[-)]$", "")
    has_digit = body.str.contains(r"\d")
    danish, english = body.str.contains(_DANISH), body.str.contains(_ENGLISH)
    as_danish = body.str.replace_all(r"\.", "").str.replace(",", ".")
    as_english = body.str.replace_all(",", "")
    first, second = (danish, english) if decimal == "," else (english, danish)
    first_text, second_text = (as_danish, as_english) if decimal == "," else (as_english, as_danish)
    plain = pl.when(has_digit & first).then(first_text).when(has_digit & second).then(second_text)
    value = plain.cast(pl.Float64, strict=False)
    return pl.when(negative).then(-value).otherwise(value)


def integer(column: pl.Expr, decimal: str) -> pl.Expr:
    """An Int64 from a number that has no fraction (`2026`, `2.026`, `2026,0`); null otherwise."""
    value = number(column, decimal)
    return pl.when(value == value.round(0)).then(value).cast(pl.Int64, strict=False)


def _in_range(parsed: pl.Expr) -> pl.Expr:
    """`%Y` reads `21` as the year 21: a date outside 1900-2100 is a misreading, not a date."""
    return pl.when(parsed.is_between(FIRST_DATE, LAST_DATE)).then(parsed)


def excel_serial(value: pl.Expr) -> pl.Expr:
    """The date of an Excel serial number (`45658` is 2025-01-01); null for text that is not one (see FIRST_SERIAL)."""
    digits = value.str.replace(r"[.,]0+$", "")
    serial = pl.when(digits.str.contains(r"^\d{1,6}$")).then(digits).cast(pl.Int64, strict=False)
    days = pl.when(serial.is_between(FIRST_SERIAL, LAST_SERIAL)).then(serial)
    return pl.lit(EXCEL_EPOCH) + pl.duration(days=days)


def date_value(column: pl.Expr, formats: Sequence[str]) -> pl.Expr:
    """A Date from the profile's formats (tried in order), ISO `2025-01-31`, or an Excel serial number."""
    value = text(column)
    candidates = [_in_range(value.str.to_date(f, strict=False)) for f in (*formats, ISO_DATE)]
    return pl.coalesce(*candidates, excel_serial(value))


def month(column: pl.Expr, formats: Sequence[str]) -> pl.Expr:
    """A month `YYYY-MM` from a date in it, `2025-03`, `202503`, `03-2025`, `3/2025`, `marts 2025` or `mar. 25`."""
    value = text(column)
    from_date = date_value(column, formats).dt.strftime("%Y-%m")
    year_first = value.str.extract_groups(r"^(\d{4})[-/. ]?(\d{1,2})$")
    month_first = value.str.extract_groups(r"^(\d{1,2})[-/. ](\d{4})$")
    named = value.str.to_lowercase().str.extract_groups(r"^([a-zæøå]{3})[a-zæøå]*\.?[-/ ]?(\d{2}|\d{4})$")
    named_year = named.struct.field("2").cast(pl.Int32, strict=False)
    pieces = [
        (year_first.struct.field("1").cast(pl.Int32, strict=False), year_first.struct.field("2")),
        (month_first.struct.field("2").cast(pl.Int32, strict=False), month_first.struct.field("1")),
        (
            pl.when(named_year < 100).then(named_year + 2000).otherwise(named_year),
            named.struct.field("1").replace_strict(MONTHS, default=None, return_dtype=pl.Int32),
        ),
    ]
    spelled = [_year_month(year, number_of_month) for year, number_of_month in pieces]
    return pl.coalesce(from_date, *spelled)


def _year_month(year: pl.Expr, month_number: pl.Expr) -> pl.Expr:
    number_of_month = month_number.cast(pl.Int32, strict=False)
    valid = year.is_between(FIRST_DATE.year, LAST_DATE.year) & number_of_month.is_between(1, 12)
    return pl.when(valid).then(pl.format("{}-{}", year.cast(pl.String), number_of_month.cast(pl.String).str.zfill(2)))


def cpr(column: pl.Expr) -> pl.Expr:
    """A CPR number as `ddmmyy-xxxx` from `ddmmyy-xxxx`, `ddmmyyxxxx`, `ddmmyy xxxx`, or the nine digits Excel
    leaves of a number whose leading zero it dropped (`102651234` is `010265-1234`). Null if not of that form."""
    value = text(column)
    padded = pl.when(value.str.contains(r"^\d{9}$")).then(pl.lit("0") + value).otherwise(value)
    return padded.str.replace(r"^(\d{6})[- ]?(\d{4})$", "$1-$2").str.extract(r"^(\d{6}-\d{4})$")


def birth_dates(numbers: pl.Series) -> pl.Series:
    """The birth date in each normalised CPR number (the domain's century rule); null where the number has none.

    Computed once per distinct number: a file has far fewer citizens than rows.
    """
    distinct = numbers.drop_nulls().unique()
    found: dict[str, date | None] = {}
    for number_ in distinct.to_list():
        try:
            found[number_] = cpr_rules.birth_date(number_)
        except cpr_rules.InvalidCpr:
            found[number_] = None
    return numbers.replace_strict(found, default=None, return_dtype=pl.Date)


def account_function(column: pl.Expr) -> pl.Expr:
    """The function of the municipal chart of accounts, `5.38.50`, from `5.38.50`, `53850`, `5 38 50` or an
    account string that starts with it (`5.38.50.1.01`, `538501001`)."""
    parts = text(column).str.extract_groups(r"^(\d)[. ]?(\d{2})[. ]?(\d{2})")
    return pl.format("{}.{}.{}", parts.struct.field("1"), parts.struct.field("2"), parts.struct.field("3"))


def normal_code(value: str) -> str:
    """How a code's spelling is compared: case, surrounding spaces and runs of spaces do not count."""
    return " ".join(str(value).split()).lower()


def translate(column: pl.Expr, codes: dict[str, str]) -> pl.Expr:
    """The canonical code for each spelling in `codes` (compared by `normal_code`); null for other text."""
    keys = {normal_code(spelling): code for spelling, code in codes.items()}
    spelled = text(column).str.replace_all(r"\s+", " ").str.to_lowercase()
    return spelled.replace_strict(keys, default=None, return_dtype=pl.String)
