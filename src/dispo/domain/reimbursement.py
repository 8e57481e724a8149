"""The rules of the central reimbursement scheme for expensive single cases (særligt dyre enkeltsager, SDE).

Per citizen (children: per household) the state reimburses a share of the municipality's net expense above
each of three yearly thresholds — 25 %, 50 % and 75 % since 2021 (serviceloven § 176; for children from 2024
barnets lov § 198). The thresholds are regulated every year, so they are reviewed data in
`data/sde_thresholds.yaml`, with their source and whether the amount is published or dispo's estimate. The
month-by-month computation itself is the engine's (`dispo.engine.sde`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from dispo.domain.datafile import (
    EntryError,
    Problems,
    as_list,
    as_mapping,
    check_fields,
    list_section,
    number,
    read_yaml,
    value,
)

FILE = "sde_thresholds.yaml"
FIRST_YEAR = 2021
AGE_GROUPS = ("voksne", "boern")

ADULT_AGE_LIMIT = 67
"""Adults are covered while under 67 (SEL § 176, stk. 1).

From the 67th birthday a person stays covered only if the scheme covered them just before it: the
municipality's expenses for them in the last month before the birthday exceeded 1/12 of the threshold
(§ 176, stk. 3; bekendtgørelse nr 2430 af 14/12/2021 § 6, stk. 2 — for a hospital stay that month, the month
before admission counts). The rule applies to persons who turned 67 from 2021; those who were 67 before
2021-01-01 keep the earlier rules (L 197 2019-20 § 2, stk. 2).
"""

_FIELDS = ("year", "age_group", "thresholds", "shares", "estimated", "source")


@dataclass(frozen=True)
class SdeRule:
    """The yearly thresholds (kr.) and the shares reimbursed above each, for one year and age group."""

    year: int
    age_group: str
    thresholds: tuple[float, float, float]
    shares: tuple[float, float, float]
    source: str
    estimated: bool


class UnknownSdeRule(LookupError):
    """No rule for the year or age group asked about; the message says what is covered."""


def sde_rule(year: int, age_group: str) -> SdeRule:
    """The rule for `year` and `age_group` (`voksne` or `boern`)."""
    if age_group not in AGE_GROUPS:
        raise UnknownSdeRule(f"unknown age group {age_group!r}: expected one of {', '.join(AGE_GROUPS)}")
    if year < FIRST_YEAR:
        raise UnknownSdeRule(
            f"no SDE rule for {year}: dispo covers the three-step scheme in force from {FIRST_YEAR} "
            "(SEL § 176 as amended by L 197 2019-20); earlier years had two steps and other amounts"
        )
    rules = _rules()
    found = rules.get((year, age_group))
    if found is None:
        last = max(rule_year for rule_year, _ in rules)
        raise UnknownSdeRule(
            f"no SDE rule for {year} yet: {FILE} covers {FIRST_YEAR}-{last}; "
            "add the year's published thresholds there (or an estimate, marked estimated: true)"
        )
    return found


@cache
def _rules() -> Mapping[tuple[int, str], SdeRule]:
    return MappingProxyType(parse_sde_rules(read_yaml(FILE)))


def parse_sde_rules(document: object) -> dict[tuple[int, str], SdeRule]:
    """The rules of a parsed document by (year, age group); raise `DataFileError` listing every problem."""
    problems = Problems(FILE)
    rules: dict[tuple[int, str], SdeRule] = {}
    for position, raw in enumerate(problems.collect("rules", list_section, document, "rules") or []):
        where = f"rules[{position}]"
        rule = problems.collect(where, _rule, raw)
        if rule is not None and (rule.year, rule.age_group) in rules:
            problems.add(where, f"a second rule for {rule.year} {rule.age_group}")
        elif rule is not None:
            rules[rule.year, rule.age_group] = rule
    for group in AGE_GROUPS:
        problems.collect(f"age group {group}", _check_years, group, sorted(y for y, g in rules if g == group))
    problems.raise_if_any()
    return rules


def _rule(raw: object) -> SdeRule:
    entry = as_mapping(raw, "a rule")
    check_fields(entry, _FIELDS, optional=("note",))
    rule = SdeRule(
        year=value(entry, "year", int),
        age_group=value(entry, "age_group", str),
        thresholds=_three(entry["thresholds"], "thresholds"),
        shares=_three(entry["shares"], "shares"),
        source=value(entry, "source", str),
        estimated=value(entry, "estimated", bool),
    )
    if rule.year < FIRST_YEAR or rule.age_group not in AGE_GROUPS:
        raise EntryError(
            f"year {rule.year} or age group {rule.age_group!r} is out of scope "
            f"(from {FIRST_YEAR}; {', '.join(AGE_GROUPS)})"
        )
    if not 0 < rule.thresholds[0] < rule.thresholds[1] < rule.thresholds[2]:
        raise EntryError(f"thresholds {rule.thresholds} should be positive and increasing")
    if not 0 < rule.shares[0] < rule.shares[1] < rule.shares[2] <= 1:
        raise EntryError(f"shares {rule.shares} should be increasing fractions in (0, 1]")
    return rule


def _three(raw: object, what: str) -> tuple[float, float, float]:
    items = [number(item, what) for item in as_list(raw, what)]
    if len(items) != 3:
        raise EntryError(f"{what} should have three values, one per step, found {len(items)}")
    return items[0], items[1], items[2]


def _check_years(group: str, years: list[int]) -> None:
    """Each age group covers consecutive years from the first, so every year in between has a rule."""
    if years != list(range(FIRST_YEAR, FIRST_YEAR + len(years))) or not years:
        raise EntryError(f"the {group} rules should cover consecutive years from {FIRST_YEAR}, found {years}")
