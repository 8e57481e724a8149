"""Danish public holidays and the days a municipal administration is closed, computed for any year.

The controller's calendar counts lead times in working days, so it must know which weekdays are not working
days. The movable holidays follow Easter Sunday (the Gregorian computus); the fixed ones are dates.

Sources: lov om helligdage (the folkekirke's holidays: nytårsdag, skærtorsdag, langfredag, påskedag,
2. påskedag, store bededag, Kristi himmelfartsdag, pinsedag, 2. pinsedag, juledag, 2. juledag); store bededag
was abolished from 2024 by lov nr. 54 af 28/02/2023. Grundlovsdag (5 June), juleaftensdag (24 December) and
nytårsaftensdag (31 December) are not holidays by law but days off for the state's and municipalities'
employees under their agreements, so the administration is closed and they count as closed days here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from types import MappingProxyType

LAST_YEAR_WITH_STORE_BEDEDAG = 2023
EASTER_OFFSETS = {
    -3: "Skærtorsdag",
    -2: "Langfredag",
    0: "Påskedag",
    1: "2. påskedag",
    39: "Kristi himmelfartsdag",
    49: "Pinsedag",
    50: "2. pinsedag",
}
STORE_BEDEDAG_OFFSET = 26
FIXED = {
    (1, 1): "Nytårsdag",
    (6, 5): "Grundlovsdag",
    (12, 24): "Juleaftensdag",
    (12, 25): "Juledag",
    (12, 26): "2. juledag",
    (12, 31): "Nytårsaftensdag",
}


def easter_sunday(year: int) -> date:
    """Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def closed_days(year: int) -> Mapping[date, str]:
    """The year's holidays and closed days, by date, with their Danish names."""
    easter = easter_sunday(year)
    offsets = dict(EASTER_OFFSETS)
    if year <= LAST_YEAR_WITH_STORE_BEDEDAG:
        offsets[STORE_BEDEDAG_OFFSET] = "Store bededag"
    days = {easter + timedelta(days=offset): name for offset, name in offsets.items()}
    days |= {date(year, month, day): name for (month, day), name in FIXED.items()}
    return MappingProxyType(dict(sorted(days.items())))


def closed_days_of(years: Iterable[int]) -> frozenset[date]:
    """The closed days of several years as one set (a lead time may cross New Year)."""
    return frozenset(day for year in years for day in closed_days(year))


def is_working_day(day: date, closed: frozenset[date]) -> bool:
    """Monday to Friday and not a closed day."""
    return day.weekday() < 5 and day not in closed
