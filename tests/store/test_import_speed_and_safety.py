"""The fast payment path: what it stores, how it reports progress, and that a process killed in the middle of
writing leaves the database exactly as it was (SQLite and PostgreSQL). Speed itself is measured by
bench/import.py, not by a timed test."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from support.world import write_world

from dispo.services.importing import PAYMENT_BATCH, import_ledger
from dispo.services.ledger import Ledger
from dispo.store import models as m

SQLITE_ROWS = 800_000
"""Enough payments that their pages overflow the import's 64 MiB page cache and reach the log before the commit."""
STORE_TABLES = (
    "store_orgunit",
    "store_caseworker",
    "store_provider",
    "store_citizen",
    "store_case",
    "store_grant",
    "store_grantchange",
    "store_grantrate",
    "store_payment",
    "store_budget",
    "store_ledgerversion",
)


def payments_file(folder: Path, rows: int) -> Path:
    """A canonical payments.csv of `rows` corrections for the tiny world's g1, each booked on its own day."""
    folder.mkdir(parents=True, exist_ok=True)
    days = pl.int_range(0, rows, eager=True)
    frame = pl.DataFrame(
        {
            "grant_id": ["g1"] * rows,
            "service_month": ["2025-03"] * rows,
            "booked_on": [date(2025, 4, 1) + timedelta(days=int(d) % 3000) for d in days],
            "amount": (days % 997 + 0.25).cast(pl.Float64),
        }
    )
    frame.write_csv(folder / "payments.csv", date_format="%Y-%m-%d")
    return folder


@pytest.mark.django_db
def test_progress_is_reported_per_batch_of_payments_written(tmp_path: Path) -> None:
    import_ledger(Ledger.from_folder(write_world(tmp_path / "world")), user="test", reason="Import")
    folder = payments_file(tmp_path / "many", 2 * PAYMENT_BATCH + 20_000)
    calls: list[tuple[int, int]] = []
    first = import_ledger(Ledger.from_folder(folder), user="test", reason="Import", progress=lambda *a: calls.append(a))
    assert calls == [(50_000, 120_000), (100_000, 120_000), (120_000, 120_000)]
    assert first.payments_added == 120_000
    again = import_ledger(Ledger.from_folder(folder), user="test", reason="Import")
    assert again.payments_added == 0
    assert m.Payment.objects.count() == 3 + 120_000


@pytest.mark.django_db
def test_a_payment_is_stored_with_its_grant_its_amount_in_oere_and_its_content_key(tmp_path: Path) -> None:
    world = write_world(tmp_path / "world")
    payments = world / "payments.csv"
    payments.write_text(payments.read_text() + "g2,2025-04,2025-05-02,1234.567\n")
    import_ledger(Ledger.from_folder(world), user="test", reason="Import")
    stored = m.Payment.objects.get(grant__grant_id="g2")
    assert (stored.service_month, stored.booked_on, str(stored.amount)) == ("2025-04", date(2025, 5, 2), "1234.57")
    # The key is SHA-256 of "grant|month|booked|amount#n" (n identical rows before it), as it always was.
    january = m.Payment.objects.get(grant__grant_id="g1", service_month="2025-01")
    assert january.import_key == hashlib.sha256(b"g1|2025-01|2025-01-03|31000.0#0").hexdigest()[:40]


def dispo_command() -> list[str]:
    script = Path(sys.executable).parent / "dispo"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dispo.cli.main"]


def run_import(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*dispo_command(), "import", str(folder)], env=env, capture_output=True, text=True, check=True
    )


def kill_while_writing(folder: Path, env: dict[str, str], writing: Callable[[], bool]) -> None:
    """Start `dispo import FOLDER`, wait until `writing()` says rows are being written, and SIGKILL it."""
    process = subprocess.Popen(
        [*dispo_command(), "import", str(folder)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 50
    try:
        while not writing():
            assert process.poll() is None, "the import ended before it was seen writing"
            assert time.monotonic() < deadline, "the import was never seen writing"
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def environment(database_url: str, var: Path) -> dict[str, str]:
    return {**os.environ, "DISPO_DATABASE_URL": database_url, "DISPO_VAR_DIR": str(var)}


def logs(database: Path) -> list[Path]:
    """The files SQLite keeps a transaction's pages in: the write-ahead log, or the rollback journal."""
    return [Path(f"{database}-wal"), Path(f"{database}-journal")]


def digest(rows: list[tuple[object, ...]]) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.mark.slow
def test_a_sqlite_import_killed_while_writing_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    import sqlite3

    database = tmp_path / "dispo.sqlite3"
    env = environment(f"sqlite:///{database}", tmp_path)
    run_import(write_world(tmp_path / "world"), env)
    big = payments_file(tmp_path / "big", SQLITE_ROWS)

    def snapshot() -> dict[str, str]:
        with sqlite3.connect(database) as db:
            return {t: digest(db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()) for t in STORE_TABLES}

    before = snapshot()
    sizes = {path: path.stat().st_size if path.exists() else 0 for path in logs(database)}

    def writing() -> bool:
        """Rows of the open transaction reach the disk: frames in the write-ahead log (WAL mode), or pages
        saved in the rollback journal (the default mode) once the page cache overflows."""
        return any(path.exists() and path.stat().st_size > sizes[path] + 1_000_000 for path in sizes)

    kill_while_writing(big, env, writing)
    assert writing(), "killed inside the transaction: its uncommitted pages are on disk"
    assert snapshot() == before
    run_import(big, env)
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM store_payment").fetchone() == (3 + SQLITE_ROWS,)


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database on the server DISPO_DATABASE_URL names, dropped afterwards."""
    url = os.environ.get("DISPO_DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("runs in the PostgreSQL pass (DISPO_DATABASE_URL=postgresql://…)")
    import psycopg

    base = url.rsplit("/", 1)[0]
    name = f"dispo_crash_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.slow
@pytest.mark.postgres
def test_a_postgresql_import_killed_while_writing_leaves_the_database_as_it_was(
    tmp_path: Path, postgres_database: str
) -> None:
    import psycopg

    env = environment(postgres_database, tmp_path)
    run_import(write_world(tmp_path / "world"), env)
    big = payments_file(tmp_path / "big", 400_000)
    name = postgres_database.rsplit("/", 1)[1]

    def snapshot() -> dict[str, str]:
        with psycopg.connect(postgres_database) as db:
            return {t: digest(db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()) for t in STORE_TABLES}

    def copying() -> bool:
        with psycopg.connect(postgres_database, autocommit=True) as db:
            query = "SELECT coalesce(max(tuples_processed), 0) FROM pg_stat_progress_copy WHERE datname = %s"
            row = db.execute(query, (name,)).fetchone()
            return row is not None and row[0] > 100_000

    before = snapshot()
    kill_while_writing(big, env, copying)
    with psycopg.connect(postgres_database, autocommit=True) as db:
        for _ in range(500):  # the server ends the orphaned backend and rolls its transaction back
            (active,) = db.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,)
            ).fetchone() or (0,)
            if not active:
                break
            time.sleep(0.02)
    assert snapshot() == before
    run_import(big, env)
    with psycopg.connect(postgres_database) as db:
        assert db.execute("SELECT count(*) FROM store_payment").fetchone() == (3 + 400_000,)


def month_index() -> list[dict[str, object]]:
    """The payments' indexes on (grant, service month), as the database describes them."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, m.Payment._meta.db_table)
    return [c for c in constraints.values() if c["index"] and c["columns"] == ["grant_id", "service_month"]]


@pytest.mark.django_db
def test_the_grant_and_month_index_is_there_after_a_first_and_after_a_later_import(tmp_path: Path) -> None:
    # The first import more than doubles the (empty) table, so SQLite builds the index after the rows are in;
    # the later one adds fewer rows than are stored and keeps it as it is.
    import_ledger(Ledger.from_folder(write_world(tmp_path / "world")), user="test", reason="Import")
    assert len(month_index()) == 1
    import_ledger(Ledger.from_folder(payments_file(tmp_path / "more", 2)), user="test", reason="Import")
    [index] = month_index()
    assert index["type"] in ("idx", "btree")
    assert m.Payment.objects.filter(grant__grant_id="g1", service_month="2025-03").count() == 2
