"""The forecast's month table at the edges of the year: grants that ended before it, payments after a grant's
end, rate changes after the year, and grant ids that are not in the order of the grants."""

from __future__ import annotations

from datetime import date

import pytest
from support.frames import d, grants, payments, rates

from dispo.engine.forecast import forecast_grants, forecast_months

YEAR, AS_OF = 2025, date(2025, 6, 30)


def test_a_late_payment_for_a_grant_that_ended_before_the_year_counts_in_its_service_month() -> None:
    # g1 ended 2024-12-31: no computed day in 2025; January 2025 was paid once more (late stop), 3,100 kr.
    ended = {"start": d("2024-01-01"), "end": d("2024-12-31")}
    g = grants({"grant_id": "g1", "price_basis": "dag", "rate": 100.0, **ended})
    p = payments({"grant_id": "g1", "service_month": "2025-01", "booked_on": d("2025-01-05"), "amount": 3100.0})
    months = forecast_months(g, p, rates(), YEAR, AS_OF).collect()
    assert months.select("grant_id", "month", "days", "booked", "forecast").rows() == [
        ("g1", date(2025, 1, 1), 0.0, 3100.0, 3100.0)
    ]
    per_grant = forecast_grants(g, p, rates(), YEAR, AS_OF).row(0, named=True)
    assert per_grant["forecast"] == pytest.approx(3100.0)
    assert per_grant["fte"] == 0.0
    assert per_grant["active"] is False


def test_a_rate_change_after_the_year_leaves_the_year_at_the_rate_before_it() -> None:
    # 200 kr./day all of 2025 (the change to 999 kr. applies from 2026): 365 × 200 = 73,000.
    g = grants({"grant_id": "g1", "price_basis": "dag", "rate": 150.0, "start": d("2024-06-01")})
    r = rates(
        {"grant_id": "g1", "valid_from": d("2025-01-01"), "rate": 200.0},
        {"grant_id": "g1", "valid_from": d("2026-01-01"), "rate": 999.0},
    )
    result = forecast_grants(g, payments(), r, YEAR, AS_OF).row(0, named=True)
    assert result["forecast"] == pytest.approx(365 * 200.0)
    assert result["actual_to_date"] == pytest.approx(181 * 200.0)  # 1 January - 30 June: 181 days


def test_every_month_row_carries_its_own_grant_id_whatever_the_order_of_the_grants() -> None:
    # g2 (listed first) 10 kr./day, g1 20 kr./day, both all of March 2025 only: 310 and 620 kr.
    march = {"price_basis": "dag", "start": d("2025-03-01"), "end": d("2025-03-31")}
    g = grants({"grant_id": "g2", "rate": 10.0, **march}, {"grant_id": "g1", "rate": 20.0, **march})
    p = payments({"grant_id": "g1", "service_month": "2025-03", "booked_on": d("2025-03-02"), "amount": 600.0})
    months = forecast_months(g, p, rates(), YEAR, AS_OF).collect().sort("grant_id")
    assert months.select("grant_id", "computed", "forecast").rows() == [("g1", 620.0, 600.0), ("g2", 310.0, 310.0)]
