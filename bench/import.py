"""Benchmark: importing 1 M payment rows (DESIGN.md §7: under 15 s), on SQLite and on PostgreSQL, against the
database's own bulk path as reference.

    .venv/bin/python bench/import.py [--database sqlite|postgresql|both] [--repeat 3]

Prepares once, in var/bench/import/ (or $DISPO_BENCH_DIR/import/): the large synthetic world (as
bench/forecast.py: `dispo synth --size large --seed 1`, today 2026-09-30), and 1,000,000 payment rows from it (the
world's payments that find exactly one grant by CPR number, paragraph, provider and month, topped up with copies
booked a day later) written twice: as a canonical payments.csv, and as a settlement system's export for the
shipped `boern-og-voksne` profile (Windows-1252, `;`, `1.234,56`, dd-mm-yyyy, the CPR number, the paragraph as
"§ 108", the provider). For each database it creates a fresh one (SQLite var/bench/import/dispo.sqlite3;
PostgreSQL database `dispo_bench`, or $DISPO_BENCH_POSTGRES_DB, on the server of DISPO_BENCH_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432) holding the world without its payments, then measures, each as the median
of --repeat runs from that same state (payments deleted between runs, not timed):

- canonical: read and validate payments.csv, then write it (`Ledger.from_files` + `import_ledger`);
- profile: read, map, match to grants and validate the settlement export, then write it (`import_file`);
- again: the canonical file imported a second time, when every row is there already (adds nothing);
- reference: the same rows by the database's own bulk path, no checks and no keys: SQLite `executemany` of the
  rows as Polars reads them into an empty table of the four columns, in one transaction; PostgreSQL `COPY` of
  the CSV file into such a table.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl

TODAY = date(2026, 9, 30)
ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(os.environ.get("DISPO_BENCH_DIR", ROOT / "var" / "bench"))
"""Where the world and the files are kept between runs (DISPO_BENCH_DIR, default var/bench/)."""
WORK = BENCH / "import"
WORLD = BENCH / "large-1"
POSTGRES_DATABASE = os.environ.get("DISPO_BENCH_POSTGRES_DB", "dispo_bench")
ROWS = 1_000_000
LEDGER_TABLES = ("citizens", "providers", "units", "caseworkers", "grants", "rates", "budgets")
UNITS = {"dag": "Døgn", "time": "Time", "maaned": "Måned", "aar": "År", "engang": "Engang"}


def median_seconds(work: Callable[[], object], repeat: int, before: Callable[[], object] = lambda: None) -> float:
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def prepare_files() -> None:
    """The world, and the same million payments as a canonical file and as a settlement system's export."""
    from dispo.services.synth import write_world

    if not (WORLD / "grants.csv").exists():
        write_world("large", 1, WORLD, today=TODAY)
    if (WORK / "settlement.csv").exists():
        return
    (WORK / "payments").mkdir(parents=True, exist_ok=True)
    grants = pl.read_csv(WORLD / "grants.csv", infer_schema=False).with_columns(pl.col("start", "end").str.to_date())
    citizens = pl.read_csv(WORLD / "citizens.csv", infer_schema=False).select("citizen_id", "cpr")
    payments = _one_grant_each(pl.read_csv(WORLD / "payments.csv", infer_schema=False), grants)
    extra = payments.head(ROWS - payments.height).with_columns(pl.col("booked_on").str.to_date().dt.offset_by("1d"))
    payments = pl.concat([payments, extra.with_columns(pl.col("booked_on").dt.strftime("%Y-%m-%d"))])
    payments.write_csv(WORK / "payments" / "payments.csv")
    export = payments.join(grants, on="grant_id", how="left", maintain_order="left").join(
        citizens, on="citizen_id", how="left", maintain_order="left"
    )
    _write_settlement(export, WORK / "settlement.csv")


def _one_grant_each(payments: pl.DataFrame, grants: pl.DataFrame) -> pl.DataFrame:
    """The payments whose citizen, paragraph, provider and month point at exactly one grant."""
    keys = ["citizen_id", "paragraph", "provider_id"]
    month = (pl.col("service_month") + "-01").str.to_date()
    candidates = (
        payments.with_row_index("i")
        .join(grants.select("grant_id", *keys), on="grant_id")
        .with_columns(first=month, last=month.dt.month_end())
        .join(grants.select(*keys, "start", "end"), on=keys, nulls_equal=True)
        .filter((pl.col("start") <= pl.col("last")) & (pl.col("end").is_null() | (pl.col("end") >= pl.col("first"))))
        .group_by("i")
        .len()
        .filter(pl.col("len") == 1)
    )
    return payments.with_row_index("i").join(candidates.select("i"), on="i").sort("i").drop("i")


def _write_settlement(export: pl.DataFrame, path: Path) -> None:
    """The payments as a settlement system writes them (the boern-og-voksne profile's layout)."""
    month = (pl.col("service_month") + "-01").str.to_date()
    law, section = pl.col("paragraph").str.extract(r"^([A-Z]+)"), pl.col("paragraph").str.extract(r"(\d+\w*)$")
    frame = export.select(
        pl.col("cpr").alias("Cpr-nr."),
        pl.lit("Syntetisk Borger").alias("Navn"),
        pl.when(law == "SEL")
        .then(pl.format("§ {}", section))
        .otherwise(pl.format("{} {}", law, section))
        .alias("Paragraf"),
        pl.col("provider_id").alias("Leverandørnr."),
        month.dt.strftime("%d-%m-%Y").alias("Periode fra"),
        month.dt.month_end().dt.strftime("%d-%m-%Y").alias("Periode til"),
        pl.col("rate").alias("Takst"),
        pl.col("price_basis").replace_strict(UNITS).alias("Enhed"),
        pl.col("amount").cast(pl.Float64).alias("Beløb"),
        pl.col("booked_on").str.to_date().dt.strftime("%d-%m-%Y").alias("Bogført"),
    )
    amounts = [_danish(a) for a in frame["Beløb"].to_list()]
    rates = [_danish(float(r)) for r in frame["Takst"].to_list()]
    frame = frame.with_columns(pl.Series("Beløb", amounts), pl.Series("Takst", rates))
    text = frame.write_csv(separator=";")
    path.write_bytes(("Afregninger (syntetiske data)\r\n" + text).encode("cp1252"))


def _danish(amount: float) -> str:
    return f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def run_database(database: str, repeat: int) -> None:
    """Measure on one database: this process's Django points at it (set before Django starts)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dispo.web.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from dispo.services.importing import import_ledger
    from dispo.services.ledger import Ledger
    from dispo.services.profiles import import_file

    call_command("migrate", verbosity=0)
    ledger = Ledger.from_files({t: WORLD / f"{t}.csv" for t in LEDGER_TABLES})
    import_ledger(ledger, user="bench", reason="Benchmark")
    canonical_file = WORK / "payments" / "payments.csv"

    def clear() -> None:
        """Back to the world without payments (TRUNCATE on PostgreSQL: a DELETE leaves dead index entries that
        would slow every later run down)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE store_payment" if connection.vendor == "postgresql" else "DELETE FROM store_payment"
            )

    def canonical() -> None:
        result = import_ledger(Ledger.from_files({"payments": canonical_file}), user="bench", reason="Benchmark")
        assert result.payments_added in (0, ROWS), result

    def profile() -> None:
        result = import_file("boern-og-voksne", WORK / "settlement.csv", user="bench", reason="Benchmark")
        assert result.payments_added == ROWS, result

    def reference() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_reference")
            cursor.execute(
                "CREATE TABLE bench_reference (grant_id varchar(64), service_month varchar(7), booked_on date, "
                "amount numeric(16, 2))"
            )
            if connection.vendor == "postgresql":
                sql = "COPY bench_reference FROM STDIN WITH (FORMAT csv, HEADER)"
                with cursor.cursor.copy(sql) as copy, canonical_file.open("rb") as file:
                    while chunk := file.read(1 << 20):
                        copy.write(chunk)
            else:
                rows = pl.read_csv(canonical_file, infer_schema=False)
                cursor.executemany("INSERT INTO bench_reference VALUES (%s, %s, %s, %s)", rows.iter_rows())

    figures = {
        "canonical: read, validate, write payments.csv": median_seconds(canonical, repeat, clear),
        "profile: read, map, match, validate, write the settlement export": median_seconds(profile, repeat, clear),
        "again: the same canonical file a second time (adds nothing)": median_seconds(canonical, repeat),
        "reference: the database's own bulk insert of the raw rows": median_seconds(reference, repeat),
    }
    print(f"\n{database} ({connection.vendor}), {ROWS:,} payment rows, median of {repeat}:")
    print("| step | seconds | / reference |")
    print("| --- | ---: | ---: |")
    base = figures["reference: the database's own bulk insert of the raw rows"]
    for step, seconds in figures.items():
        print(f"| {step} | {seconds:.2f} | {seconds / base:.2f} |")


def database_url(database: str) -> str:
    if database == "sqlite":
        (WORK / "dispo.sqlite3").unlink(missing_ok=True)
        return f"sqlite:///{WORK / 'dispo.sqlite3'}"
    import psycopg

    server = os.environ.get("DISPO_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")
    return f"{server}/{POSTGRES_DATABASE}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="both", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_database(args.database, args.repeat)
        return
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}")
    prepare_files()
    for database in ("sqlite", "postgresql") if args.database == "both" else (args.database,):
        env = {**os.environ, "DISPO_DATABASE_URL": database_url(database), "DISPO_VAR_DIR": str(WORK)}
        command = [sys.executable, __file__, "--child", "--database", database, "--repeat", str(args.repeat)]
        subprocess.run(command, env=env, check=True)


if __name__ == "__main__":
    main()
