"""The register of citizens: one row per citizen the grants refer to, with id, CPR number and household."""

from __future__ import annotations

import numpy as np
import polars as pl

from .ids import numbered, width
from .people import cpr_numbers, households
from .segments import CHILD_GROUPS


def register(
    rng: np.random.Generator, grants: pl.DataFrame, people: pl.DataFrame, code: str, block: tuple[float, float]
) -> pl.DataFrame:
    """Citizens numbered in order of their first grant: `citizen` (internal), `number`, the canonical columns,
    and `pick` (a uniform that picks the citizen's caseworker)."""
    order = grants.select("citizen").unique(maintain_order=True).with_row_index("number")
    is_child = (
        grants.group_by("citizen")
        .agg(pl.col("target_group").is_in(CHILD_GROUPS).any().alias("child"))
        .join(order, on="citizen")
        .sort("number")["child"]
        .to_numpy()
    )
    household = households(rng, is_child)
    pick = rng.random(order.height)
    return (
        order.join(people, on="citizen", how="left", maintain_order="left")
        .with_columns(
            citizen_id=numbered(f"{code}-C", pl.col("number"), width(order.height)),
            household=pl.Series(household),
            pick=pl.Series(pick),
        )
        .with_columns(
            cpr=cpr_numbers(pl.col("birth"), pl.col("male"), block),
            sex=pl.when(pl.col("male")).then(pl.lit("M")).otherwise(pl.lit("K")),
            household_id=pl.when(pl.col("household") > 0).then(numbered(f"{code}-H", pl.col("household") - 1, 5)),
            birth_date=pl.col("birth"),
        )
    )
