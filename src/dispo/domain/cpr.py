"""CPR numbers: checking, masking, pseudonymising, and the synthetic numbers of dispo's demo data.

A CPR number is sensitive personal data (DESIGN.md §6): dispo shows it masked, never writes it to a log or an
error message, and joins sources on a keyed pseudonym. Its form is ddmmyy-xxxx — the birth date and a serial
whose first digit, together with the two-digit year, gives the century (CPR-kontoret's table, `_century`) and
whose last digit is odd for men and even for women. A substitute number (erstatningspersonnummer) adds 60 to
the day (61-91); dispo's synthetic data uses only those, so a synthetic number is never a real person's.

No check digit (modulus 11) is tested: numbers that fail it have been issued since 2007.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

SUBSTITUTE_DAY_OFFSET = 60
MIN_KEY_BYTES = 16
_FORM = re.compile(r"(\d{6})-?(\d{4})")
_EXPECTED = "a CPR number is ddmmyy-xxxx or ddmmyyxxxx (10 digits, the dash optional)"


class InvalidCpr(ValueError):
    """Not a CPR number. The message says what was expected and never contains the full number."""


def normalise(raw: str) -> str:
    """The number as ddmmyy-xxxx, from ddmmyy-xxxx or ddmmyyxxxx with any surrounding whitespace."""
    text = raw.strip()
    match = _FORM.fullmatch(text)
    if match is None:
        raise InvalidCpr(f"{_EXPECTED}; {_describe(text)}")
    date_part, serial = match.groups()
    _birth_date(date_part, serial)
    return f"{date_part}-{serial}"


def is_substitute(cpr: str) -> bool:
    """Whether the number is a substitute number (day + 60), as all of dispo's synthetic numbers are."""
    return int(normalise(cpr)[:2]) > SUBSTITUTE_DAY_OFFSET


def birth_date(cpr: str) -> date:
    """The birth date: the century from the serial's first digit, the day less 60 for a substitute."""
    date_part, serial = normalise(cpr).split("-")
    return _birth_date(date_part, serial)


def mask(cpr: str) -> str:
    """The number as shown to roles that may not see it whole: the date part and XXXX, e.g. 610265-XXXX."""
    return f"{normalise(cpr)[:6]}-XXXX"


def pseudonym(cpr: str, key: bytes) -> str:
    """The join key across sources: HMAC-SHA256 of the normalised number under a secret key, as hex.

    A plain or salted hash is not enough: there are only about 4 × 10⁸ possible CPR numbers (some 150
    years of dates × 10,000 serials), so whoever holds a hash can hash every candidate in minutes and find
    the number; a salt stored beside the hashes changes nothing. Keyed with a secret kept outside the
    database, the pseudonym is still the same for the same person in every source, but worthless without
    the key.
    """
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the pseudonym key should be at least {MIN_KEY_BYTES} random bytes, got {len(key)}")
    return hmac.new(key, normalise(cpr).encode("ascii"), hashlib.sha256).hexdigest()


def synthetic_cpr(birth: date, serial: int) -> str:
    """A substitute number for someone born on `birth`: day + 60, so it can never be a real person's number.

    `serial` (0-999) gives the last three digits; the first digit of the serial is chosen so the century rule
    gives back `birth`. As in real numbers an odd `serial` reads as a man, an even one as a woman.
    """
    if not 0 <= serial <= 999:
        raise ValueError(f"serial should be 0-999, got {serial}")
    digit = _century_digit(birth.year)
    return f"{birth.day + SUBSTITUTE_DAY_OFFSET:02d}{birth.month:02d}{birth.year % 100:02d}-{digit}{serial:03d}"


def _birth_date(date_part: str, serial: str) -> date:
    day, month, two_digit_year = int(date_part[:2]), int(date_part[2:4]), int(date_part[4:])
    if day > SUBSTITUTE_DAY_OFFSET:
        day -= SUBSTITUTE_DAY_OFFSET
    year = _century(int(serial[0]), two_digit_year) + two_digit_year
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidCpr(
            f"{date_part}-XXXX is not a valid CPR number: the day should be 01-31 (61-91 for a substitute "
            "number), the month 01-12, and together with the year they should make a real date"
        ) from None


def _century(first_serial_digit: int, two_digit_year: int) -> int:
    """CPR-kontoret's century table.

    First serial digit 0-3: 1900-1999; 4 or 9: 2000-2036 for years 00-36, else 1937-1999; 5-8: 2000-2057 for
    years 00-57, else 1858-1899.
    """
    if first_serial_digit <= 3:
        return 1900
    if first_serial_digit in (4, 9):
        return 2000 if two_digit_year <= 36 else 1900
    return 2000 if two_digit_year <= 57 else 1800


def _century_digit(year: int) -> int:
    """A first serial digit that `_century` maps back to `year`'s century."""
    if 1900 <= year <= 1999:
        return 0
    if 2000 <= year <= 2036:
        return 4
    if 1858 <= year <= 1899 or 2037 <= year <= 2057:
        return 5
    raise ValueError(f"CPR numbers cover births in 1858-2057, not {year}")


def _describe(text: str) -> str:
    """What is wrong with the form of `text`, without repeating any of its digits."""
    if any(not (char.isdigit() or char == "-") for char in text):
        return "found characters other than digits and the dash"
    digits = sum(char.isdigit() for char in text)
    if digits != 10:
        return f"found {digits} digits"
    return "the dash should stand after the sixth digit, once"
