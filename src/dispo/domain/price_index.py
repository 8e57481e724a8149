"""The price and wage index (P/L, pris- og lønindeks) for municipal service expenditure, and regulation by it.

Municipal budgets, rates and many amounts in the law are regulated from year to year by the P/L for the
municipalities' service expenditure. The yearly growth rates are reviewed data in `data/price_index.yaml`;
here they are chained into an index (the base year is 100) so that any amount can be moved between two years.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from dispo.domain.datafile import (
    EntryError,
    Problems,
    as_mapping,
    check_fields,
    list_section,
    number,
    read_yaml,
    value,
)

FILE = "price_index.yaml"


class UnknownPriceIndexYear(LookupError):
    """A year outside the years the index covers."""

    def __init__(self, year: int, covered: range) -> None:
        self.year = year
        super().__init__(
            f"no P/L index for {year}: {FILE} covers {covered.start}-{covered.stop - 1}; "
            "add the year's growth rate there (marked estimated if it is not yet published)"
        )


def price_index(year: int) -> float:
    """The index of `year` (the base year is 100)."""
    index = _index()
    if year not in index:
        raise UnknownPriceIndexYear(year, range(min(index), max(index) + 1))
    return index[year]


def regulate(amount: float, from_year: int, to_year: int) -> float:
    """`amount` at the price and wage level of `from_year`, moved to the level of `to_year` (unrounded)."""
    return amount * price_index(to_year) / price_index(from_year)


@cache
def _index() -> Mapping[int, float]:
    return MappingProxyType(parse_price_index(read_yaml(FILE)))


def parse_price_index(document: object) -> dict[int, float]:
    """The chained index by year of a parsed document; raise `DataFileError` listing every problem."""
    problems = Problems(FILE)
    base_year = problems.collect("base_year", _base_year, document)
    changes: dict[int, float] = {}
    for position, raw in enumerate(problems.collect("years", list_section, document, "years") or []):
        parsed = problems.collect(f"years[{position}]", _year, raw)
        if parsed is not None:
            changes[parsed[0]] = parsed[1]
    if base_year is not None and list(changes) != list(range(base_year + 1, base_year + 1 + len(changes))):
        problems.add("years", f"should run from {base_year + 1} one year at a time, found {list(changes)}")
    problems.raise_if_any()
    assert base_year is not None  # otherwise its problem was raised above
    return _chain(base_year, changes)


def _chain(base_year: int, changes: Mapping[int, float]) -> dict[int, float]:
    index = {base_year: 100.0}
    for year, change in changes.items():
        index[year] = index[year - 1] * (1 + change / 100)
    return index


def _base_year(document: object) -> int:
    return value(as_mapping(document, "the file"), "base_year", int)


def _year(raw: object) -> tuple[int, float]:
    """A year and its growth in per cent (`estimated` and `source` are for the reviewer, checked for form)."""
    entry = as_mapping(raw, "a year")
    check_fields(entry, required=("year", "change_pct", "estimated", "source"), optional=("note",))
    value(entry, "estimated", bool)
    value(entry, "source", str)
    year, change = value(entry, "year", int), number(entry["change_pct"], "change_pct")
    if not -10 <= change <= 20:
        raise EntryError(f"change_pct {change} for {year} is implausible (expected -10..20 per cent)")
    return year, change
