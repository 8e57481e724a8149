"""Who handles a grant: its provider, caseworker, unit and case, and the acting and paying municipality."""

from __future__ import annotations

import numpy as np
import polars as pl

from .grants import PROVIDER_TYPES
from .ids import numbered, width
from .organisation import GROUP_UNIT, Market, Staff

PROVIDER_SKEW = 1.6
"""Providers are picked as u ** PROVIDER_SKEW within their block, so the first ones are the large ones."""


def assign(
    rng: np.random.Generator,
    grants: pl.DataFrame,
    citizens: pl.DataFrame,
    staff: Staff,
    market: Market,
    code: str,
    others: tuple[str, ...],
) -> pl.DataFrame:
    """The grants with grant_id, citizen_id, provider_id, caseworker_id, unit_id, case_id and municipalities.

    A provider comes from the block of its kind and provider type; a citizen has one caseworker per unit.
    """
    keys = list(market.first)
    providers = pl.DataFrame(
        {
            "kind": [kind for kind, _ in keys],
            "ptype": [PROVIDER_TYPES.index(ptype) for _, ptype in keys],
            "pfirst": [market.first[key] for key in keys],
            "pcount": [market.count[key] for key in keys],
        },
        schema={"kind": pl.String, "ptype": pl.Int8, "pfirst": pl.Int64, "pcount": pl.Int64},
    )
    provider_ids = market.frame.select(pl.int_range(pl.len()).alias("pindex"), "provider_id")
    staff_ids = staff.frame.select(pl.int_range(pl.len()).alias("cindex"), "caseworker_id")
    units = pl.DataFrame(
        {
            "target_group": list(GROUP_UNIT),
            "unit": list(GROUP_UNIT.values()),
            "cfirst": [staff.first[unit] for unit in GROUP_UNIT.values()],
            "ccount": [staff.count[unit] for unit in GROUP_UNIT.values()],
        }
    )
    digits = width(citizens.height)
    assigned = (
        grants.with_columns(u=pl.Series(rng.random(grants.height)))
        .join(providers, on=["kind", "ptype"], how="left", maintain_order="left")
        .with_columns(pindex=pl.col("pfirst") + (pl.col("u") ** PROVIDER_SKEW * pl.col("pcount")).cast(pl.Int64))
        .join(provider_ids, on="pindex", how="left", maintain_order="left")
        .join(units, on="target_group", how="left", maintain_order="left")
        .join(
            citizens.select("citizen", "citizen_id", "pick", "number"), on="citizen", how="left", maintain_order="left"
        )
        .with_columns(cindex=pl.col("cfirst") + (pl.col("pick") * pl.col("ccount")).cast(pl.Int64))
        .join(staff_ids, on="cindex", how="left", maintain_order="left")
        .with_columns(
            grant_id=numbered(f"{code}-G", pl.col("gkey"), width(grants.height)),
            case_id=pl.concat_str(numbered(f"{code}-S", pl.col("number"), digits), pl.lit("-"), "unit"),
            unit_id=pl.concat_str(pl.lit(f"{code}-"), "unit"),
        )
    )
    other = pl.Series(list(others)).gather((assigned["other"] % len(others)).cast(pl.UInt32))
    return assigned.with_columns(
        acting_municipality=pl.when(pl.col("moved") == 2).then(other).otherwise(pl.lit(code)),
        paying_municipality=pl.when(pl.col("moved") == 1).then(other).otherwise(pl.lit(code)),
    )
