"""The canonical CSV files of a world, appended to municipality by municipality."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import polars as pl

from dispo.engine.schema import TABLES


class CanonicalFiles:
    """Open CSV files, one per canonical table, each with its header; `append` adds rows in schema order."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.files: dict[str, BinaryIO] = {}
        self.rows: dict[str, int] = dict.fromkeys(TABLES, 0)

    def __enter__(self) -> CanonicalFiles:
        self.out.mkdir(parents=True, exist_ok=True)
        for name, schema in TABLES.items():
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
        schema = TABLES[name]
        frame = frame.select(pl.col(column).cast(dtype) for column, dtype in schema.items())
        frame.write_csv(self.files[name], include_header=False, float_precision=2, date_format="%Y-%m-%d")
        self.rows[name] += frame.height
