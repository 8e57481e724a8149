"""The seed's Varde § 108 list for 2021: start and end date → årsværk, by dispo's inclusive convention.

The seed's spreadsheet shows 0.24 for 01-01-2021..31-03-2021 because it computes the year fraction from
`end − start` (89 days, YEARFRAC-style) and so drops the last day of every grant. dispo counts both ends: 90
days / 365 = 0.2466, which rounds to 0.25. The difference is one day per grant: 0.27 % of a full year, and for
a list of 33 places about 0.1 årsværk. The spreadsheet's full-year rows show 1 only because 364/365 = 0.997
rounds up.
"""

from __future__ import annotations

from datetime import date

import pytest
from support.frames import grants, payments, rates

from dispo.engine.forecast import forecast_grants

# (start, end, the seed's value, dispo's inclusive days)
VARDE_2021 = [
    (date(2021, 1, 1), date(2021, 3, 31), 0.24, 90),
    (date(2021, 1, 1), date(2021, 12, 31), 1.0, 365),
    (date(2021, 5, 1), date(2021, 12, 31), 0.67, 245),
    (date(2021, 4, 6), date(2021, 12, 31), 0.74, 270),
]


@pytest.mark.parametrize(("start", "end", "seed_value", "days"), VARDE_2021)
def test_varde_row_in_arsvaerk(start: date, end: date, seed_value: float, days: int) -> None:
    g = grants({"grant_id": "g", "price_basis": "dag", "rate": 1000, "start": start, "end": end})
    fte = forecast_grants(g, payments(), rates(), 2021, date(2021, 12, 31))["fte"][0]
    assert fte == pytest.approx(days / 365)
    exclusive = (end - start).days / 365
    assert round(exclusive, 2) == seed_value
    assert fte - exclusive == pytest.approx(1 / 365)


def test_the_first_quarter_is_a_quarter_year_not_0_24() -> None:
    g = grants(
        {"grant_id": "g", "price_basis": "dag", "rate": 1000, "start": date(2021, 1, 1), "end": date(2021, 3, 31)}
    )
    assert round(forecast_grants(g, payments(), rates(), 2021, date(2021, 12, 31))["fte"][0], 2) == 0.25
