"""What the benchmark suite measures: each step as dispo does it and as a plain query does the same aggregate.

Every step is prepared (untimed: reading its inputs, creating an empty database) and then run; `prepare` returns
the work to time and what to do before each repetition. The reference is DuckDB over the same data — the CSV
files for steps that start from files, the same tables in memory for steps that start from memory — except for
the forecast from a database, whose reference is that database's own SQL: DuckDB cannot read it without an
extension this machine does not have. Where the reference computes exactly the same figures (staircase
movements, reconciliation) the suite checks that it does.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import worlds

Work = Callable[[], object]
Prepared = tuple[Work, Callable[[], None]]


def _nothing() -> None:
    return None


def _duckdb_with(frames: dict[str, pl.DataFrame]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the frames as its own tables (through Parquet: DuckDB reads Polars frames
    only through pyarrow, which dispo does not need)."""
    connection = duckdb.connect()
    with tempfile.TemporaryDirectory() as folder:
        for name, frame in frames.items():
            path = Path(folder) / f"{name}.parquet"
            frame.write_parquet(path)
            connection.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{path}')")
    return connection


def _frame(relation: duckdb.DuckDBPyRelation) -> pl.DataFrame:
    return pl.DataFrame(relation.fetchall(), schema=relation.columns, orient="row")


@dataclass(frozen=True)
class Step:
    """One figure of the suite: what it is, the tables whose rows it grows with, and its two sides."""

    name: str
    label: str
    reference_label: str
    grows_with: tuple[str, ...]
    dispo: Callable[[Path, str], Prepared]
    reference: Callable[[Path, str], Prepared]
    database: str | None = None


BOOKED_BY_PARAGRAPH = """
    SELECT g.paragraph, sum(p.amount) AS booked, count(DISTINCT g.grant_id) AS grants
    FROM {payments} p JOIN {grants} g USING (grant_id)
    WHERE p.service_month LIKE '{year}-%' AND p.booked_on <= DATE '{today}'
    GROUP BY g.paragraph ORDER BY g.paragraph"""


def _booked_by_paragraph(payments: str, grants: str) -> str:
    return BOOKED_BY_PARAGRAPH.format(payments=payments, grants=grants, year=worlds.YEAR, today=worlds.TODAY)


# --- forecast -------------------------------------------------------------------------------------------------


def forecast_files(work: Path, size: str) -> Prepared:
    """`dispo forecast --by paragraph` from the files: read and validate them, then forecast."""
    from dispo.services.ledger import Ledger
    from dispo.services.reports import forecast_table

    source = worlds.folder(work, size)
    files = {t: source / f"{t}.csv" for t in ("grants", "payments", "rates", "budgets")}

    def run() -> object:
        ledger = Ledger.from_files(files)
        return forecast_table(ledger, worlds.YEAR, worlds.TODAY, "paragraph")

    return run, _nothing


def reference_files(work: Path, size: str) -> Prepared:
    source = worlds.folder(work, size)
    sql = _booked_by_paragraph(f"read_csv('{source / 'payments.csv'}')", f"read_csv('{source / 'grants.csv'}')")
    return lambda: duckdb.sql(sql).fetchall(), _nothing


def forecast_memory(work: Path, size: str) -> Prepared:
    """The forecast by paragraph from validated tables already in memory: the engine alone."""
    from dispo.services.ledger import Ledger
    from dispo.services.reports import forecast_table

    ledger = Ledger(worlds.tables(work, size, ("grants", "payments", "rates", "budgets")))
    return lambda: forecast_table(ledger, worlds.YEAR, worlds.TODAY, "paragraph"), _nothing


def reference_memory(work: Path, size: str) -> Prepared:
    connection = _duckdb_with(worlds.tables(work, size, ("grants", "payments")))
    sql = _booked_by_paragraph("payments", "grants")
    return lambda: connection.sql(sql).fetchall(), _nothing


# --- databases ------------------------------------------------------------------------------------------------


def _fresh_database() -> None:
    """An empty, migrated database at DISPO_DATABASE_URL (the suite's own: a file under the work folder, or
    the PostgreSQL database named by --postgres-url, dropped and created again)."""
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    url = os.environ["DISPO_DATABASE_URL"]
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        server, name = url.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
    call_command("migrate", verbosity=0)


def _import(work: Path, size: str) -> object:
    from dispo.services.importing import import_ledger
    from dispo.services.ledger import Ledger

    source = worlds.folder(work, size)
    ledger = Ledger.from_files({t: source / f"{t}.csv" for t in worlds.LEDGER})
    return import_ledger(ledger, user="bench", reason="Benchmark")


def import_database(work: Path, size: str) -> Prepared:
    """`dispo import` of the whole world into an empty database: read, validate, write in one transaction."""
    return lambda: _import(work, size), _fresh_database


def reference_import(work: Path, size: str) -> Prepared:
    """DuckDB reading the same files with their column types into the tables of a new database file."""
    from dispo.engine import schema

    source = worlds.folder(work, size)
    target = work / f"{size}-{worlds.SEED}" / "reference.duckdb"
    names = {pl.String: "VARCHAR", pl.Float64: "DOUBLE", pl.Date: "DATE", pl.Int32: "INTEGER"}

    def run() -> object:
        with duckdb.connect(target) as connection:
            for table in worlds.LEDGER:
                columns = ", ".join(f"'{c}': '{names[t]}'" for c, t in schema.TABLES[table].items())
                path = source / f"{table}.csv"
                connection.execute(
                    f"CREATE TABLE {table} AS SELECT * FROM read_csv('{path}', header=true, columns={{{columns}}})"
                )
        return None

    return run, lambda: target.unlink(missing_ok=True)


def forecast_database(work: Path, size: str) -> Prepared:
    """The forecast by paragraph from the database: the tables loaded in bulk, then the engine."""
    from dispo.services.reports import FORECAST_TABLES, forecast_table
    from dispo.store.loading import load_ledger

    if _stored_grants() != worlds.rows(work, size)["grants"]:
        _fresh_database()
        _import(work, size)

    def run() -> object:
        ledger = load_ledger(FORECAST_TABLES, worlds.YEAR)
        return forecast_table(ledger, worlds.YEAR, worlds.TODAY, "paragraph")

    return run, _nothing


def _stored_grants() -> int | None:
    """How many grants the database holds; None when it holds no ledger at all."""
    from django.db import DatabaseError

    from dispo.store.models import Grant

    try:
        return Grant.objects.count()
    except DatabaseError:
        return None


def reference_database(work: Path, size: str) -> Prepared:
    """The database's own SQL for the booked amounts by paragraph (the world must be stored: run after the
    forecast from the same database)."""
    from django.db import connection

    sql = _booked_by_paragraph("store_payment", "store_grant").replace("USING (grant_id)", "ON g.id = p.grant_id")
    sql = sql.replace("DISTINCT g.grant_id", "DISTINCT g.id")
    if connection.vendor == "sqlite":
        sql = sql.replace("DATE '", "'")

    def run() -> object:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    return run, _nothing


# --- reconciliation ---------------------------------------------------------------------------------------------


def two_sources(grants: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Source A: the grants as lines; source B: the same lines with known disagreements, chosen by row number —
    about 1.9 % missing, 2.1 % at a rate 10 % higher, 2.4 % ending 14 days later, 1.7 % without a provider."""
    a = grants.select(
        pl.col("citizen_id").alias("citizen"),
        "paragraph",
        pl.col("provider_id").alias("provider"),
        "start",
        "end",
        "rate",
    )
    i = pl.int_range(pl.len())
    b = (
        a.with_columns(
            rate=pl.when(i % 47 == 1).then(pl.col("rate") * 1.1).otherwise("rate"),
            end=pl.when(i % 41 == 2).then(pl.col("end") + pl.duration(days=14)).otherwise("end"),
            provider=pl.when(i % 59 == 3).then(None).otherwise("provider"),
        )
        .with_row_index("_i")
        .filter(pl.col("_i") % 53 != 0)
        .drop("_i")
    )
    return a, b


def reconciliation(work: Path, size: str) -> Prepared:
    """The ottetals-kontrol of the two sources (engine.reconciliation.reconcile): summary and every line."""
    from dispo.engine.reconciliation import reconcile

    a, b = two_sources(worlds.tables(work, size, ("grants",))["grants"])
    return lambda: reconcile(a, b)[0], _nothing


RECONCILE = """
    WITH ka AS (SELECT DISTINCT citizen, paragraph FROM a), kb AS (SELECT DISTINCT citizen, paragraph FROM b),
    lines AS (
        SELECT 'a' AS source, x.citizen, x.paragraph, {category_a} AS category
        FROM a x LEFT JOIN kb k ON k.citizen = x.citizen AND k.paragraph = x.paragraph
        UNION ALL
        SELECT 'b', x.citizen, x.paragraph, {category_b}
        FROM b x LEFT JOIN ka k ON k.citizen = x.citizen AND k.paragraph = x.paragraph)
    SELECT paragraph,
        count(*) FILTER (source = 'a') AS lines_a, count(*) FILTER (source = 'b') AS lines_b,
        count(DISTINCT citizen) FILTER (source = 'a') AS citizens_a,
        count(DISTINCT citizen) FILTER (source = 'b') AS citizens_b,
        count(DISTINCT citizen) FILTER (source = 'a' AND category = 'only') AS only_in_a,
        count(DISTINCT citizen) FILTER (source = 'b' AND category = 'only') AS only_in_b,
        count(*) FILTER (source = 'a' AND category = 'differs') AS differs_from_a,
        count(*) FILTER (source = 'b' AND category = 'differs') AS differs_from_b,
        count(*) FILTER (source = 'a' AND category = 'equal') AS equal_a,
        count(*) FILTER (source = 'b' AND category = 'equal') AS equal_b
    FROM lines GROUP BY paragraph ORDER BY paragraph"""


def _category(other: str) -> str:
    match = (
        "y.provider IS NOT DISTINCT FROM x.provider AND y.start IS NOT DISTINCT FROM x.start"
        ' AND y."end" IS NOT DISTINCT FROM x."end"'
        " AND (abs(y.rate - x.rate) <= 0.005 OR (y.rate IS NULL AND x.rate IS NULL))"
    )
    same_key = "y.citizen = x.citizen AND y.paragraph = x.paragraph"
    return (
        f"CASE WHEN k.citizen IS NULL THEN 'only' WHEN EXISTS (SELECT 1 FROM {other} y WHERE {same_key} AND {match})"
        " THEN 'equal' ELSE 'differs' END"
    )


def reference_reconciliation(work: Path, size: str) -> Prepared:
    a, b = two_sources(worlds.tables(work, size, ("grants",))["grants"])
    connection = _duckdb_with({"a": a, "b": b})
    sql = RECONCILE.format(category_a=_category("b"), category_b=_category("a"))
    return lambda: _frame(connection.sql(sql)), _nothing


# --- staircase --------------------------------------------------------------------------------------------------

FIRST = worlds.TODAY.replace(year=worlds.YEAR - 1)


def staircase(work: Path, size: str) -> Prepared:
    """Movements on the staircase between the same day a year apart (engine.staircase.movements)."""
    from dispo.engine.catalogue import step_table
    from dispo.engine.staircase import movements

    frames = worlds.tables(work, size, ("grants", "rates"))
    steps = step_table()
    return lambda: movements(frames["grants"], frames["rates"], steps, FIRST, worlds.TODAY), _nothing


STEPS_ON = """
    SELECT g.citizen_id, max(s.step) AS step, sum(CASE g.price_basis
        WHEN 'dag' THEN g.rate_on * {days} WHEN 'time' THEN coalesce(g.hours_per_week, 0) * g.rate_on / 7 * {days}
        WHEN 'maaned' THEN g.rate_on * 12 WHEN 'aar' THEN g.rate_on ELSE 0 END) AS cost
    FROM (SELECT g.*, coalesce(c.rate, g.rate) AS rate_on FROM grants g LEFT JOIN (
            SELECT grant_id, arg_max(rate, valid_from) AS rate FROM rates WHERE valid_from <= DATE '{day}'
            GROUP BY grant_id) c USING (grant_id)) g
    JOIN steps s ON s.paragraph = g.paragraph AND s.target_group = g.target_group
    WHERE s.step IS NOT NULL AND g.status <> 'forventet' AND g.price_basis <> 'engang'
        AND g.start <= DATE '{day}' AND (g."end" IS NULL OR g."end" >= DATE '{day}')
    GROUP BY g.citizen_id"""
MOVEMENTS = """
    WITH before AS ({before}), after AS ({after})
    SELECT coalesce(b.step, 0) AS from_step, coalesce(a.step, 0) AS to_step, count(*) AS citizens,
        sum(coalesce(a.cost, 0) - coalesce(b.cost, 0)) AS cost_change
    FROM before b FULL JOIN after a ON a.citizen_id = b.citizen_id
    GROUP BY ALL ORDER BY from_step, to_step"""


def _days(year: int) -> int:
    return 366 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 365


def reference_staircase(work: Path, size: str) -> Prepared:
    from dispo.engine.catalogue import step_table

    connection = _duckdb_with({**worlds.tables(work, size, ("grants", "rates")), "steps": step_table()})
    sql = MOVEMENTS.format(
        before=STEPS_ON.format(day=FIRST, days=_days(FIRST.year)),
        after=STEPS_ON.format(day=worlds.TODAY, days=_days(worlds.YEAR)),
    )
    return lambda: _frame(connection.sql(sql)), _nothing


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            "forecast-files",
            "forecast by paragraph from the CSV files (read, validate, forecast)",
            "DuckDB: booked amounts by paragraph from the same CSV files",
            ("grants", "payments", "rates"),
            forecast_files,
            reference_files,
        ),
        Step(
            "forecast-memory",
            "forecast by paragraph from validated tables in memory (the engine)",
            "DuckDB: booked amounts by paragraph from the same tables in memory",
            ("grants", "payments", "rates"),
            forecast_memory,
            reference_memory,
        ),
        Step(
            "import-sqlite",
            "import of the whole world into an empty SQLite database",
            "DuckDB: the same CSV files typed into a new database file",
            ("citizens", "grants", "rates", "payments"),
            import_database,
            reference_import,
            database="sqlite",
        ),
        Step(
            "forecast-sqlite",
            "forecast by paragraph from SQLite (bulk load, then the engine)",
            "SQLite's own SQL: booked amounts by paragraph",
            ("grants", "payments", "rates"),
            forecast_database,
            reference_database,
            database="sqlite",
        ),
        Step(
            "import-postgresql",
            "import of the whole world into an empty PostgreSQL database",
            "DuckDB: the same CSV files typed into a new database file",
            ("citizens", "grants", "rates", "payments"),
            import_database,
            reference_import,
            database="postgresql",
        ),
        Step(
            "forecast-postgresql",
            "forecast by paragraph from PostgreSQL (bulk load, then the engine)",
            "PostgreSQL's own SQL: booked amounts by paragraph",
            ("grants", "payments", "rates"),
            forecast_database,
            reference_database,
            database="postgresql",
        ),
        Step(
            "reconciliation",
            "ottetals-kontrol of the grants against a perturbed copy (summary and every line)",
            "DuckDB: the same summary per paragraph (checked equal)",
            ("grants",),
            reconciliation,
            reference_reconciliation,
        ),
        Step(
            "staircase",
            "staircase movements between 2025-09-30 and 2026-09-30",
            "DuckDB: the same from-step × to-step matrix (checked equal)",
            ("grants", "rates"),
            staircase,
            reference_staircase,
        ),
    )
}
"""Every step, in the order the suite runs them (a database's forecast reuses the world its import stored)."""
