"""CPR numbers: form, century rule, substitute numbers, masking and the keyed pseudonym.

Every number here is a substitute number (day + 60) or not a valid number at all: no real person's number.
"""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispo.domain.cpr import (
    InvalidCpr,
    birth_date,
    is_substitute,
    mask,
    normalise,
    pseudonym,
    synthetic_cpr,
)

KEY = b"0123456789abcdef-test-key"
BIRTHS = st.dates(min_value=date(1858, 1, 1), max_value=date(2057, 12, 31))
SERIALS = st.integers(min_value=0, max_value=999)
SYNTHETIC = st.builds(synthetic_cpr, BIRTHS, SERIALS)


def test_a_number_with_or_without_the_dash_and_with_whitespace_becomes_ddmmyy_dash_xxxx() -> None:
    assert normalise("6102651234") == "610265-1234"
    assert normalise("  610265-1234\n") == "610265-1234"


@given(SYNTHETIC)
def test_normalising_twice_changes_nothing(cpr: str) -> None:
    assert normalise(normalise(cpr)) == normalise(cpr) == cpr
    assert normalise(cpr.replace("-", "")) == cpr


@given(BIRTHS, SERIALS)
def test_a_synthetic_number_is_a_substitute_number_that_gives_back_its_birth_date(birth: date, serial: int) -> None:
    cpr = synthetic_cpr(birth, serial)
    assert is_substitute(cpr)
    assert 61 <= int(cpr[:2]) <= 91
    assert birth_date(cpr) == birth


@given(SYNTHETIC)
def test_the_mask_never_reveals_the_last_four_digits(cpr: str) -> None:
    masked = mask(cpr)
    assert masked == cpr[:7] + "XXXX"
    assert cpr[7:] not in masked[6:]


@pytest.mark.parametrize(
    ("cpr", "born"),
    [
        ("610265-0123", date(1965, 2, 1)),  # 0-3: 1900s
        ("610265-3999", date(1965, 2, 1)),
        ("610205-4123", date(2005, 2, 1)),  # 4: 2000-2036 for 00-36
        ("610245-4123", date(1945, 2, 1)),  # 4: else 1900s
        ("610205-5123", date(2005, 2, 1)),  # 5-8: 2000-2057 for 00-57
        ("610265-8123", date(1865, 2, 1)),  # 5-8: else 1858-1899
        ("610236-9123", date(2036, 2, 1)),  # 9: 2000-2036 for 00-36
        ("610237-9123", date(1937, 2, 1)),  # 9: else 1900s
    ],
)
def test_the_century_follows_cpr_kontorets_table(cpr: str, born: date) -> None:
    assert birth_date(cpr) == born


def test_a_number_with_the_real_day_is_not_a_substitute_number() -> None:
    # born 1 January 2057: a valid form that no living person can have
    assert not is_substitute("010157-5000")
    assert birth_date("010157-5000") == date(2057, 1, 1)


def test_the_29th_of_february_is_accepted_in_a_leap_year() -> None:
    assert birth_date("890200-4001") == date(2000, 2, 29)


def test_the_29th_of_february_is_refused_in_a_year_that_is_not_a_leap_year() -> None:
    with pytest.raises(InvalidCpr):
        normalise("890201-4001")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("61O265-1234", "characters other than digits"),
        ("610265-123", "found 9 digits"),
        ("610265-12345", "found 11 digits"),
        ("", "found 0 digits"),
        ("6102-651234", "the dash should stand after the sixth digit"),
        ("000165-1234", "000165-XXXX is not a valid CPR number"),
        ("320165-1234", "320165-XXXX is not a valid CPR number"),
        ("600165-1234", "600165-XXXX is not a valid CPR number"),
        ("920165-1234", "920165-XXXX is not a valid CPR number"),
        ("611365-1234", "611365-XXXX is not a valid CPR number"),
        ("610065-1234", "610065-XXXX is not a valid CPR number"),
    ],
)
def test_a_malformed_number_is_refused_saying_what_was_expected(raw: str, expected: str) -> None:
    with pytest.raises(InvalidCpr) as refused:
        normalise(raw)
    assert isinstance(refused.value, ValueError)
    assert expected in str(refused.value)
    assert "1234" not in str(refused.value)


@given(
    st.integers(min_value=32, max_value=60),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=0, max_value=9999),
)
def test_the_refusal_never_contains_the_full_number(day: int, month: int, year: int, serial: int) -> None:
    raw = f"{day:02d}{month:02d}{year:02d}{serial:04d}"
    with pytest.raises(InvalidCpr) as refused:
        normalise(raw)
    assert raw not in str(refused.value)
    assert f"{raw[:6]}-{raw[6:]}" not in str(refused.value)


@given(SYNTHETIC)
def test_the_pseudonym_is_a_keyed_hash_equal_for_both_spellings_of_a_number(cpr: str) -> None:
    keyed = pseudonym(cpr, KEY)
    assert len(keyed) == 64
    assert keyed == pseudonym(cpr.replace("-", ""), KEY)
    assert keyed != pseudonym(cpr, KEY + b"other")
    assert keyed != hashlib.sha256(cpr.encode()).hexdigest()


def test_a_short_pseudonym_key_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 16 random bytes"):
        pseudonym("610265-1234", b"short")


def test_a_synthetic_number_outside_the_cpr_centuries_or_serials_is_refused() -> None:
    with pytest.raises(ValueError, match="1858-2057"):
        synthetic_cpr(date(1850, 1, 1), 1)
    with pytest.raises(ValueError, match="serial should be 0-999"):
        synthetic_cpr(date(1990, 1, 1), 1000)


def test_an_odd_serial_reads_as_a_man_and_an_even_one_as_a_woman() -> None:
    assert int(synthetic_cpr(date(1990, 5, 17), 7)[-1]) % 2 == 1
    assert int(synthetic_cpr(date(1990, 5, 17), 8)[-1]) % 2 == 0
