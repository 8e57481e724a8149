"""Loading the ledger's tables from the database in bulk, as canonical frames for the engine.

One SQL query per table, straight into Polars: never row by row through model instances, which would cost
seconds on a large municipality (DESIGN.md §7). PostgreSQL streams each table out with `COPY … TO STDOUT`
as CSV, which Polars parses in parallel; SQLite's rows go to Polars with their types declared, so that nothing
is inferred value by value. Dates are read as ISO text and parsed by Polars: SQLite's driver would otherwise
call Django's date parser once per value. Rates and payments name their grant by the database's key, a
number, which Polars turns into the grant_id: a million text values cost Python more than that join.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import polars as pl
from django.db import connection

from dispo.engine import schema
from dispo.services.ledger import Ledger

PolarsType = type[pl.DataType] | pl.DataType

QUERIES: dict[str, str] = {
    "citizens": """
        SELECT c.citizen_id, c.cpr_masked AS cpr, CAST(c.birth_date AS TEXT) AS birth_date, c.sex, c.household_id
        FROM store_citizen c""",
    "providers": "SELECT provider_id, name, provider_type, municipality FROM store_provider",
    "units": """
        SELECT u.unit_id, u.name, p.unit_id AS parent_id
        FROM store_orgunit u LEFT JOIN store_orgunit p ON p.id = u.parent_id""",
    "caseworkers": """
        SELECT w.caseworker_id, w.name, u.unit_id
        FROM store_caseworker w JOIN store_orgunit u ON u.id = w.unit_id""",
    "grants": """
        SELECT g.id AS pk, g.grant_id, c.citizen_id, k.case_id, g.paragraph, g.target_group, p.provider_id,
               g.price_basis, CAST(g.rate AS DOUBLE PRECISION) AS rate,
               CAST(g.hours_per_week AS DOUBLE PRECISION) AS hours_per_week,
               CAST(g.start AS TEXT) AS start, CAST(g."end" AS TEXT) AS "end", g.status,
               CAST(g.probability AS DOUBLE PRECISION) AS probability,
               g.acting_municipality, g.paying_municipality,
               CAST(g.own_payment AS DOUBLE PRECISION) AS own_payment, w.caseworker_id, u.unit_id
        FROM store_grant g
        JOIN store_citizen c ON c.id = g.citizen_id
        LEFT JOIN store_case k ON k.id = g.case_id
        LEFT JOIN store_provider p ON p.id = g.provider_id
        LEFT JOIN store_caseworker w ON w.id = g.caseworker_id
        LEFT JOIN store_orgunit u ON u.id = g.unit_id""",
    "rates": """
        SELECT grant_id, CAST(valid_from AS TEXT) AS valid_from, CAST(rate AS DOUBLE PRECISION) AS rate
        FROM store_grantrate""",
    "payments": """
        SELECT grant_id, service_month, CAST(booked_on AS TEXT) AS booked_on,
               CAST(amount AS DOUBLE PRECISION) AS amount
        FROM store_payment""",
    "budgets": """
        SELECT year, target_group, paragraph, unit_id, CAST(amount AS DOUBLE PRECISION) AS amount
        FROM store_budget""",
}
BY_GRANT_KEY = ("rates", "payments")
"""Tables fetched with the database's key of their grant (see above)."""


def _cast(name: str, dtype: type[pl.DataType] | pl.DataType, actual: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if dtype == pl.String:
        return pl.when(column == "").then(None).otherwise(column.cast(pl.String)).alias(name)
    if dtype == pl.Date and actual == pl.String:
        return column.str.to_date("%Y-%m-%d").alias(name)
    return column.cast(dtype).alias(name)


def _copied(query: str, names: list[str]) -> pl.DataFrame:
    """The rows of `query` through PostgreSQL's COPY as text columns (NULL stays null, '' stays '')."""
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
        for block in copy:
            buffer.write(block)
    if not buffer.tell():
        return pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    return pl.read_csv(buffer.getvalue(), has_header=False, new_columns=names, infer_schema=False)


def _fetched(query: str, columns: dict[str, PolarsType]) -> pl.DataFrame:
    """The rows of `query` through the cursor, handed to Polars with their types (dates as text)."""
    with connection.cursor() as cursor:
        cursor.execute(query)
        rows = cursor.fetchall()
    raw = {name: pl.String if dtype == pl.Date else dtype for name, dtype in columns.items()}
    return pl.DataFrame(rows, schema=raw, orient="row")


def _read(query: str, columns: dict[str, PolarsType]) -> pl.DataFrame:
    if connection.vendor == "postgresql":
        return _copied(query, list(columns))
    return _fetched(query, columns)


def stored_keys(table: str, key: str) -> pl.DataFrame:
    """The database's key (`pk`) of every row of `table` beside its natural `key`: for joining references in
    bulk."""
    raw = _read(f"SELECT id, {connection.ops.quote_name(key)} FROM {table}", {"pk": pl.Int64, key: pl.String})
    return raw.select(pl.col("pk").cast(pl.Int64), pl.col(key).cast(pl.String))


def grant_keys() -> pl.DataFrame:
    """The database's key (`pk`) of every grant beside its grant_id."""
    return stored_keys("store_grant", "grant_id")


def _query(table: str, year: int | None) -> str:
    if year is None or table != "payments":
        return QUERIES[table]
    return f"{QUERIES[table]} WHERE service_month BETWEEN '{year:04d}-01' AND '{year:04d}-12'"


def _fetched_columns(table: str) -> dict[str, PolarsType]:
    columns = schema.TABLES[table]
    if table in BY_GRANT_KEY:
        return {**columns, "grant_id": pl.Int64}
    if table == "grants":
        return {"pk": pl.Int64, **columns}
    return columns


def _typed(table: str, raw: pl.DataFrame) -> pl.DataFrame:
    return raw.select(_cast(name, dtype, raw.schema[name]) for name, dtype in schema.TABLES[table].items())


def _stored(table: str, keys: pl.DataFrame | None, year: int | None) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """One canonical table, and the grants' keys when it is the grants (read with them at no extra cost)."""
    raw = _read(_query(table, year), _fetched_columns(table))
    if raw.is_empty():
        return schema.empty(table), None
    if table == "grants":
        return _typed(table, raw), raw.select(pl.col("pk").cast(pl.Int64), pl.col("grant_id").cast(pl.String))
    if table in BY_GRANT_KEY:
        raw = (
            raw.rename({"grant_id": "pk"})
            .with_columns(pl.col("pk").cast(pl.Int64))
            .join(grant_keys() if keys is None else keys, on="pk", how="left", maintain_order="left")
        )
    return _typed(table, raw), None


def load_table(table: str, keys: pl.DataFrame | None = None, year: int | None = None) -> pl.DataFrame:
    """One canonical table from the database. CPR numbers come out masked: the engine never needs them.
    `keys` (from `grant_keys`) saves reading them again when several tables need them; `year` limits the
    payments to the service months of that year."""
    return _stored(table, keys, year)[0]


def load_ledger(tables: Iterable[str] | None = None, year: int | None = None) -> Ledger:
    """The stored ledger's tables (all when `tables` is None). With `year`, the payments are those of the
    year's service months alone — all that the year's forecast reads, a third of three years' rows — so such
    a ledger is for that year's forecast, not for history."""
    wanted = list(tables or schema.TABLES)
    frames: dict[str, pl.DataFrame] = {}
    keys = None
    if "grants" in wanted:
        frames["grants"], keys = _stored("grants", None, year)
    elif any(table in BY_GRANT_KEY for table in wanted):
        keys = grant_keys()
    for table in wanted:
        if table not in frames:
            frames[table] = _stored(table, keys, year)[0]
    return Ledger({table: frames[table] for table in wanted})
