"""The caseworkers' caseloads (sagsstamme): the overview of every caseworker and one caseworker's report.

The seed's Sagsoversigt lists per caseworker the number of citizens and the caseload in kroner, to make each
caseworker's economy visible to them and their leader; the Sagsbehandlerrapport then lists the caseworker's own
citizens with their economy, and the grants about to stop, which the monthly case review asks about
("Sager/indsatser med stopdatoer": extend, replace, or have the contracts been terminated?).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import polars as pl

from dispo.engine.aggregate import summarise

NO_CASEWORKER = "Uden sagsbehandler"
OVERVIEW_COLUMNS = (
    "caseworker_id",
    "name",
    "unit",
    "citizens",
    "grants",
    "forecast",
    "actual_to_date",
    "remaining",
    "fte",
)
CITIZEN_COLUMNS = ("citizen_id", "cpr", "grants", "actual_to_date", "remaining", "forecast", "fte")
ENDING_COLUMNS = (
    "grant_id",
    "citizen_id",
    "cpr",
    "paragraph",
    "provider",
    "price_basis",
    "rate",
    "start",
    "end",
    "forecast",
)
ENDING_WITHIN_MONTHS = 3


def caseworker_overview(
    grants: pl.DataFrame,
    caseworkers: pl.DataFrame,
    units: pl.DataFrame,
    only: Collection[str] | None = None,
) -> pl.DataFrame:
    """One row per caseworker: unit, distinct citizens, grants, caseload (gross forecast), actual to date,
    the rest of the year and årsværk, sorted by name.

    Every caseworker gets a row, with zeros if they have no grant in the year, as the seed's list shows them.
    With `only` (a leader's caseworkers) the other caseworkers are left out; without it, grants with no
    caseworker form a last row of their own, so the rows add up to the whole ledger.
    """
    names = caseworkers.join(units.select("unit_id", unit="name"), on="unit_id", how="left").select(
        "caseworker_id", "name", "unit"
    )
    if only is not None:
        names = names.filter(pl.col("caseworker_id").is_in(list(only)))
    sums = summarise(in_scope(grants, only), ["caseworker_id"]).collect()
    counts = ["citizens", "grants"]
    money = ["forecast", "actual_to_date", "remaining", "fte"]
    return (
        names.join(sums, on="caseworker_id", how="full", coalesce=True)
        .with_columns(
            pl.col(counts).fill_null(0),
            pl.col(money).fill_null(0.0),
            name=pl.col("name").fill_null(NO_CASEWORKER),
        )
        .sort(pl.col("caseworker_id").is_null(), "name", "caseworker_id")
        .select(OVERVIEW_COLUMNS)
    )


def in_scope(grants: pl.DataFrame, only: Collection[str] | None) -> pl.DataFrame:
    """The grants of the caseworkers `only` (all grants, with or without a caseworker, when None)."""
    return grants if only is None else grants.filter(pl.col("caseworker_id").is_in(list(only)))


def caseworker_citizens(grants: pl.DataFrame, citizens: pl.DataFrame, caseworker_id: str) -> pl.DataFrame:
    """Per citizen of the caseworker's grants: masked CPR, grants, actual to date, rest of year, forecast and
    årsværk of those grants (a citizen's grants from other caseworkers belong to their caseloads), largest
    forecast first."""
    own = grants.filter(pl.col("caseworker_id") == caseworker_id)
    return (
        summarise(own, ["citizen_id"])
        .collect()
        .join(citizens.select("citizen_id", "cpr"), on="citizen_id", how="left")
        .sort(["forecast", "cpr"], descending=[True, False])
        .select(CITIZEN_COLUMNS)
    )


def ending_grants(
    grants: pl.DataFrame,
    citizens: pl.DataFrame,
    providers: pl.DataFrame,
    caseworker_id: str,
    as_of: date,
) -> pl.DataFrame:
    """The caseworker's grants whose last day falls from `as_of` to three months after it, first ending first:
    the seed's "stop dates" to settle at the case review."""
    last_day = pl.lit(as_of).dt.offset_by(f"{ENDING_WITHIN_MONTHS}mo")
    return (
        grants.filter((pl.col("caseworker_id") == caseworker_id) & pl.col("end").is_between(pl.lit(as_of), last_day))
        .join(citizens.select("citizen_id", "cpr"), on="citizen_id", how="left")
        .join(providers.select("provider_id", provider="name"), on="provider_id", how="left")
        .sort("end", "cpr", "grant_id")
        .select(ENDING_COLUMNS)
    )
