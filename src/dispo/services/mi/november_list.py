"""Novemberlisten: the grants where another municipality acts or pays, for the settlement between municipalities.

Named after the yearly check in November of the citizens who moved across municipal borders. Where another
municipality is the acting one (handlekommune) and we pay, we pay for "their" citizen; where another is the
paying one (betalingskommune), it pays for ours (the net column `other_municipality`). Both appear in one list
so the controller can check every claim in either direction.
"""

from __future__ import annotations

import polars as pl

COLUMNS = (
    "citizen_id",
    "cpr",
    "grant_id",
    "paragraph",
    "acting_municipality",
    "paying_municipality",
    "start",
    "end",
    "gross",
    "own_payment",
    "we_pay",
    "others_pay",
)


def november_list(grants: pl.DataFrame, citizens: pl.DataFrame, municipality: str) -> pl.DataFrame:
    """The year's grants whose acting or paying municipality is not `municipality`, by citizen.

    `we_pay` is our part of the gross after the citizen's own payment (nothing when another municipality
    pays); `others_pay` what the paying municipality bears. Per row gross = own payment + we_pay + others_pay.
    """
    ours = pl.lit(municipality)
    we_pay = pl.col("paying_municipality") == ours
    return (
        grants.filter((pl.col("acting_municipality") != ours) | ~we_pay)
        .join(citizens.select("citizen_id", "cpr"), on="citizen_id", how="left")
        .with_columns(
            we_pay=pl.when(we_pay).then(pl.col("gross") - pl.col("own_payment")).otherwise(0.0),
            others_pay=pl.col("other_municipality"),
        )
        .sort("cpr", "citizen_id", "start", "grant_id")
        .select(COLUMNS)
    )
