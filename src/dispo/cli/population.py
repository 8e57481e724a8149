"""`dispo import-population FILE`: Danmarks Statistik's FOLK1A table into the population table."""

from __future__ import annotations

from pathlib import Path

import click

from dispo.cli.shared import migrated_database, refusing_bad_input


@click.command(name="import-population")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_population(file: Path) -> None:
    """Indlæs befolkningstal (FOLK1A fra Statistikbanken, semikolonsepareret): alt eller intet, og de kvartaler
    filen indeholder, erstatter de gemte for samme kommune og kvartal."""
    migrated_database()
    from dispo.services.population import import_folk1a

    with refusing_bad_input():
        result = import_folk1a(file)
    click.echo(f"{result.rows} rækker læst, {result.cells} befolkningstal gemt")
    click.echo(f"kommuner: {', '.join(result.municipalities)}")
    click.echo(f"kvartaler: {', '.join(result.quarters)}")
