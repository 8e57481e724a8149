"""Writing the stored ledger out as canonical CSV files, the same format `dispo import` reads."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dispo.engine import schema
from dispo.services.canonical import write_table
from dispo.store.loading import load_ledger
from dispo.store.models import Citizen


def citizens_with_cpr() -> pl.DataFrame:
    """The citizens with their full CPR numbers, decrypted: only for a full export by an administrator."""
    rows = Citizen.objects.order_by("citizen_id").values_list("citizen_id", "cpr", "birth_date", "sex", "household_id")
    frame = pl.DataFrame(list(rows), schema=list(schema.CITIZENS), orient="row")
    return frame.with_columns(pl.col("sex", "household_id").replace("", None)).cast(pl.Schema(schema.CITIZENS))


def export_folder(folder: Path) -> dict[str, int]:
    """Every table into `folder` as `<table>.csv`; returns the row counts."""
    folder.mkdir(parents=True, exist_ok=True)
    ledger = load_ledger([t for t in schema.TABLES if t != "citizens"])
    tables = {**ledger.tables, "citizens": citizens_with_cpr()}
    for table in schema.TABLES:
        key = next(iter(schema.TABLES[table]))
        write_table(tables[table].sort(key), folder / f"{table}.csv", table)
    return {table: tables[table].height for table in schema.TABLES}
