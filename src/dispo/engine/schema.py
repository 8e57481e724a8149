"""The engine's input tables: column names and types.

These are the canonical tables of docs/data-formats.md as Polars schemas. The CSV reader in
`dispo.services.canonical` validates files against them; the engine trusts them.
"""

from __future__ import annotations

import polars as pl

GRANTS: dict[str, type[pl.DataType] | pl.DataType] = {
    "grant_id": pl.String,
    "citizen_id": pl.String,
    "case_id": pl.String,
    "paragraph": pl.String,
    "target_group": pl.String,
    "provider_id": pl.String,
    "price_basis": pl.String,
    "rate": pl.Float64,
    "hours_per_week": pl.Float64,
    "start": pl.Date,
    "end": pl.Date,
    "status": pl.String,
    "probability": pl.Float64,
    "acting_municipality": pl.String,
    "paying_municipality": pl.String,
    "own_payment": pl.Float64,
    "caseworker_id": pl.String,
    "unit_id": pl.String,
}

RATES: dict[str, type[pl.DataType] | pl.DataType] = {
    "grant_id": pl.String,
    "valid_from": pl.Date,
    "rate": pl.Float64,
}

PAYMENTS: dict[str, type[pl.DataType] | pl.DataType] = {
    "grant_id": pl.String,
    "service_month": pl.String,
    "booked_on": pl.Date,
    "amount": pl.Float64,
}

BUDGETS: dict[str, type[pl.DataType] | pl.DataType] = {
    "year": pl.Int32,
    "target_group": pl.String,
    "paragraph": pl.String,
    "unit_id": pl.String,
    "amount": pl.Float64,
}

CITIZENS: dict[str, type[pl.DataType] | pl.DataType] = {
    "citizen_id": pl.String,
    "cpr": pl.String,
    "birth_date": pl.Date,
    "sex": pl.String,
    "household_id": pl.String,
}

PROVIDERS: dict[str, type[pl.DataType] | pl.DataType] = {
    "provider_id": pl.String,
    "name": pl.String,
    "provider_type": pl.String,
    "municipality": pl.String,
}

UNITS: dict[str, type[pl.DataType] | pl.DataType] = {
    "unit_id": pl.String,
    "name": pl.String,
    "parent_id": pl.String,
}

CASEWORKERS: dict[str, type[pl.DataType] | pl.DataType] = {
    "caseworker_id": pl.String,
    "name": pl.String,
    "unit_id": pl.String,
}

TABLES: dict[str, dict[str, type[pl.DataType] | pl.DataType]] = {
    "citizens": CITIZENS,
    "providers": PROVIDERS,
    "units": UNITS,
    "caseworkers": CASEWORKERS,
    "grants": GRANTS,
    "rates": RATES,
    "payments": PAYMENTS,
    "budgets": BUDGETS,
}
"""Every canonical table in dependency order: a table only refers to tables before it."""


def empty(table: str) -> pl.DataFrame:
    """An empty frame of a canonical table, for optional inputs that were not given."""
    return pl.DataFrame(schema=TABLES[table])


POSTINGS: dict[str, type[pl.DataType] | pl.DataType] = {
    "account_function": pl.String,
    "period": pl.String,
    "booked_on": pl.Date,
    "amount": pl.Float64,
    "account": pl.String,
    "voucher": pl.String,
    "cpr": pl.String,
    "text": pl.String,
}
"""Postings from the finance system (Prisme, Opus …): what was booked on each function of the chart of accounts.

Not a ledger table (not in `TABLES`): a posting belongs to an account, not to a grant, so the forecast never
reads it; it is the third source of the ottetals-kontrol beside the case system's grants and the settlement
system's payments. See docs/data-formats.md, postings.csv.
"""
