"""Why expenses grow: hand-worked decompositions, and the parts always adding up to the change."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispo.engine.growth import PARTS, decompose

SCHEMA = {
    "paragraph": pl.String,
    "provider_type": pl.String,
    "price_basis": pl.String,
    "forecast": pl.Float64,
    "fte": pl.Float64,
}


def year(*rows: tuple[str, str, float, float]) -> pl.DataFrame:
    """Per-grant rows: (paragraph, provider type or 'engang' for a one-off, cost, årsværk)."""
    return pl.DataFrame(
        [
            {
                "paragraph": p,
                "provider_type": t,
                "price_basis": "engang" if t == "engang" else "dag",
                "forecast": c,
                "fte": f,
            }
            for p, t, c, f in rows
        ],
        schema=SCHEMA,
    )


BEFORE = year(
    ("SEL108", "privat", 1_000_000, 1),
    ("SEL108", "privat", 1_000_000, 1),
    ("SEL108", "egen", 600_000, 1),
    ("SEL108", "egen", 600_000, 1),
)


def parts(before: pl.DataFrame, after: pl.DataFrame) -> dict[str, float]:
    return decompose(before, after, ["paragraph"], "provider_type").row(0, named=True)


def test_more_private_places_at_a_higher_price_is_mix_and_price_not_volume() -> None:
    # Before: 4 årsværk at an average 800,000 (2 private at 1.0 mio., 2 own at 0.6 mio.) = 3.2 mio.
    # After: 3 private at 1.1 mio., 1 own at 0.6 mio. = 3.9 mio.; still 4 årsværk.
    # mix = 4 × ((0.75 − 0.5) × 1,000,000 + (0.25 − 0.5) × 600,000) = 400,000
    # price = 4 × 0.75 × 100,000 = 300,000
    after = year(
        ("SEL108", "privat", 1_100_000, 1),
        ("SEL108", "privat", 1_100_000, 1),
        ("SEL108", "privat", 1_100_000, 1),
        ("SEL108", "egen", 600_000, 1),
    )
    row = parts(BEFORE, after)
    assert (row["before"], row["after"], row["change"]) == pytest.approx((3_200_000, 3_900_000, 700_000))
    assert row["volume"] == pytest.approx(0)
    assert row["mix"] == pytest.approx(400_000)
    assert row["price"] == pytest.approx(300_000)
    assert row["other"] == pytest.approx(0)


def test_a_new_kind_of_provider_adds_volume_and_mix_but_no_price() -> None:
    # A region place of 900,000 added: volume (5 − 4) × 800,000 = 800,000;
    # mix = 5 × (−0.1 × 1,000,000 − 0.1 × 600,000 + 0.2 × 900,000) = 100,000.
    after = pl.concat([BEFORE, year(("SEL108", "region", 900_000, 1))])
    row = parts(BEFORE, after)
    assert row["change"] == pytest.approx(900_000)
    assert (row["volume"], row["mix"], row["price"]) == pytest.approx((800_000, 100_000, 0))


def test_one_offs_and_payments_without_days_are_other() -> None:
    after = pl.concat([BEFORE, year(("SEL108", "engang", 50_000, 0), ("SEL108", "anden_kommune", 20_000, 0))])
    row = parts(BEFORE, after)
    assert row["other"] == pytest.approx(70_000)
    assert row["change"] == pytest.approx(70_000)


def test_a_paragraph_new_this_year_is_all_volume() -> None:
    after = pl.concat([BEFORE, year(("SEL107", "egen", 300_000, 0.5))])
    table = decompose(BEFORE, after, ["paragraph"], "provider_type")
    new = table.filter(pl.col("paragraph") == "SEL107").row(0, named=True)
    assert (new["before"], new["volume"], new["mix"], new["price"]) == pytest.approx((0, 300_000, 0, 0))


rows = st.lists(
    st.tuples(
        st.sampled_from(["SEL85", "SEL108"]),
        st.sampled_from(["privat", "egen", "region", "engang"]),
        st.floats(0, 2e6, allow_nan=False),
        st.sampled_from([0.0, 0.25, 0.5, 1.0]),
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(before=rows, after=rows)
def test_the_parts_always_sum_to_the_change(
    before: list[tuple[str, str, float, float]], after: list[tuple[str, str, float, float]]
) -> None:
    table = decompose(year(*before), year(*after), ["paragraph"], "provider_type")
    for row in table.iter_rows(named=True):
        assert sum(row[p] for p in PARTS) == pytest.approx(row["change"], abs=1e-3)
        assert row["change"] == pytest.approx(row["after"] - row["before"], abs=1e-6)
