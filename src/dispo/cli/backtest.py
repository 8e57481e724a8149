"""`dispo backtest`: how good the forecast was, month by month, against the simple methods; `dispo import-known`:
the decision and end-registration dates the back-test replays from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
import polars as pl

from dispo.cli.shared import database_ledger, emit, iso_date, migrated_database, refusing_bad_input
from dispo.services import backtest as service

METHOD_NAMES = {
    "dispo": "dispo",
    "budget": "budgettet",
    "run_rate": "forbrug til dato × 12 / måneder",
    "last_month": "seneste måned × resterende måneder",
}


def _seeds(_ctx: click.Context, _param: click.Parameter, value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(f"'{value}' er ikke hele tal adskilt af komma, fx 1,2,3") from None


def _database_rows(year: int | None) -> pl.DataFrame:
    ledger = database_ledger()
    from dispo.store.knowledge.loading import load_known  # needs the Django setup done by database_ledger

    today = service.last_day(ledger)
    return service.run(ledger, load_known(), year or today.year - 1, today)


@click.command(name="backtest")
@click.option(
    "--world",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="En mappe med kanoniske CSV-filer og known.csv.",
)
@click.option(
    "--size", type=click.Choice(["demo", "large", "national"]), help="Syntetiske verdener af denne størrelse."
)
@click.option("--seeds", callback=_seeds, help="Frø til de syntetiske verdener, fx 1,2,3 (med --size).")
@click.option("--today", callback=iso_date, help="De syntetiske verdeners 'i dag' ÅÅÅÅ-MM-DD (standard: i dag).")
@click.option("--year", type=int, help="Året der afprøves (standard: året før 'i dag').")
@click.option("--by", type=click.Choice(["month", "paragraph"]), default="month", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "xlsx"]), default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Skriv til fil i stedet for stdout.")
def backtest(
    world: Path | None,
    size: str | None,
    seeds: list[int] | None,
    today: date | None,
    year: int | None,
    by: str,
    fmt: str,
    out: Path | None,
) -> None:
    """Genspil hver månedsafslutning i et forløbet år: prognosen som den ville være lavet den dag, af dispo og
    af de enkle metoder, mod årets faktiske resultat. Fra databasen, fra en mappe (--world) eller fra
    syntetiske verdener (--size demo --seeds 1,2,3)."""
    if world is not None and size is not None:
        raise click.UsageError("Vælg enten --world eller --size, ikke begge.")
    if seeds is not None and size is None:
        raise click.UsageError("--seeds kræver --size.")
    with refusing_bad_input():
        if size is not None:
            rows = service.synthetic(size, seeds or [1], year, today or date.today())
        elif world is not None:
            ledger, known = service.read_world(world)
            day = service.last_day(ledger)
            rows = service.run(ledger, known, year or day.year - 1, day)
        else:
            rows = _database_rows(year)
    months = service.month_table(rows)
    table = months if by == "month" else service.paragraph_table(rows)
    emit(_readable(table) if fmt == "table" else table, fmt, out)
    if fmt == "table":
        click.echo(_summary(service.summary(months)))


def _readable(table: pl.DataFrame) -> pl.DataFrame:
    """For the terminal: kroner whole, per cents with two decimals, the forecasts themselves left out of the
    month table (their errors say it)."""
    hidden = set(METHOD_NAMES) if "err_dispo_pct" in table.columns else set()
    return table.select(
        pl.col(name).round(2)
        if name.endswith("_pct") or name == "coverage"
        else pl.col(name).round(0).cast(pl.Int64)
        if table.schema[name] == pl.Float64
        else pl.col(name)
        for name in table.columns
        if name not in hidden
    )


def _summary(summary: service.Summary) -> str:
    share = f"{summary.coverage * 100:.1f}".replace(".", ",")
    march = f"{summary.march_error:.2f}".replace(".", ",")
    lines = [
        f"80 %-intervallet rummede det faktiske resultat i {round(summary.coverage * summary.cases)} af "
        f"{summary.cases} tilfælde ({share} %).",
        f"Største fejl i dispos prognose ultimo marts: {march} % af årets resultat.",
    ]
    lines += [
        f"dispo ramte tættere end {METHOD_NAMES[method]} i {wins} af {summary.cases} tilfælde."
        for method, wins in summary.best.items()
    ]
    return "\n".join(lines)


@click.command(name="import-known")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_known(file: Path) -> None:
    """Indlæs known.csv (hvornår hver bevilling blev besluttet, og hvornår dens slutdato blev kendt) til
    databasen: alt eller intet, og to gange ændrer intet."""
    migrated_database()
    from dispo.store.knowledge.loading import import_known as store

    with refusing_bad_input():
        rows = store(file)
    click.echo(f"{rows} bevillingers datoer gemt")
