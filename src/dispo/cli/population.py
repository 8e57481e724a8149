"""`dispo import-population FILE`: Danmarks Statistik's FOLK1A table into the population table."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command(name="import-population")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_population(file: Path) -> None:
    """Indlæs befolkningstal (FOLK1A fra Statistikbanken, semikolonsepareret): alt eller intet, og de kvartaler
    filen indeholder, erstatter de gemte for samme kommune og kvartal."""
    from dispo.cli.main import _setup_django

    _setup_django()
    from django.core.management import call_command

    from dispo.services.canonical import InvalidData
    from dispo.services.population import import_folk1a

    call_command("migrate", verbosity=0)
    try:
        result = import_folk1a(file)
    except InvalidData as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    click.echo(f"{result.rows} rækker læst, {result.cells} befolkningstal gemt")
    click.echo(f"kommuner: {', '.join(result.municipalities)}")
    click.echo(f"kvartaler: {', '.join(result.quarters)}")
