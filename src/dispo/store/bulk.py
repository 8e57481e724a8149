"""Writing many rows at once, as Polars frames, without a model instance per row.

An import writes tens of thousands of citizens and grants (a million and a half for all municipalities): through
`bulk_create` Django builds and prepares a model instance per row, which costs two thirds of the import. Here a
frame whose columns are named and typed as the table stores them — ISO text for dates, numbers rounded to the
column's places, JSON as text — goes in as it is: one prepared statement per batch on SQLite, COPY into a
temporary table and one INSERT … SELECT on PostgreSQL. Run it inside the import's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from django.db import connection

BATCH = 50_000
"""Rows per statement (SQLite) or per COPY chunk (PostgreSQL)."""


def _names(columns: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(c) for c in columns)


def _on_conflict(unique: Sequence[str], update: Sequence[str]) -> str:
    if not unique:
        return ""
    if not update:
        return f" ON CONFLICT ({_names(unique)}) DO NOTHING"
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = EXCLUDED.{connection.ops.quote_name(c)}" for c in update)
    return f" ON CONFLICT ({_names(unique)}) DO UPDATE SET {assignments}"


def upsert(table: str, rows: pl.DataFrame, unique: Sequence[str] = (), update: Sequence[str] = ()) -> None:
    """Insert `rows` into `table`; where a stored row has the same `unique` columns, set its `update` columns
    from the new row (none: keep the stored row). Without `unique`, a plain insert."""
    if rows.is_empty():
        return
    columns = rows.columns
    if connection.vendor == "postgresql":
        _copied_in(table, rows, _on_conflict(unique, update))
        return
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({_names(columns)}) VALUES ({marks}){_on_conflict(unique, update)}"
    with connection.cursor() as cursor:
        for start in range(0, rows.height, BATCH):
            cursor.executemany(sql, rows.slice(start, BATCH).rows())


def _copied_in(table: str, rows: pl.DataFrame, conflict: str) -> None:
    """PostgreSQL: COPY the rows as CSV into a temporary table of the same column types, then insert them from
    there (COPY itself knows no ON CONFLICT). CSV keeps NULL (an empty field) apart from '' (a quoted one)."""
    columns = _names(rows.columns)
    staging = f"bulk_{table}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} AS SELECT {columns} FROM {table} WITH NO DATA")
        with cursor.cursor.copy(f"COPY {staging} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
            for start in range(0, rows.height, BATCH):
                copy.write(rows.slice(start, BATCH).write_csv(include_header=False))
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging}{conflict}")
        cursor.execute(f"DROP TABLE {staging}")
