"""The forecast tables users ask for: by paragraph, grant, citizen, step, provider type, caseworker, unit."""

from __future__ import annotations

from datetime import date

import polars as pl

from dispo.engine.aggregate import in_year, summarise
from dispo.engine.catalogue import paragraph_table, step_table
from dispo.engine.forecast import GRANT_COLUMNS, forecast_grants
from dispo.services.ledger import Ledger

DIMENSIONS: dict[str, list[str]] = {
    "paragraph": ["paragraph"],
    "citizen": ["citizen_id"],
    "step": ["target_group", "step"],
    "provider-type": ["provider_type"],
    "caseworker": ["caseworker_id"],
    "unit": ["unit_id"],
    "target-group": ["target_group"],
    "account-function": ["account_function"],
    "category": ["target_group", "category"],
}
BUDGET_KEYS = ("year", "target_group", "paragraph", "unit_id")


def grant_forecast(ledger: Ledger, year: int, as_of: date) -> pl.DataFrame:
    """The per-grant forecast (stable layout: grant_id, actual_to_date, remaining, forecast, fte)."""
    result = forecast_grants(ledger["grants"], ledger["payments"], ledger["rates"], year, as_of)
    return result.select(GRANT_COLUMNS)


def ledger_frame(ledger: Ledger, year: int, as_of: date) -> pl.LazyFrame:
    """The per-grant forecast of the year joined with every attribute a report groups by."""
    per_grant = forecast_grants(ledger["grants"], ledger["payments"], ledger["rates"], year, as_of)
    providers = ledger["providers"].select("provider_id", "provider_type").lazy()
    return in_year(
        per_grant.lazy()
        .join(ledger["grants"].lazy().drop("rate"), on="grant_id")
        .join(providers, on="provider_id", how="left")
        .join(paragraph_table().lazy(), on="paragraph", how="left")
        .join(step_table().lazy(), on=["paragraph", "target_group"], how="left")
    )


def forecast_table(ledger: Ledger, year: int, as_of: date, by: str) -> pl.DataFrame:
    """The forecast summed by one dimension, with the budget where the dimension has one."""
    if by == "grant":
        return grant_forecast(ledger, year, as_of)
    keys = DIMENSIONS[by]
    budgets = None
    if all(k in BUDGET_KEYS for k in keys):
        budgets = ledger["budgets"].filter(pl.col("year") == year)
    return summarise(ledger_frame(ledger, year, as_of), keys, budgets).collect()
