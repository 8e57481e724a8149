"""Benchmark: the forecast of a synthetic municipality, against a plain DuckDB query as reference.

    .venv/bin/python bench/forecast.py --size large [--seed 1] [--repeat 5]

Generates the world once into var/bench/<size>-<seed>/ (kept for later runs), then measures, each as the
median of --repeat runs:
- read: parsing and validating the canonical CSV files into typed frames;
- forecast: the per-grant forecast and the paragraph table from those frames;
- cli: `dispo forecast --by paragraph --format csv` end to end from the files, a fresh process;
- reference: DuckDB reading the same grants and payments CSV and grouping booked amounts by paragraph — what a
  single scan-and-group of the same data costs on this machine.
The figure that matters is the ratio forecast / reference, measured in the same run.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from dispo.services.ledger import Ledger
from dispo.services.reports import forecast_table
from dispo.services.synth import write_world

TODAY = date(2026, 9, 30)
ROOT = Path(__file__).resolve().parent.parent


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def world(size: str, seed: int) -> Path:
    folder = ROOT / "var" / "bench" / f"{size}-{seed}"
    if not (folder / "grants.csv").exists():
        write_world(size, seed, folder, today=TODAY)
    return folder


def reference_query(folder: Path) -> object:
    return duckdb.sql(
        f"""
        SELECT g.paragraph, sum(p.amount) AS booked, count(DISTINCT g.grant_id) AS grants
        FROM read_csv('{folder / "payments.csv"}') p
        JOIN read_csv('{folder / "grants.csv"}') g USING (grant_id)
        WHERE p.service_month LIKE '{TODAY.year}-%' AND p.booked_on <= DATE '{TODAY}'
        GROUP BY g.paragraph
        """
    ).fetchall()


def cli_run(folder: Path) -> None:
    files = [f"--{t} {folder / (t + '.csv')}" for t in ("grants", "payments", "rates", "budgets")]
    command = f"{sys.executable} -m dispo.cli.main forecast --year {TODAY.year} --as-of {TODAY} " + " ".join(files)
    subprocess.run([*command.split(), "--format", "csv"], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="large", choices=["demo", "large", "national"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = world(args.size, args.seed)
    tables = ["grants", "payments", "rates", "budgets", "providers"]
    ledger = Ledger.from_files({t: folder / f"{t}.csv" for t in tables})
    figures = {
        "read": median_seconds(lambda: Ledger.from_files({t: folder / f"{t}.csv" for t in tables}), args.repeat),
        "forecast": median_seconds(lambda: forecast_table(ledger, TODAY.year, TODAY, "paragraph"), args.repeat),
        "cli": median_seconds(lambda: cli_run(folder), max(1, args.repeat // 2)),
        "reference": median_seconds(lambda: reference_query(folder), args.repeat),
    }
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}")
    print(
        f"world: {args.size}, seed {args.seed}: {ledger['grants'].height} grants, {ledger['payments'].height} payments"
    )
    print("| step | seconds | / reference |")
    print("| --- | ---: | ---: |")
    for step, seconds in figures.items():
        print(f"| {step} | {seconds:.3f} | {seconds / figures['reference']:.2f} |")


if __name__ == "__main__":
    main()
