"""Loading the ledger's tables from the database in bulk, as canonical frames for the engine.

One SQL query per table, straight into Polars: never row by row through model instances, which would cost
seconds on a large municipality (DESIGN.md §7).
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from django.db import connection

from dispo.engine import schema
from dispo.services.ledger import Ledger

QUERIES: dict[str, str] = {
    "citizens": """
        SELECT c.citizen_id, c.cpr_masked AS cpr, c.birth_date, c.sex, c.household_id
        FROM store_citizen c""",
    "providers": "SELECT provider_id, name, provider_type, municipality FROM store_provider",
    "units": """
        SELECT u.unit_id, u.name, p.unit_id AS parent_id
        FROM store_orgunit u LEFT JOIN store_orgunit p ON p.id = u.parent_id""",
    "caseworkers": """
        SELECT w.caseworker_id, w.name, u.unit_id
        FROM store_caseworker w JOIN store_orgunit u ON u.id = w.unit_id""",
    "grants": """
        SELECT g.grant_id, c.citizen_id, k.case_id, g.paragraph, g.target_group, p.provider_id,
               g.price_basis, CAST(g.rate AS DOUBLE PRECISION) AS rate,
               CAST(g.hours_per_week AS DOUBLE PRECISION) AS hours_per_week, g.start, g."end", g.status,
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
        SELECT g.grant_id, r.valid_from, CAST(r.rate AS DOUBLE PRECISION) AS rate
        FROM store_grantrate r JOIN store_grant g ON g.id = r.grant_id""",
    "payments": """
        SELECT g.grant_id, p.service_month, p.booked_on, CAST(p.amount AS DOUBLE PRECISION) AS amount
        FROM store_payment p JOIN store_grant g ON g.id = p.grant_id""",
    "budgets": """
        SELECT year, target_group, paragraph, unit_id, CAST(amount AS DOUBLE PRECISION) AS amount
        FROM store_budget""",
}


def _cast(name: str, dtype: type[pl.DataType] | pl.DataType, actual: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if dtype == pl.String:
        return pl.when(column == "").then(None).otherwise(column.cast(pl.String)).alias(name)
    if dtype == pl.Date and actual == pl.String:
        return column.str.to_date("%Y-%m-%d").alias(name)
    return column.cast(dtype).alias(name)


def load_table(table: str) -> pl.DataFrame:
    """One canonical table from the database. CPR numbers come out masked: the engine never needs them."""
    with connection.cursor() as cursor:
        cursor.execute(QUERIES[table])
        rows = cursor.fetchall()
    columns = schema.TABLES[table]
    if not rows:
        return schema.empty(table)
    raw = pl.DataFrame(rows, schema=list(columns), orient="row", infer_schema_length=None)
    return raw.select(_cast(name, dtype, raw.schema[name]) for name, dtype in columns.items())


def load_ledger(tables: Iterable[str] | None = None) -> Ledger:
    return Ledger({table: load_table(table) for table in (tables or schema.TABLES)})
