"""Writing validated canonical tables into the database: all or nothing, and the same data twice adds nothing.

Every table is upserted on its natural key in one transaction. Grants that are new or changed get a history row
saying so; unchanged ones get none, which is what makes a re-import a no-op.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Model

from dispo.domain import cpr as cpr_rules
from dispo.services import canonical
from dispo.services.ledger import Ledger
from dispo.store import models as m
from dispo.store.cpr import pseudonym
from dispo.store.loading import load_table
from dispo.store.models import LedgerVersion

BATCH = 5000
GRANT_FIELDS = (
    "paragraph",
    "target_group",
    "price_basis",
    "rate",
    "hours_per_week",
    "start",
    "end",
    "status",
    "probability",
    "acting_municipality",
    "paying_municipality",
    "own_payment",
    "citizen_id",
    "case_id",
    "provider_id",
    "caseworker_id",
    "unit_id",
)


@dataclass
class ImportResult:
    counts: dict[str, int] = field(default_factory=dict)
    grants_created: int = 0
    grants_changed: int = 0


def _keys(model: type[Model], key: str) -> dict[str, int]:
    return dict(model._default_manager.values_list(key, "id"))


def _upsert(model: type[Model], rows: Sequence[Model], unique: list[str], update: list[str]) -> None:
    model._default_manager.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=bool(update),
        unique_fields=unique,
        update_fields=update or None,
    )


def _blank(value: Any) -> Any:
    return "" if value is None else value


def _existing_keys() -> dict[str, list[str]]:
    return {
        "citizens": list(m.Citizen.objects.values_list("citizen_id", flat=True)),
        "providers": list(m.Provider.objects.values_list("provider_id", flat=True)),
        "units": list(m.OrgUnit.objects.values_list("unit_id", flat=True)),
        "caseworkers": list(m.Caseworker.objects.values_list("caseworker_id", flat=True)),
        "grants": list(m.Grant.objects.values_list("grant_id", flat=True)),
    }


def import_ledger(ledger: Ledger, user: str, reason: str) -> ImportResult:
    """Validate `ledger` against itself and what is stored, then write it in one transaction."""
    problems = canonical.reference_problems(dict(ledger.tables), _existing_keys())
    if problems:
        raise canonical.InvalidData(problems)
    result = ImportResult({t: f.height for t, f in ledger.tables.items()})
    with transaction.atomic():
        _import_units(ledger["units"])
        _import_caseworkers(ledger["caseworkers"])
        _import_providers(ledger["providers"])
        _import_citizens(ledger["citizens"])
        _import_grants(ledger["grants"], user, reason, result)
        _import_rates(ledger["rates"])
        _import_payments(ledger["payments"])
        _import_budgets(ledger["budgets"])
        LedgerVersion.bump()
    return result


def _import_units(units: pl.DataFrame) -> None:
    rows = [m.OrgUnit(unit_id=r["unit_id"], name=r["name"]) for r in units.iter_rows(named=True)]
    _upsert(m.OrgUnit, rows, ["unit_id"], ["name"])
    ids = _keys(m.OrgUnit, "unit_id")
    parents = [
        m.OrgUnit(id=ids[r["unit_id"]], unit_id=r["unit_id"], name=r["name"], parent_id=ids.get(r["parent_id"]))
        for r in units.iter_rows(named=True)
    ]
    m.OrgUnit.objects.bulk_update(parents, ["parent"], batch_size=BATCH)


def _import_caseworkers(caseworkers: pl.DataFrame) -> None:
    units = _keys(m.OrgUnit, "unit_id")
    rows = [
        m.Caseworker(caseworker_id=r["caseworker_id"], name=r["name"], unit_id=units[r["unit_id"]])
        for r in caseworkers.iter_rows(named=True)
    ]
    _upsert(m.Caseworker, rows, ["caseworker_id"], ["name", "unit"])


def _import_providers(providers: pl.DataFrame) -> None:
    rows = [
        m.Provider(
            provider_id=r["provider_id"],
            name=r["name"],
            provider_type=r["provider_type"],
            municipality=_blank(r["municipality"]),
        )
        for r in providers.iter_rows(named=True)
    ]
    _upsert(m.Provider, rows, ["provider_id"], ["name", "provider_type", "municipality"])


def _import_citizens(citizens: pl.DataFrame) -> None:
    rows = [
        m.Citizen(
            citizen_id=r["citizen_id"],
            cpr=r["cpr"],
            cpr_pseudonym=pseudonym(r["cpr"]),
            cpr_masked=cpr_rules.mask(r["cpr"]),
            birth_date=r["birth_date"],
            sex=_blank(r["sex"]),
            household_id=_blank(r["household_id"]),
        )
        for r in citizens.iter_rows(named=True)
    ]
    _upsert(
        m.Citizen,
        rows,
        ["citizen_id"],
        ["cpr", "cpr_pseudonym", "cpr_masked", "birth_date", "sex", "household_id"],
    )


def _grant_changes(grants: pl.DataFrame) -> tuple[set[str], dict[str, dict[str, list[Any]]]]:
    """The new grant ids, and per changed grant its fields' [old, new] values."""
    stored = load_table("grants").filter(pl.col("grant_id").is_in(grants["grant_id"].to_list()))
    new_ids = set(grants["grant_id"].to_list()) - set(stored["grant_id"].to_list())
    joined = grants.join(stored, on="grant_id", how="inner", suffix="__old")
    differs = pl.any_horizontal(pl.col(f).ne_missing(pl.col(f"{f}__old")) for f in GRANT_FIELDS)
    changed: dict[str, dict[str, list[Any]]] = {}
    for row in joined.filter(differs).iter_rows(named=True):
        changed[row["grant_id"]] = {
            f: [_json(row[f"{f}__old"]), _json(row[f])] for f in GRANT_FIELDS if row[f] != row[f"{f}__old"]
        }
    return new_ids, changed


def _json(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _import_grants(grants: pl.DataFrame, user: str, reason: str, result: ImportResult) -> None:
    if grants.is_empty():
        return
    grants = grants.with_columns(
        pl.col("rate", "probability").round(4), pl.col("hours_per_week", "own_payment").round(2)
    )
    new_ids, changed = _grant_changes(grants)
    citizens = _keys(m.Citizen, "citizen_id")
    case_rows = grants.filter(pl.col("case_id").is_not_null()).unique("case_id")
    _upsert(
        m.Case,
        [m.Case(case_id=r["case_id"], citizen_id=citizens[r["citizen_id"]]) for r in case_rows.iter_rows(named=True)],
        ["case_id"],
        ["citizen"],
    )
    refs = {
        "case_id": _keys(m.Case, "case_id"),
        "provider_id": _keys(m.Provider, "provider_id"),
        "caseworker_id": _keys(m.Caseworker, "caseworker_id"),
        "unit_id": _keys(m.OrgUnit, "unit_id"),
    }
    rows = [
        m.Grant(
            grant_id=r["grant_id"],
            citizen_id=citizens[r["citizen_id"]],
            case_id=refs["case_id"].get(r["case_id"]),
            provider_id=refs["provider_id"].get(r["provider_id"]),
            caseworker_id=refs["caseworker_id"].get(r["caseworker_id"]),
            unit_id=refs["unit_id"].get(r["unit_id"]),
            **{f: r[f] for f in GRANT_FIELDS if not f.endswith("_id")},
        )
        for r in grants.iter_rows(named=True)
    ]
    update = [f.removesuffix("_id") if f.endswith("_id") else f for f in GRANT_FIELDS]
    _upsert(m.Grant, rows, ["grant_id"], update)
    ids = _keys(m.Grant, "grant_id")
    history = [m.GrantChange(grant_id=ids[g], changed_by=user, reason=f"{reason} (oprettet)") for g in new_ids]
    history += [
        m.GrantChange(grant_id=ids[g], changed_by=user, reason=f"{reason} (ændret)", fields=fields)
        for g, fields in changed.items()
    ]
    m.GrantChange.objects.bulk_create(history, batch_size=BATCH)
    result.grants_created, result.grants_changed = len(new_ids), len(changed)


def _import_rates(rates: pl.DataFrame) -> None:
    ids = _keys(m.Grant, "grant_id")
    rows = [
        m.GrantRate(grant_id=ids[r["grant_id"]], valid_from=r["valid_from"], rate=round(r["rate"], 4))
        for r in rates.iter_rows(named=True)
    ]
    _upsert(m.GrantRate, rows, ["grant", "valid_from"], ["rate"])


def payment_keys(payments: pl.DataFrame) -> Iterable[str]:
    """A stable key per payment row: its content plus how many identical rows came before it in the file."""
    occurrence = pl.int_range(pl.len()).over("grant_id", "service_month", "booked_on", "amount")
    content = pl.concat_str(
        ["grant_id", "service_month", pl.col("booked_on").cast(pl.String), pl.col("amount").cast(pl.String)],
        separator="|",
    )
    texts = payments.select(pl.concat_str([content, occurrence.cast(pl.String)], separator="#")).to_series()
    return (hashlib.sha256(t.encode()).hexdigest()[:40] for t in texts)


def _import_payments(payments: pl.DataFrame) -> None:
    ids = _keys(m.Grant, "grant_id")
    rows = [
        m.Payment(
            grant_id=ids[r["grant_id"]],
            service_month=r["service_month"],
            booked_on=r["booked_on"],
            amount=round(r["amount"], 2),
            import_key=key,
        )
        for r, key in zip(payments.iter_rows(named=True), payment_keys(payments), strict=True)
    ]
    m.Payment.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)


def _import_budgets(budgets: pl.DataFrame) -> None:
    rows = [
        m.Budget(
            year=r["year"],
            target_group=r["target_group"],
            paragraph=r["paragraph"],
            unit_id=_blank(r["unit_id"]),
            amount=round(r["amount"], 2),
        )
        for r in budgets.iter_rows(named=True)
    ]
    _upsert(m.Budget, rows, ["year", "target_group", "paragraph", "unit_id"], ["amount"])


def counts() -> Mapping[str, int]:
    """How many rows each table holds now (for the CLI's report)."""
    return {
        "citizens": m.Citizen.objects.count(),
        "grants": m.Grant.objects.count(),
        "payments": m.Payment.objects.count(),
        "budgets": m.Budget.objects.count(),
    }
