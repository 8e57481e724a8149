"""`dispo …`: the batch jobs — demo, synth, import, export, forecast."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
import polars as pl

from dispo.cli.backtest import backtest, import_known
from dispo.cli.population import import_population
from dispo.cli.shared import database_ledger, emit, iso_date, migrated_database, refusing_bad_input, setup_django
from dispo.services import exports
from dispo.services.ledger import Ledger
from dispo.services.reports import DIMENSIONS, FORECAST_TABLES, forecast_table

BY_CHOICES = ["grant", *DIMENSIONS]


@click.group()
def cli() -> None:
    """dispo — dispositionsregnskab for det specialiserede socialområde."""


@cli.command()
@click.option("--year", type=int, help="Regnskabsåret (standard: as-of-datoens år).")
@click.option("--as-of", callback=iso_date, help="Opgørelsesdato ÅÅÅÅ-MM-DD (standard: i dag).")
@click.option("--by", type=click.Choice(BY_CHOICES), default="paragraph", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "table"]), default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Skriv til fil i stedet for stdout.")
@click.option("--grants", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--payments", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rates", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--budgets", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--providers", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--citizens", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--net", is_flag=True, help="Tilføj kolonnerne fra brutto til netto (egenbetaling, refusion, moms, SDE).")
@click.option(
    "--municipality",
    envvar="DISPO_MUNICIPALITY",
    default="999",
    show_default=True,
    help="Kommunekoden hvis netto det er.",
)
def forecast(
    year: int | None,
    as_of: date | None,
    by: str,
    fmt: str,
    out: Path | None,
    grants: Path | None,
    payments: Path | None,
    rates: Path | None,
    budgets: Path | None,
    providers: Path | None,
    citizens: Path | None,
    net: bool,
    municipality: str,
) -> None:
    """Forventet regnskab for et år pr. dimension — fra databasen, eller fra kanoniske CSV-filer (--grants)."""
    as_of = as_of or date.today()
    year = year or as_of.year
    files = {
        "grants": grants,
        "payments": payments,
        "rates": rates,
        "budgets": budgets,
        "providers": providers,
    }
    given = {table: path for table, path in files.items() if path is not None}
    if given and grants is None:
        raise click.UsageError("--payments, --rates, --budgets, --providers og --citizens kræver --grants.")
    stored = [*FORECAST_TABLES, "citizens"] if net else FORECAST_TABLES
    with refusing_bad_input():
        ledger = Ledger.from_files(given) if given else database_ledger(stored, year)
    steps = None if given else _stored_steps()
    table = forecast_table(ledger, year, as_of, by, municipality if net else None, steps)
    emit(table, fmt, out)


def _stored_steps() -> pl.DataFrame:
    """The steps of the staircase models in effect in the database (files stand on the shipped defaults)."""
    from dispo.services.staircases import step_table

    return step_table()


@cli.command()
@click.option("--size", type=click.Choice(["demo", "large", "national"]), default="demo", show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--today", callback=iso_date, help="Verdens 'i dag' ÅÅÅÅ-MM-DD (standard: i dag).")
@click.option(
    "--sources",
    is_flag=True,
    help="Skriv også kildesystemernes udtræk (Nexus, Børn og Voksne, Prisme) med kendte uoverensstemmelser og "
    "deres nøgle (noegle.csv) i OUT/kilder/.",
)
def synth(size: str, seed: int, out: Path, today: date | None, sources: bool) -> None:
    """Skriv en syntetisk kommune (eller 98) som kanoniske CSV-filer. Alle data er syntetiske."""
    from dispo.services.synth import write_world
    from dispo.services.synth.sources import write_sources

    out.mkdir(parents=True, exist_ok=True)
    counts = write_world(size, seed, out, today=today)
    if sources:
        counts |= write_sources(out, out / "kilder", seed, today or date.today())
    for table, rows in counts.items():
        click.echo(f"{table}: {rows} rækker")


@cli.command(name="import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--profile",
    help="Importprofil for en eksport fra et kildesystem (CSV eller XLSX): en medfølgende (nexus, "
    "boern-og-voksne, prisme) eller stien til en YAML-fil. Uden --profile er SOURCE en mappe med kanoniske CSV-filer.",
)
@click.option("--reason", default="Import af kanoniske filer", show_default=True, help="Begrundelse i historikken.")
@click.option("--user", default="cli", show_default=True)
def import_(source: Path, profile: str | None, reason: str, user: str) -> None:
    """Indlæs en mappe med kanoniske CSV-filer, eller med --profile en eksport fra et kildesystem: alt eller
    intet, og to gange ændrer intet."""
    migrated_database()
    from dispo.services.importing import import_ledger
    from dispo.services.profiles.service import import_file
    from dispo.store.knowledge.loading import import_known as store_known_dates

    if profile is None and not source.is_dir():
        raise click.UsageError("Uden --profile skal SOURCE være en mappe med kanoniske CSV-filer.")
    with refusing_bad_input():
        if profile is None:
            result = import_ledger(Ledger.from_folder(source), user=user, reason=reason)
            if (source / "known.csv").exists():
                click.echo(f"kendte datoer: {store_known_dates(source / 'known.csv')} bevillinger")
        else:
            with click.progressbar(length=1, label="Skriver betalinger", file=sys.stderr) as bar:

                def progress(done: int, total: int) -> None:
                    bar.length = total
                    bar.update(done - bar.pos)

                result = import_file(profile, source, user=user, reason=reason, progress=progress)
    for table, rows in result.counts.items():
        click.echo(f"{table}: {rows} rækker læst")
    click.echo(f"bevillinger: {result.grants_created} nye, {result.grants_changed} ændrede")
    click.echo(f"betalinger: {result.payments_added} nye")


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export(folder: Path) -> None:
    """Skriv hele databasen som kanoniske CSV-filer (med fulde CPR-numre: opbevar dem derefter)."""
    setup_django()
    from dispo.services.exporting import export_folder

    for table, rows in export_folder(folder).items():
        click.echo(f"{table}: {rows} rækker")


@cli.command()
@click.option("--port", default=8000, show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option("--no-serve", is_flag=True, help="Opret demoen, men start ikke webserveren.")
def demo(port: int, seed: int, no_serve: bool) -> None:
    """Opret demokommunen (Eksempel Kommune) i den indlejrede SQLite-database og start webappen."""
    migrated_database()
    from django.conf import settings
    from django.contrib.auth.models import User

    from dispo.services.demo import create_demo_users, load_demo_world
    from dispo.services.followups.demo import seed_demo_followups
    from dispo.services.population import load_demo_population
    from dispo.services.reviews import seed_demo_reviews
    from dispo.services.screening.demo import seed_demo as seed_demo_screening

    today = date.today()
    click.echo(f"Opretter {settings.MUNICIPALITY_NAME} (syntetiske data) …")
    load_demo_world(settings.VAR_DIR / "demo-world", today, seed)
    load_demo_population(settings.VAR_DIR / "demo-world", today)
    users = create_demo_users()
    seed_demo_followups(today)
    seed_demo_reviews(User.objects.get(username="controller"))
    seed_demo_screening(today.year, today, seed)
    ledger = database_ledger()
    table = forecast_table(ledger, today.year, today, "paragraph")
    total = exports.danish_number(table["forecast"].sum(), 0)
    click.echo(f"Forventet regnskab {today.year} pr. {today:%d-%m-%Y}: {total} kr. brutto")
    click.echo("\nDemobrugere (kun demo):")
    for user in users:
        click.echo(f"  {user.username:<16} {user.password:<22} {user.role.value:<14} {user.note}")
    if no_serve:
        return
    click.echo(f"\nÅbn http://127.0.0.1:{port}/ — stop med Ctrl+C")
    from waitress import serve

    from dispo.web.wsgi import application

    serve(application, host="127.0.0.1", port=port, threads=4, ident="dispo")


@cli.command(name="create-admin")
@click.argument("username")
@click.password_option(prompt="Adgangskode", confirmation_prompt="Gentag adgangskoden")
def create_admin(username: str, password: str) -> None:
    """Opret (eller nulstil) en systemadministrator: den første bruger på en ny installation."""
    migrated_database()
    from django.contrib.auth.models import Group, User
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from dispo.store.access import Role

    user = User.objects.filter(username=username).first() or User(username=username)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise click.BadParameter(" ".join(error.messages), param_hint="adgangskode") from None
    user.set_password(password)
    user.is_active = True
    user.save()
    user.groups.add(Group.objects.get_or_create(name=Role.ADMINISTRATOR.value)[0])
    click.echo(f"{username} er systemadministrator.")


cli.add_command(import_population)
cli.add_command(backtest)
cli.add_command(import_known)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
