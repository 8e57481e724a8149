"""The synthetic worlds the benchmark suite measures on, generated once and kept under the work folder.

A world is `dispo synth --size S --seed 1` with today = 2026-09-30, as canonical CSV files in WORK/S-1/, plus a
Parquet copy of its validated tables in WORK/S-1/parquet/ for the steps that start from tables in memory.
`national-split` is the national world with every payment row split into two rows of half the amount (the
first rounded to the øre, the second the rest), booked on the same day: ≈ 48 M payment rows, the size DESIGN.md
§7 names, with the same sums per grant and month — so the forecast is the same, only twice the rows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from dispo.engine import schema

TODAY = date(2026, 9, 30)
YEAR = TODAY.year
SEED = 1
SIZES = ("demo", "large", "national", "national-split")
LEDGER = ("citizens", "providers", "units", "caseworkers", "grants", "rates", "payments", "budgets")


def folder(work: Path, size: str) -> Path:
    """The world's folder, generated on first use."""
    path = work / f"{size}-{SEED}"
    if (path / "payments.csv").exists():
        return path
    if size == "national-split":
        _split_payments(folder(work, "national"), path)
    else:
        from dispo.services.synth import write_world

        write_world(size, SEED, path, today=TODAY)
    return path


def parquet(work: Path | str, size: str) -> Path:
    """The world's validated tables as Parquet files (read and checked once through the canonical reader)."""
    from dispo.services.ledger import Ledger

    source = folder(Path(work), size)
    path = source / "parquet"
    if (path / "payments.parquet").exists():
        return path
    ledger = Ledger.from_files({t: source / f"{t}.csv" for t in LEDGER})
    path.mkdir(exist_ok=True)
    for table in LEDGER:
        ledger[table].write_parquet(path / f"{table}.parquet")
    return path


def tables(work: Path, size: str, names: tuple[str, ...]) -> dict[str, pl.DataFrame]:
    path = parquet(work, size)
    return {name: pl.read_parquet(path / f"{name}.parquet") for name in names}


def rows(work: Path, size: str) -> dict[str, int]:
    """Rows per table of the world (from its Parquet copy's metadata)."""
    path = parquet(work, size)
    return {t: pl.scan_parquet(path / f"{t}.parquet").select(pl.len()).collect().item() for t in LEDGER}


def _split_payments(national: Path, out: Path) -> None:
    """The national world with each payment as two rows of half the amount, the other files linked."""
    out.mkdir(parents=True, exist_ok=True)
    for table in LEDGER:
        if table != "payments":
            (out / f"{table}.csv").unlink(missing_ok=True)
            (out / f"{table}.csv").symlink_to(national / f"{table}.csv")
    payments = pl.scan_csv(national / "payments.csv", schema=schema.PAYMENTS)
    half = (pl.col("amount") / 2).round(2)
    first = payments.with_columns(amount=half)
    second = payments.with_columns(amount=(pl.col("amount") - half).round(2))
    pl.concat([first, second]).sink_csv(out / "payments.csv", date_format="%Y-%m-%d", float_precision=2)
