"""The rules of the central reimbursement scheme for expensive single cases, by year and age group."""

from __future__ import annotations

import pytest

from dispo.domain.datafile import DataFileError
from dispo.domain.price_index import regulate
from dispo.domain.reimbursement import (
    ADULT_AGE_LIMIT,
    FIRST_YEAR,
    UnknownSdeRule,
    parse_sde_rules,
    sde_rule,
)

YEARS = range(2021, 2028)


def test_2021_has_the_published_thresholds_of_the_three_step_scheme() -> None:
    rule = sde_rule(2021, "voksne")
    assert rule.thresholds == (850_000, 1_660_000, 2_090_000)
    assert rule.shares == (0.25, 0.50, 0.75)
    assert not rule.estimated


def test_2022_has_the_amounts_written_in_the_law() -> None:
    assert sde_rule(2022, "voksne").thresholds == (860_000, 1_680_000, 2_120_000)
    assert "§ 176" in sde_rule(2022, "voksne").source


@pytest.mark.parametrize("year", YEARS)
def test_children_share_the_adults_thresholds_and_every_year_reimburses_25_50_75_percent(year: int) -> None:
    adults, children = sde_rule(year, "voksne"), sde_rule(year, "boern")
    assert children.thresholds == adults.thresholds
    assert adults.shares == children.shares == (0.25, 0.50, 0.75)


@pytest.mark.parametrize("year", range(2023, 2028))
def test_a_year_not_yet_found_published_is_the_2022_level_regulated_by_the_price_index(year: int) -> None:
    for group in ("voksne", "boern"):
        rule = sde_rule(year, group)
        expected = tuple(round(regulate(t, 2022, year) / 10_000) * 10_000 for t in sde_rule(2022, group).thresholds)
        assert rule.estimated
        assert rule.thresholds == expected


def test_the_adult_age_limit_is_67() -> None:
    assert ADULT_AGE_LIMIT == 67


def test_a_year_before_the_three_step_scheme_is_refused() -> None:
    with pytest.raises(UnknownSdeRule, match=f"no SDE rule for 2020.*from {FIRST_YEAR}"):
        sde_rule(2020, "voksne")


def test_a_year_beyond_the_file_says_where_to_add_it() -> None:
    with pytest.raises(UnknownSdeRule, match=r"sde_thresholds\.yaml covers 2021-2027"):
        sde_rule(2031, "boern")


def test_an_unknown_age_group_is_refused() -> None:
    with pytest.raises(UnknownSdeRule, match="unknown age group 'aeldre'"):
        sde_rule(2022, "aeldre")


def _rule(year: int, group: str = "voksne", **changes: object) -> dict[str, object]:
    rule: dict[str, object] = {
        "year": year,
        "age_group": group,
        "thresholds": [860_000, 1_680_000, 2_120_000],
        "shares": [0.25, 0.5, 0.75],
        "estimated": False,
        "source": "SEL § 176",
    }
    rule.update(changes)
    return rule


def test_a_valid_minimal_rules_document_parses() -> None:
    rules = parse_sde_rules({"rules": [_rule(2021), _rule(2021, "boern")]})
    assert rules[2021, "boern"].thresholds == (860_000.0, 1_680_000.0, 2_120_000.0)


def test_thresholds_that_do_not_increase_are_refused() -> None:
    document = {"rules": [_rule(2021, thresholds=[900_000, 800_000, 2_000_000]), _rule(2021, "boern")]}
    with pytest.raises(DataFileError, match="should be positive and increasing"):
        parse_sde_rules(document)


def test_a_missing_year_between_two_rules_is_refused() -> None:
    document = {"rules": [_rule(2021), _rule(2023), _rule(2021, "boern"), _rule(2022, "boern"), _rule(2023, "boern")]}
    with pytest.raises(
        DataFileError, match=r"voksne rules should cover consecutive years from 2021, found \[2021, 2023\]"
    ):
        parse_sde_rules(document)


def test_two_rules_for_the_same_year_and_group_are_refused() -> None:
    with pytest.raises(DataFileError, match="a second rule for 2021 voksne"):
        parse_sde_rules({"rules": [_rule(2021), _rule(2021), _rule(2021, "boern")]})
