"""What the `dispo` commands share: option parsers, the database, refusing bad input, writing a table."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click
import polars as pl

from dispo.services import exports
from dispo.services.canonical import InvalidData
from dispo.services.ledger import Ledger


def iso_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """A click callback: an ISO date (ÅÅÅÅ-MM-DD) or None, with a Danish message for anything else."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' er ikke en dato på formen ÅÅÅÅ-MM-DD") from None


def setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dispo.web.settings")
    django.setup()
    from django.conf import settings

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)  # where the embedded SQLite database lives


def migrated_database() -> None:
    """Django set up and the database migrated: what every command that writes to the database starts with."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def database_ledger(tables: Iterable[str] | None = None, year: int | None = None) -> Ledger:
    """The stored ledger, loaded in bulk (`tables` and `year` as for `store.loading.load_ledger`)."""
    setup_django()
    from dispo.store.loading import load_ledger

    return load_ledger(tables, year)


@contextmanager
def refusing_bad_input() -> Iterator[None]:
    """Bad input ends the command with its problems on stderr and exit status 2; nothing has been written."""
    try:
        yield
    except InvalidData as error:
        click.echo(str(error), err=True)
        sys.exit(2)


def emit(table: pl.DataFrame, fmt: str, out: Path | None) -> None:
    """Write `table` as a text table, CSV or XLSX, to `out` or (not XLSX) to stdout."""
    if fmt == "xlsx":
        if out is None:
            raise click.UsageError("--format xlsx kræver --out FIL.xlsx")
        out.write_bytes(exports.to_xlsx(table))
        return
    text = exports.to_csv(table) if fmt == "csv" else exports.to_text(table) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
