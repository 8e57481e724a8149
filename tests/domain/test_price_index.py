"""The P/L index for municipal service expenditure, and moving amounts between years by it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispo.domain.datafile import DataFileError
from dispo.domain.price_index import UnknownPriceIndexYear, parse_price_index, price_index, regulate

YEARS = st.integers(min_value=2019, max_value=2027)
AMOUNTS = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


def test_the_base_year_is_100() -> None:
    assert price_index(2019) == 100.0


def test_each_year_is_the_previous_year_grown_by_its_rate() -> None:
    document = {"base_year": 2019, "years": [_year(2020, 2.0), _year(2021, 3.0)]}
    assert parse_price_index(document) == {2019: 100.0, 2020: 102.0, 2021: pytest.approx(105.06)}


def test_regulating_the_2020_reimbursement_thresholds_to_2021_gives_the_published_2021_amounts() -> None:
    published_2021 = (850_000, 1_660_000, 2_090_000)
    level_2020 = (830_000, 1_630_000, 2_050_000)  # L 197 2019-20
    assert tuple(round(regulate(t, 2020, 2021) / 10_000) * 10_000 for t in level_2020) == published_2021


@given(AMOUNTS, YEARS, YEARS)
def test_regulating_there_and_back_returns_the_amount(amount: float, first: int, second: int) -> None:
    assert regulate(regulate(amount, first, second), second, first) == pytest.approx(amount, rel=1e-12, abs=1e-6)


@given(AMOUNTS, YEARS, YEARS, YEARS)
def test_regulating_through_a_year_between_is_the_same_as_directly(
    amount: float, first: int, between: int, last: int
) -> None:
    direct = regulate(amount, first, last)
    assert regulate(regulate(amount, first, between), between, last) == pytest.approx(direct, rel=1e-12, abs=1e-6)


def test_a_year_outside_the_index_says_which_years_are_covered() -> None:
    with pytest.raises(UnknownPriceIndexYear, match=r"no P/L index for 2018: price_index\.yaml covers 2019-2027"):
        regulate(1000.0, 2018, 2020)


def _year(year: int, change: object) -> dict[str, object]:
    return {"year": year, "change_pct": change, "estimated": True, "source": "test"}


def test_a_gap_in_the_years_is_refused() -> None:
    with pytest.raises(DataFileError, match=r"should run from 2020 one year at a time, found \[2020, 2022\]"):
        parse_price_index({"base_year": 2019, "years": [_year(2020, 2.0), _year(2022, 2.0)]})


def test_an_implausible_or_non_numeric_rate_is_refused() -> None:
    with pytest.raises(DataFileError) as refused:
        parse_price_index({"base_year": 2019, "years": [_year(2020, 45.0), _year(2021, True)]})
    assert len(refused.value.problems) == 2
    assert "implausible" in refused.value.problems[0]
    assert "change_pct should be a number" in refused.value.problems[1]
