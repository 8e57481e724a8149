"""The forecast tables users ask for: by paragraph, grant, citizen, step, provider type, caseworker, unit."""

from __future__ import annotations

from datetime import date

import polars as pl

from dispo.domain.reimbursement import SdeRule, UnknownSdeRule, sde_rule
from dispo.domain.vat import VAT_COMPENSATION_RATE
from dispo.engine.aggregate import in_year, summarise
from dispo.engine.catalogue import paragraph_table
from dispo.engine.catalogue import step_table as default_steps
from dispo.engine.forecast import GRANT_COLUMNS, forecast_months, per_grant
from dispo.engine.net import NET_COLUMNS, NetRules, net_by_grant
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
FORECAST_TABLES = ("grants", "payments", "rates", "budgets", "providers")
"""The tables `forecast_table` reads (and the citizens for the net figures): what a command loads for it."""
BUDGET_KEYS = ("year", "target_group", "paragraph", "unit_id")
TABLE_COLUMNS = ("budget", "forecast", "diff", "grants", "fte", "avg_price", "citizens")
"""The stable layout of every dimension table after its key columns (gross kroner)."""
TABLE_LABELS = {
    "budget": "Budget",
    "forecast": "Forventet",
    "diff": "Diff. i forhold til budget",
    "grants": "Antal indsatser",
    "fte": "Beregnet årsværk",
    "avg_price": "Gennemsnitspris pr. år",
    "citizens": "Unik cpr",
}
"""The Danish headings of TABLE_COLUMNS, as the seed's follow-up table names them (downloads use them)."""
GRANT_LINE_COLUMNS = (
    "price_basis",
    "rate",
    "hours_per_week",
    "start",
    "end",
    "status",
    "probability",
    "actual_to_date",
    "remaining",
    "forecast",
    "fte",
)
"""A grant's terms and its figures for the year, as the person-level downloads list them after their keys."""


def _rule(year: int, group: str) -> SdeRule:
    """The year's SDE rule; a year outside the scheme's data reimburses nothing rather than guessing."""
    try:
        return sde_rule(year, group)
    except UnknownSdeRule:
        never = float("inf")
        return SdeRule(year, group, (never, never, never), (0.0, 0.0, 0.0), "no rule for the year", True)


def net_rules(year: int, municipality: str, vat_rate: float = VAT_COMPENSATION_RATE) -> NetRules:
    return NetRules(municipality, vat_rate, _rule(year, "voksne"), _rule(year, "boern"))


def grant_forecast(ledger: Ledger, year: int, as_of: date) -> pl.DataFrame:
    """The per-grant forecast (stable layout: grant_id, actual_to_date, remaining, forecast, fte)."""
    return _per_grant(ledger, year, as_of).select(GRANT_COLUMNS).collect()


def _months(ledger: Ledger, year: int, as_of: date) -> pl.LazyFrame:
    return forecast_months(ledger["grants"], ledger["payments"], ledger["rates"], year, as_of)


def _per_grant(ledger: Ledger, year: int, as_of: date) -> pl.LazyFrame:
    return per_grant(_months(ledger, year, as_of), ledger["grants"], year)


def ledger_frame(
    ledger: Ledger, year: int, as_of: date, municipality: str | None = None, steps: pl.DataFrame | None = None
) -> pl.LazyFrame:
    """The per-grant forecast of the year joined with every attribute a report groups by; with the
    gross-to-net columns (NET_COLUMNS, kroner for the year) when the `municipality` whose net it is is given.
    The grant's own payment per month is `own_payment_per_month`; `rate` is the rate valid on `as_of`.
    `steps` places each paragraph on a step per target group (the shape of `engine.catalogue.step_table`): the
    stored ledger passes the models in effect (`services.staircases.step_table`); without it, a ledger read
    from files stands on the shipped default steps."""
    months = _months(ledger, year, as_of).cache()
    grants = ledger["grants"]
    frame = per_grant(months, grants, year)
    if municipality is not None:
        net = net_by_grant(
            months, grants, ledger["providers"], ledger["citizens"], paragraph_table(), net_rules(year, municipality)
        )
        frame = frame.join(net, on="grant_id", how="left").with_columns(pl.col(NET_COLUMNS).fill_null(0.0))
    providers = ledger["providers"].select("provider_id", "provider_type").lazy()
    return in_year(
        frame.join(grants.lazy().rename({"own_payment": "own_payment_per_month"}), on="grant_id")
        .join(current_rates(ledger, as_of), on="grant_id", how="left")
        .with_columns(rate=pl.coalesce("current_rate", "rate"))
        .drop("current_rate")
        .join(providers, on="provider_id", how="left")
        .join(paragraph_table().lazy(), on="paragraph", how="left")
        .join((default_steps() if steps is None else steps).lazy(), on=["paragraph", "target_group"], how="left")
    )


def current_rates(ledger: Ledger, as_of: date) -> pl.LazyFrame:
    """Per grant with rate changes, the rate valid on `as_of` (the latest change on or before it)."""
    return (
        ledger["rates"]
        .lazy()
        .filter(pl.col("valid_from") <= as_of)
        .sort("valid_from")
        .group_by("grant_id")
        .agg(pl.col("rate").last().alias("current_rate"))
    )


def forecast_table(
    ledger: Ledger,
    year: int,
    as_of: date,
    by: str,
    municipality: str | None = None,
    steps: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The forecast summed by one dimension, with the budget where the dimension has one. The columns are
    the dimension's keys, then TABLE_COLUMNS, then the gross-to-net columns when `municipality` is given.
    `steps` as for `ledger_frame`."""
    if by == "grant":
        return grant_forecast(ledger, year, as_of)
    keys = DIMENSIONS[by]
    budgets = None
    if all(k in BUDGET_KEYS for k in keys):
        budgets = ledger["budgets"].filter(pl.col("year") == year)
    net = list(NET_COLUMNS) if municipality is not None else []
    table = summarise(ledger_frame(ledger, year, as_of, municipality, steps), keys, budgets)
    return table.select(*keys, *TABLE_COLUMNS, *net).collect()
