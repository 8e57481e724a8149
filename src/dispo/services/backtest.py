"""Forecast accuracy as a use case: back-test a past year, and this year's outlook with its interval.

Two sources: a ledger with its known dates (the database, or a folder of canonical files with known.csv), or
synthetic worlds from `dispo synth` written for the occasion (several seeds). The engine does the work
(`engine.backtest`, `engine.outlook`); this module picks the history, shapes the tables the CLI and the page
show, and summarises the measured figures against the targets (DESIGN.md §7).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from dispo.engine import backtest as engine
from dispo.engine.knowledge import KNOWN
from dispo.engine.outlook import History, outlook, total
from dispo.services.knowledge import read_known
from dispo.services.ledger import Ledger

METHOD_COLUMNS = {method: f"err_{method}_pct" for method in engine.METHODS}
MONTH_COLUMNS = ("month_end", "actual", *engine.METHODS, "lower", "upper", *METHOD_COLUMNS.values(), "covered")
PARAGRAPH_COLUMNS = ("paragraph", "actual", *(f"mae_{m}" for m in engine.METHODS), "coverage")
TARGET_MONTH = 3
"""The target is set for the forecast made at the end of March (DESIGN.md §7)."""


def history(ledger: Ledger, years: int = 2) -> History:
    """The whole years the ledger holds: from the first year whose January has payments."""
    months = ledger["payments"].select(pl.col("service_month").min()).item()
    if months is None:
        return History(first_year=date.today().year, years=years)
    first = date.fromisoformat(f"{months}-01")
    return History(first_year=first.year if first.month == 1 else first.year + 1, years=years)


def run(ledger: Ledger, known: pl.DataFrame, year: int, today: date) -> pl.DataFrame:
    """The back-test of `year` per month-end and paragraph (`engine.backtest.BACKTEST_COLUMNS`)."""
    return engine.backtest(
        ledger["grants"], ledger["payments"], ledger["rates"], ledger["budgets"], known, year, today, history(ledger)
    )


def read_world(folder: Path) -> tuple[Ledger, pl.DataFrame]:
    """A folder of canonical files and its known.csv (without it every grant follows the default rule)."""
    ledger = Ledger.from_folder(folder)
    path = folder / "known.csv"
    known = read_known(path, ledger["grants"]["grant_id"]) if path.exists() else pl.DataFrame(schema=KNOWN)
    return ledger, known


def last_day(ledger: Ledger) -> date:
    """The ledger's today: the last day anything was booked."""
    booked = ledger["payments"].select(pl.col("booked_on").max()).item()
    return booked if isinstance(booked, date) else date.today()


def synthetic(size: str, seeds: Sequence[int], year: int | None, today: date) -> pl.DataFrame:
    """Back-tests of synthetic worlds, one per seed, with a `seed` column; `year` defaults to last year."""
    from dispo.services.synth import write_world

    frames = []
    with tempfile.TemporaryDirectory(prefix="dispo-backtest-") as work:
        for seed in seeds:
            folder = Path(work) / str(seed)
            write_world(size, seed, folder, today=today)
            ledger, known = read_world(folder)
            rows = run(ledger, known, year or today.year - 1, today)
            frames.append(rows.with_columns(seed=pl.lit(seed, dtype=pl.Int64)).select("seed", *rows.columns))
    return pl.concat(frames)


def _per_seed(rows: pl.DataFrame) -> list[str]:
    return ["seed"] if "seed" in rows.columns else []


def totals(rows: pl.DataFrame) -> pl.DataFrame:
    """The back-test summed over paragraphs per month-end (and seed)."""
    keys = _per_seed(rows)
    if not keys:
        return engine.totals(rows)
    parts = [engine.totals(part.drop("seed")).with_columns(seed=pl.lit(k[0])) for k, part in rows.group_by(keys)]
    return pl.concat(parts).select("seed", *engine.BACKTEST_COLUMNS).sort("seed", "month_end")


def month_table(rows: pl.DataFrame) -> pl.DataFrame:
    """Per month-end (and seed): the actual, each method's forecast, dispo's interval, each method's error in
    per cent of the actual, and whether the interval held the actual."""
    keys = _per_seed(rows)
    summed = totals(rows)
    errors = {
        column: ((pl.col(method) - pl.col("actual")) / pl.col("actual") * 100.0).alias(column)
        for method, column in METHOD_COLUMNS.items()
    }
    return summed.with_columns(
        *errors.values(),
        covered=(pl.col("lower") <= pl.col("actual")) & (pl.col("actual") <= pl.col("upper")),
    ).select(*keys, *MONTH_COLUMNS)


def paragraph_table(rows: pl.DataFrame) -> pl.DataFrame:
    """Per paragraph: the year's actual and each method's mean absolute error over the month-ends (kr.), and
    the share of month-ends whose interval held the actual."""
    months = rows.select(pl.col("month_end").n_unique()).item() or 1
    seeds = rows.select(pl.col("seed").n_unique()).item() if "seed" in rows.columns else 1
    return (
        rows.group_by("paragraph")
        .agg(
            (pl.col("actual").sum() / (months * seeds)).alias("actual"),
            *((pl.col(m) - pl.col("actual")).abs().mean().alias(f"mae_{m}") for m in engine.METHODS),
            ((pl.col("lower") <= pl.col("actual")) & (pl.col("actual") <= pl.col("upper"))).mean().alias("coverage"),
        )
        .select(PARAGRAPH_COLUMNS)
        .sort("actual", descending=True)
    )


@dataclass(frozen=True)
class Summary:
    """The measured figures the targets speak of."""

    cases: int
    coverage: float
    """Share of back-tested month-ends (per seed) whose 80 % interval held the actual."""
    march_error: float
    """The largest absolute error of dispo's end-of-March forecast, per cent of the year's actual."""
    best: dict[str, int]
    """Per simple method: in how many cases dispo's absolute error was smaller."""


def summary(months: pl.DataFrame) -> Summary:
    """From `month_table`: coverage, the end-of-March error, and how often dispo beat each simple method."""
    dispo = pl.col(METHOD_COLUMNS["dispo"]).abs()
    march = months.filter(pl.col("month_end").dt.month() == TARGET_MONTH)
    return Summary(
        cases=months.height,
        coverage=float(months.select(pl.col("covered").cast(pl.Float64).mean()).item() or 0.0),
        march_error=float(march.select(dispo.max()).item() or 0.0),
        best={
            method: months.filter(dispo < pl.col(column).abs()).height
            for method, column in METHOD_COLUMNS.items()
            if method != "dispo"
        },
    )


def outlook_now(ledger: Ledger, known: pl.DataFrame, year: int, as_of: date) -> tuple[pl.DataFrame, dict[str, float]]:
    """This year's outlook per paragraph (`engine.outlook.OUTLOOK_COLUMNS`) and its total."""
    table = outlook(ledger["grants"], ledger["payments"], ledger["rates"], known, year, as_of, history(ledger))
    return table, total(table)
