"""The VAT compensation on services bought from private providers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispo.domain.vat import VAT_COMPENSATION_RATE, vat_compensation


def test_the_compensation_is_5_percent_of_the_gross_price() -> None:
    assert VAT_COMPENSATION_RATE == 0.05
    assert vat_compensation(1_030_000.0) == pytest.approx(51_500.0)


def test_a_municipality_can_set_another_rate() -> None:
    assert vat_compensation(2_014.0, rate=0.0) == 0.0
    assert vat_compensation(200_000.0, rate=0.04) == pytest.approx(8_000.0)


@pytest.mark.parametrize("rate", [-0.05, 1.0, 5.0])
def test_a_rate_that_is_not_a_fraction_is_refused(rate: float) -> None:
    with pytest.raises(ValueError, match="should be a fraction"):
        vat_compensation(100.0, rate=rate)


@given(st.floats(min_value=0, max_value=1e9), st.floats(min_value=0, max_value=1e9))
def test_the_compensation_of_two_prices_is_the_sum_of_their_compensations(first: float, second: float) -> None:
    assert vat_compensation(first + second) == pytest.approx(vat_compensation(first) + vat_compensation(second))
