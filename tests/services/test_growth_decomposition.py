"""Why expenses grow, per paragraph with provider type × step as the mix: hand-worked, and always adding up."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispo.engine.growth import PARTS
from dispo.services.growth import decomposition, total

pytestmark = pytest.mark.django_db
SCHEMA = {
    "paragraph": pl.String,
    "target_group": pl.String,
    "provider_type": pl.String,
    "price_basis": pl.String,
    "forecast": pl.Float64,
    "fte": pl.Float64,
}


def year(*rows: tuple[str, str, float, float]) -> pl.DataFrame:
    """Per-grant rows of adults with disabilities: (paragraph, provider type, cost, årsværk)."""
    return pl.DataFrame(
        [
            {
                "paragraph": p,
                "target_group": "handicap",
                "provider_type": t,
                "price_basis": "dag",
                "forecast": c,
                "fte": f,
            }
            for p, t, c, f in rows
        ],
        schema=SCHEMA,
    )


def test_places_moved_from_own_to_private_providers_are_mix() -> None:
    # § 108 (step 5): 2 own places at 600,000 → 1 own at 600,000 and 1 private at 1,000,000.
    # volume 0 (2 årsværk both years); mix = 2 × (0.5 × 1,000,000 − 0.5 × 600,000) = 400,000; price 0.
    before = year(("SEL108", "egen", 600_000, 1), ("SEL108", "egen", 600_000, 1))
    after = year(("SEL108", "egen", 600_000, 1), ("SEL108", "privat", 1_000_000, 1))
    row = decomposition(before, after).row(0, named=True)
    assert (row["change"], row["volume"], row["mix"], row["price"]) == pytest.approx((400_000, 0, 400_000, 0))


def test_a_dearer_place_at_the_same_provider_type_is_price() -> None:
    # § 85 (step 3), own: 1 årsværk at 180,000 → 1 at 190,000 and half an årsværk more at the new price.
    # volume = 0.5 × 180,000 = 90,000; price = 1.5 × 10,000 = 15,000; together 285,000 − 180,000 = 105,000.
    before = year(("SEL85", "egen", 180_000, 1))
    after = year(("SEL85", "egen", 190_000, 1), ("SEL85", "egen", 95_000, 0.5))
    row = decomposition(before, after).row(0, named=True)
    assert (row["change"], row["volume"], row["mix"], row["price"]) == pytest.approx((105_000, 90_000, 0, 15_000))


rows = st.lists(
    st.tuples(
        st.sampled_from(["SEL85", "SEL108", "SEL107"]),
        st.sampled_from(["egen", "privat", "region"]),
        st.floats(0, 2e6, allow_nan=False),
        st.sampled_from([0.0, 0.5, 1.0]),
    ),
    max_size=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=rows, after=rows)
def test_the_parts_of_every_paragraph_and_of_the_total_sum_to_the_change(
    before: list[tuple[str, str, float, float]], after: list[tuple[str, str, float, float]]
) -> None:
    table = decomposition(year(*before), year(*after))
    for row in table.iter_rows(named=True):
        assert sum(row[p] for p in PARTS) == pytest.approx(row["change"], abs=1e-3)
    sums = total(table)
    assert sum(sums[p] for p in PARTS) == pytest.approx(sums["change"], abs=1e-3)
    assert sums["change"] == pytest.approx(sum(c for *_, c, _ in after) - sum(c for *_, c, _ in before), abs=1e-3)
