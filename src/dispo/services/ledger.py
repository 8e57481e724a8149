"""The ledger as a set of canonical tables, wherever they came from (CSV files or the database)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dispo.domain.paragraphs import catalogue
from dispo.engine import schema
from dispo.services import canonical


@dataclass(frozen=True)
class Ledger:
    """The canonical tables; a table that was not given is empty."""

    tables: Mapping[str, pl.DataFrame] = field(default_factory=dict)

    def __getitem__(self, table: str) -> pl.DataFrame:
        return self.tables[table] if table in self.tables else schema.empty(table)

    @classmethod
    def from_files(cls, files: Mapping[str, Path]) -> Ledger:
        """Read the given canonical files (table name → path), validated together."""
        frames: dict[str, pl.DataFrame] = {}
        problems: list[canonical.Problem] = []
        for table, path in files.items():
            try:
                frames[table] = canonical.read_table(path, table)
            except canonical.InvalidData as error:
                problems += error.problems
        if problems:
            raise canonical.InvalidData(problems)
        ledger = cls(frames)
        ledger.check()
        return ledger

    @classmethod
    def from_folder(cls, folder: Path) -> Ledger:
        present = {t: folder / f"{t}.csv" for t in schema.TABLES if (folder / f"{t}.csv").exists()}
        return cls.from_files(present)

    def check(self) -> None:
        """Raise `InvalidData` for rows pointing at keys not in the ledger, or at unknown paragraphs."""
        given = dict(self.tables)
        problems = canonical.reference_problems(given) + canonical.paragraph_problems(given, catalogue())
        if problems:
            raise canonical.InvalidData(problems)
