"""Writing validated canonical tables into the database: all or nothing, and the same data twice adds nothing.

Every table is upserted on its natural key in one transaction. Grants that are new or changed get a history row
saying so; unchanged ones get none, which is what makes a re-import a no-op.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from dispo.domain import cpr as cpr_rules
from dispo.services import canonical
from dispo.services.ledger import Ledger
from dispo.store import bulk
from dispo.store import models as m
from dispo.store.cpr import pseudonym
from dispo.store.loading import grant_keys, load_table, stored_keys
from dispo.store.models import LedgerVersion

BATCH = 5000
PAYMENT_BATCH = 50_000
"""Payment rows per INSERT batch (SQLite) or COPY chunk (PostgreSQL): the progress bar moves per batch."""
SQLITE_CACHE_KIB = -65_536
"""SQLite's page cache while payments are written: 64 MiB (a negative cache_size counts KiB)."""
Progress = Callable[[int, int], None]
"""`progress(rows written, rows to write)`: called as the payments, the bulk of any import, are written."""
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
    payments_added: int = 0
    """Payment rows that were not stored before (the rest were already there: the same file imported again)."""


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


def existing_keys() -> dict[str, list[str]]:
    """The keys already stored, which the rows of an import may point at."""
    return {
        "citizens": list(m.Citizen.objects.values_list("citizen_id", flat=True)),
        "providers": list(m.Provider.objects.values_list("provider_id", flat=True)),
        "units": list(m.OrgUnit.objects.values_list("unit_id", flat=True)),
        "caseworkers": list(m.Caseworker.objects.values_list("caseworker_id", flat=True)),
        "grants": list(m.Grant.objects.values_list("grant_id", flat=True)),
    }


def import_ledger(ledger: Ledger, user: str, reason: str, progress: Progress | None = None) -> ImportResult:
    """Validate `ledger` against itself and what is stored, then write it in one transaction."""
    problems = canonical.reference_problems(dict(ledger.tables), existing_keys())
    if problems:
        raise canonical.InvalidData(problems)
    result = ImportResult({t: f.height for t, f in ledger.tables.items()})
    with transaction.atomic():
        _import_units(ledger["units"])
        _import_caseworkers(ledger["caseworkers"])
        _import_providers(ledger["providers"])
        _import_citizens(ledger["citizens"])
        new_ids, changed = _import_grants(ledger["grants"], result)
        grants = grant_keys()
        _record_history(new_ids, changed, grants, user, reason)
        _import_rates(ledger["rates"], grants)
        result.payments_added = _import_payments(ledger["payments"], grants, progress)
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
    """The CPR number is stored encrypted beside its pseudonym and masked form, each computed per citizen."""
    numbers = citizens["cpr"].to_list()
    encrypt = m.Citizen._meta.get_field("cpr").get_prep_value
    rows = citizens.select(
        "citizen_id",
        pl.Series("cpr", [encrypt(n) for n in numbers], dtype=pl.String),
        pl.Series("cpr_pseudonym", [pseudonym(n) for n in numbers], dtype=pl.String),
        pl.Series("cpr_masked", [cpr_rules.mask(n) for n in numbers], dtype=pl.String),
        pl.col("birth_date").dt.strftime("%Y-%m-%d"),
        pl.col("sex", "household_id").fill_null(""),
    )
    bulk.upsert(m.Citizen._meta.db_table, rows, ["citizen_id"], rows.columns[1:])


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


def _import_grants(grants: pl.DataFrame, result: ImportResult) -> tuple[set[str], dict[str, dict[str, list[Any]]]]:
    """Write the grants (and their cases); return the new grant ids and the changed grants' fields, for the
    history."""
    if grants.is_empty():
        return set(), {}
    grants = grants.with_columns(
        pl.col("rate", "probability").round(4), pl.col("hours_per_week", "own_payment").round(2)
    )
    new_ids, changed = _grant_changes(grants)
    citizens = stored_keys(m.Citizen._meta.db_table, "citizen_id")
    cases = grants.filter(pl.col("case_id").is_not_null()).unique("case_id").join(citizens, on="citizen_id", how="left")
    bulk.upsert(m.Case._meta.db_table, cases.select("case_id", citizen_id="pk"), ["case_id"], ["citizen_id"])
    rows = _grant_rows(grants.join(citizens, on="citizen_id", how="left", maintain_order="left").drop("citizen_id"))
    bulk.upsert(m.Grant._meta.db_table, rows, ["grant_id"], rows.columns[1:])
    result.grants_created, result.grants_changed = len(new_ids), len(changed)
    return new_ids, changed


def _grant_rows(grants: pl.DataFrame) -> pl.DataFrame:
    """The grants as the store's columns: references by database id, dates as ISO text."""
    references = {
        "case_id": m.Case,
        "provider_id": m.Provider,
        "caseworker_id": m.Caseworker,
        "unit_id": m.OrgUnit,
    }
    for column, model in references.items():
        stored = stored_keys(model._meta.db_table, column).rename({"pk": f"{column}__pk"})
        grants = grants.join(stored, on=column, how="left", maintain_order="left")
    plain = [f for f in GRANT_FIELDS if not f.endswith("_id")]
    return grants.select(
        "grant_id",
        pl.col("pk").alias("citizen_id"),
        *(pl.col(f"{column}__pk").alias(column) for column in references),
        *(pl.col(f).dt.strftime("%Y-%m-%d") if grants.schema[f] == pl.Date else pl.col(f) for f in plain),
    )


def _record_history(
    new_ids: set[str], changed: dict[str, dict[str, list[Any]]], grants: pl.DataFrame, user: str, reason: str
) -> None:
    """A history row per created grant and per changed grant (its fields' old and new values)."""
    entries = [(g, f"{reason} (oprettet)", "{}") for g in sorted(new_ids)]
    entries += [(g, f"{reason} (ændret)", json.dumps(fields)) for g, fields in changed.items()]
    if not entries:
        return
    history = (
        pl.DataFrame(entries, schema={"grant_id": pl.String, "reason": pl.String, "fields": pl.String}, orient="row")
        .join(grants, on="grant_id", how="left", maintain_order="left")
        .select(
            pl.col("pk").alias("grant_id"),
            pl.lit(str(connection.ops.adapt_datetimefield_value(timezone.now()))).alias("changed_at"),
            pl.lit(user).alias("changed_by"),
            "reason",
            "fields",
        )
    )
    bulk.upsert(m.GrantChange._meta.db_table, history)


def _import_rates(rates: pl.DataFrame, grants: pl.DataFrame) -> None:
    rows = rates.join(grants, on="grant_id", how="left", maintain_order="left").select(
        pl.col("pk").alias("grant_id"), pl.col("valid_from").dt.strftime("%Y-%m-%d"), pl.col("rate").round(4)
    )
    bulk.upsert(m.GrantRate._meta.db_table, rows, ["grant_id", "valid_from"], ["rate"])


def payment_keys(payments: pl.DataFrame) -> Iterable[str]:
    """A stable key per payment row: its content plus how many identical rows came before it in the file.

    The key is SHA-256 of text that only depends on the values, so it stays the same across versions of dispo
    and of Polars; identical rows are rare, so their running count is computed for those rows alone.
    """
    content = pl.concat_str(
        ["grant_id", "service_month", pl.col("booked_on").cast(pl.String), pl.col("amount").cast(pl.String)],
        separator="|",
    )
    rows = payments.select(content.alias("content")).with_row_index("i")
    repeated = rows.filter(pl.col("content").is_duplicated())
    occurrence = repeated.select("i", pl.int_range(pl.len(), dtype=pl.UInt32).over("content").alias("occurrence"))
    texts = rows.join(occurrence, on="i", how="left").sort("i")
    texts = texts.select(pl.concat_str(["content", pl.col("occurrence").fill_null(0).cast(pl.String)], separator="#"))
    return (hashlib.sha256(t.encode()).hexdigest()[:40] for t in texts.to_series().to_list())


def _payment_rows(payments: pl.DataFrame, grants: pl.DataFrame) -> pl.DataFrame:
    """The payments as the store's columns: the grant's database id, ISO date text, kroner with øre, the key."""
    ids = grants.rename({"pk": "grant_pk"})
    keys = pl.Series("import_key", list(payment_keys(payments)), dtype=pl.String)
    return (
        payments.with_columns(keys)
        .join(ids, on="grant_id", how="left", maintain_order="left")
        .select(
            "grant_pk",
            "service_month",
            pl.col("booked_on").dt.strftime("%Y-%m-%d"),
            pl.col("amount").round(2),
            "import_key",
        )
    )


def _import_payments(payments: pl.DataFrame, grants: pl.DataFrame, progress: Progress | None) -> int:
    """Insert the payments not stored yet (by `import_key`); returns how many were new.

    No model instance per row: one prepared INSERT … ON CONFLICT DO NOTHING for a batch of plain tuples on
    SQLite, COPY straight into the table on PostgreSQL once the keys already stored are left out. Rows go in the
    order of their key, so the unique index on it grows at its end instead of at random (three times faster on
    PostgreSQL). It runs inside the import's transaction, so a process killed halfway leaves nothing behind.
    """
    if payments.is_empty():
        return 0
    rows = _payment_rows(payments, grants).sort("import_key")
    table = m.Payment._meta.db_table
    columns = "grant_id, service_month, booked_on, amount, import_key"
    with connection.cursor() as cursor, _month_index_built_after(cursor, rows.height):
        if connection.vendor == "postgresql":
            return _copy_payments(rows, table, columns, progress)
        return _insert_payments(rows, table, columns, progress)


def _insert_payments(rows: pl.DataFrame, table: str, columns: str, progress: Progress | None) -> int:
    """SQLite: batches of tuples through one prepared statement, with a page cache large enough to hold the
    indexes being written (the default 2 MiB makes SQLite write the same pages to the log again and again)."""
    added, total = 0, rows.height
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s) ON CONFLICT (import_key) DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
        try:
            for start in range(0, total, PAYMENT_BATCH):
                batch = rows.slice(start, PAYMENT_BATCH)
                cursor.executemany(sql, batch.rows())
                added += max(cursor.rowcount, 0)
                if progress is not None:
                    progress(start + batch.height, total)
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")
    return added


@contextmanager
def _month_index_built_after(cursor: Any, rows: int) -> Iterator[None]:
    """When an import at least doubles the payments, their (grant, service month) index is dropped and built
    again once the rows are in. Rows arrive in the order of their key, so each would go into that index at a
    random place; once the index outgrows the database's cache every such row reads a page back, and one sort
    builds it twice as fast at 8 M rows. It happens inside the import's transaction, so a failed import rolls
    the index back with everything else. SQLite's readers keep seeing the old table meanwhile; PostgreSQL's
    wait for the commit (a dropped index locks its table) — only when an import at least doubles the table,
    as a municipality's first import does."""
    cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {m.Payment._meta.db_table} LIMIT %s) AS counted", [rows])
    (stored,) = cursor.fetchone()  # counted no further than `rows`: a monthly import never counts the whole table
    if stored >= rows:
        yield
        return
    [index] = m.Payment._meta.indexes
    cursor.execute(f"DROP INDEX {index.name}")
    yield
    column_of = {field.name: field.column for field in m.Payment._meta.concrete_fields}
    columns = ", ".join(column_of[name] for name in index.fields)
    cursor.execute(f"CREATE INDEX {index.name} ON {m.Payment._meta.db_table} ({columns})")


def _copy_payments(rows: pl.DataFrame, table: str, columns: str, progress: Progress | None) -> int:
    """PostgreSQL: COPY the rows whose key is not stored yet straight into the table (its fastest way in).

    COPY has no ON CONFLICT, so the stored keys are found first; the table is locked against other writers
    (readers go on) until the import commits, so no other import can store one of the keys in between. COPY
    is a third faster than INSERT … SELECT … ON CONFLICT from a temporary table, which checks every row for a
    conflict a second time.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        new = rows.filter(~pl.col("import_key").is_in(_stored_keys(cursor, rows["import_key"], table).implode()))
        total = rows.height
        if new.height < total and progress is not None:
            progress(total - new.height, total)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
            for start in range(0, new.height, PAYMENT_BATCH):
                batch = new.slice(start, PAYMENT_BATCH)
                copy.write(batch.write_csv(include_header=False))
                if progress is not None:
                    progress(total - new.height + start + batch.height, total)
    return new.height


def _stored_keys(cursor: Any, keys: pl.Series, table: str) -> pl.Series:
    """Which of `keys` the payments table holds already: the keys are copied into a temporary table and joined
    to the stored ones by the database (a re-import of a million rows finds them all in one query)."""
    cursor.execute("CREATE TEMPORARY TABLE import_payment_key (import_key varchar(64)) ON COMMIT DROP")
    with cursor.cursor.copy("COPY import_payment_key (import_key) FROM STDIN") as copy:
        for start in range(0, keys.len(), PAYMENT_BATCH):
            copy.write("\n".join(keys.slice(start, PAYMENT_BATCH).to_list()) + "\n")
    cursor.execute("ANALYZE import_payment_key")
    cursor.execute(f"SELECT k.import_key FROM import_payment_key k JOIN {table} p ON p.import_key = k.import_key")
    stored = pl.Series("import_key", [key for (key,) in cursor.fetchall()], dtype=pl.String)
    cursor.execute("DROP TABLE import_payment_key")
    return stored


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
