"""Building the engine's input frames from small hand-written cases."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from dispo.engine import schema

GRANT_DEFAULTS: dict[str, Any] = {
    "citizen_id": "c1",
    "paragraph": "SEL108",
    "target_group": "handicap",
    "status": "bevilget",
    "acting_municipality": "999",
    "paying_municipality": "999",
}


def frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    columns = schema.TABLES[table]
    filled = [{name: row.get(name) for name in columns} for row in rows]
    return pl.DataFrame(filled, schema=columns)


def grants(*rows: dict[str, Any]) -> pl.DataFrame:
    return frame("grants", [{**GRANT_DEFAULTS, **row} for row in rows])


def payments(*rows: dict[str, Any]) -> pl.DataFrame:
    return frame("payments", list(rows))


def rates(*rows: dict[str, Any]) -> pl.DataFrame:
    return frame("rates", list(rows))


def d(text: str) -> date:
    return date.fromisoformat(text)
