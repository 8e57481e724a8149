"""The canonical CSV files of a world, appended to municipality by municipality."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import polars as pl

from dispo.engine.knowledge import KNOWN
from dispo.engine.schema import TABLES

FILES = {**TABLES, "known": KNOWN}
"""The canonical tables and known.csv, when each grant became known (for replaying past forecasts)."""


class CanonicalFiles:
    """Open CSV files, one per table of `FILES`, each with its header; `append` adds rows in schema order.
    `rows` counts the rows written per canonical table."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.files: dict[str, BinaryIO] = {}
        self.rows: dict[str, int] = dict.fromkeys(TABLES, 0)

    def __enter__(self) -> CanonicalFiles:
        self.out.mkdir(parents=True, exist_ok=True)
        for name, schema in FILES.items():
            handle = (self.out / f"{name}.csv").open("wb")
            handle.write((",".join(schema) + "\n").encode())
            self.files[name] = handle
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for handle in self.files.values():
            handle.close()

    def append(self, name: str, frame: pl.DataFrame) -> None:
        schema = FILES[name]
        frame = frame.select(pl.col(column).cast(dtype) for column, dtype in schema.items())
        frame.write_csv(self.files[name], include_header=False, float_precision=2, date_format="%Y-%m-%d")
        if name in self.rows:
            self.rows[name] += frame.height
