"""The Danish (and English) number, date, month, CPR and account conventions of source exports, and the
paragraph spellings of the systems, each read into its canonical value."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dispo.services.profiles import formats
from dispo.services.profiles.paragraph_codes import code


def parse(expression: pl.Expr, values: list[str | None]) -> list[object]:
    return pl.DataFrame({"v": values}, schema={"v": pl.String}).select(expression).to_series().to_list()


@pytest.mark.parametrize(
    ("text", "danish", "english"),
    [
        ("1.234.567,89", 1_234_567.89, 1_234_567.89),  # thousands separators, Danish convention
        ("1,234,567.89", 1_234_567.89, 1_234_567.89),  # thousands separators, English convention
        ("1.234", 1234.0, 1.234),  # fits both: the profile's decimal sign decides
        ("1,5", 1.5, 1.5),
        ("1 234,50", 1234.5, 1234.5),
        ("-1.000,00", -1000.0, -1000.0),
        ("1.000,00-", -1000.0, -1000.0),  # trailing minus, as finance systems write credits
        ("(12,50)", -12.5, -12.5),
        ("kr. 1.234,00", 1234.0, 1234.0),
        ("786.476,45", 786_476.45, 786_476.45),  # from the seed's § 108 list
        ("1.23.4", None, None),
        ("12a", None, None),
        ("", None, None),
    ],
)
def test_numbers_are_read_in_both_conventions(text: str, danish: float | None, english: float | None) -> None:
    assert parse(formats.number(pl.col("v"), ","), [text]) == [pytest.approx(danish) if danish is not None else None]
    assert parse(formats.number(pl.col("v"), "."), [text]) == [pytest.approx(english) if english is not None else None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31-12-2025", date(2025, 12, 31)),
        ("31.12.2025", date(2025, 12, 31)),
        ("01/01/21", date(2021, 1, 1)),  # the seed's caseworker list: two-digit years
        ("2025-01-31", date(2025, 1, 31)),  # ISO always
        ("45658", date(2025, 1, 1)),  # an Excel serial: 1899-12-30 + 45658 days
        ("45658,0", date(2025, 1, 1)),
        ("31-02-2025", None),  # no such day
        ("2025", None),  # a year is not a serial date
        ("x", None),
    ],
)
def test_dates_are_read_from_the_profile_formats_iso_and_excel_serials(text: str, expected: date | None) -> None:
    dates = ["%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"]
    assert parse(formats.date_value(pl.col("v"), dates), [text]) == [expected]


def test_a_four_digit_year_format_does_not_read_a_two_digit_year_as_year_21() -> None:
    assert parse(formats.date_value(pl.col("v"), ["%d-%m-%Y", "%d-%m-%y"]), ["01-01-21"]) == [date(2021, 1, 1)]


@pytest.mark.parametrize(
    "text", ["2025-03", "202503", "03-2025", "3/2025", "marts 2025", "Mar. 25", "15-03-2025", "45731"]
)
def test_a_service_month_is_read_from_every_usual_spelling(text: str) -> None:
    assert parse(formats.month(pl.col("v"), ["%d-%m-%Y"]), [text]) == ["2025-03"]


def test_a_month_that_does_not_exist_is_not_read() -> None:
    assert parse(formats.month(pl.col("v"), ["%d-%m-%Y"]), ["2025-13", "x"]) == [None, None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("010265-1234", "010265-1234"),
        ("0102651234", "010265-1234"),  # without the dash
        ("010265 1234", "010265-1234"),
        ("102651234", "010265-1234"),  # Excel dropped the leading zero of a number
        ("01026-51234", None),  # the dash in the wrong place
        ("01026512345", None),
    ],
)
def test_cpr_numbers_are_normalised_with_or_without_the_dash(text: str, expected: str | None) -> None:
    assert parse(formats.cpr(pl.col("v")), [text]) == [expected]


def test_the_birth_date_comes_from_the_cpr_number_by_the_century_rule() -> None:
    numbers = pl.Series(["610265-1234", "700780-4442", "999999-9999", None])
    # 61 − 60 = 1 Feb 1965 (serial 1: 1900s); 70 − 60 = 10 Jul 1980 (serial 4 and year 80: 1900s); no 99th month
    assert formats.birth_dates(numbers).to_list() == [date(1965, 2, 1), date(1980, 7, 10), None, None]


@pytest.mark.parametrize("text", ["5.38.50", "53850", "5 38 50", "5.38.50.4.0", "538504001"])
def test_the_account_function_is_read_from_the_account(text: str) -> None:
    assert parse(formats.account_function(pl.col("v")), [text]) == ["5.38.50"]


def test_codes_are_translated_without_regard_to_case_or_spaces() -> None:
    codes = {"Privat tilbud": "privat", "Øvrige kommuners": "anden_kommune"}
    result = parse(formats.translate(pl.col("v"), codes), ["privat  TILBUD", "Øvrige kommuners ", "Region"])
    assert result == ["privat", "anden_kommune", None]


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("108", "SEL108"),
        ("§108", "SEL108"),
        ("§ 108 stk. 1", "SEL108"),
        ("SEL 108", "SEL108"),
        ("SL108", "SEL108"),
        ("Serviceloven § 108", "SEL108"),
        ("Lov om social service § 107", "SEL107"),
        ("ABL 105/SEL 85", "ABL105"),
        ("SEL 85/ABL 105", "ABL105"),  # the pair names the residential place, whichever comes first
        ("96.3", "SEL96"),  # the seed's caseworker list: section 96, subsection 3
        ("SEL § 82 b", "SEL82b"),
        ("83a", "SEL83a"),
        ("Barnets lov § 32", "BL32"),
        ("Sundhedsloven § 141", "SUL141"),
        ("sel108", "SEL108"),
        ("999", None),
        ("Fonden §108", None),
    ],
)
def test_paragraph_spellings_become_catalogue_codes(spelling: str, expected: str | None) -> None:
    assert code(spelling) == expected


def test_a_bare_number_is_read_under_the_profiles_law_and_its_own_spellings_come_first() -> None:
    assert code("32", law="BL") == "BL32"
    assert code("Bostøtte", extra={"bostøtte": "SEL85"}) == "SEL85"
