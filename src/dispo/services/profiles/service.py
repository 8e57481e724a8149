"""Importing a source system's export through a profile: read, map, check everything, then write in one go.

`read_file` does every check an import does (the stored ledger included: payments find their grants there, and
references must point at stored or imported keys) and gives the canonical tables, for a preview. `import_file`
writes them through `dispo.services.importing`: one transaction, so a bad file or a killed process changes
nothing, and natural keys, so the same file twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
from django.conf import settings

from dispo.engine import schema
from dispo.services import canonical
from dispo.services.canonical import InvalidData, Problem
from dispo.services.importing import ImportResult, existing_keys, import_ledger
from dispo.services.ledger import Ledger
from dispo.services.profiles.mapping import map_source, sorted_problems
from dispo.services.profiles.matching import match_grants
from dispo.services.profiles.model import Profile, load_profile
from dispo.services.profiles.sources import read_source
from dispo.services.profiles.validation import in_source_terms, validated


def read_file(profile: str | Path | Profile, file: Path, municipality: str | None = None) -> dict[str, pl.DataFrame]:
    """The canonical tables in `file` read through `profile`, checked as an import checks them.

    `municipality` replaces `{municipality}` in the profile's values (default: this installation's code).
    Raises `InvalidData` listing every problem by the export's file, Excel row, column and text.
    """
    chosen = profile if isinstance(profile, Profile) else load_profile(profile)
    source = read_source(file, chosen)
    mapped, problems = map_source(source, chosen, municipality or settings.MUNICIPALITY)
    if problems and not mapped:
        raise InvalidData(problems)
    payments = chosen.tables.get("payments")
    if payments is not None and payments.match is not None:
        mapped["payments"], unmatched = match_grants(mapped["payments"], source.file, problems)
        problems += unmatched
    tables, invalid = validated(mapped, source, problems)
    problems += invalid
    if not problems:
        ledger_tables = {name: frame for name, frame in tables.items() if name in schema.TABLES}
        dangling = canonical.reference_problems(ledger_tables, existing_keys())
        problems += in_source_terms(dangling, mapped, source)
    if problems:
        raise InvalidData(sorted_problems(problems))
    return tables


def import_file(
    profile: str | Path | Profile,
    file: Path,
    user: str,
    reason: str,
    progress: Callable[[int, int], None] | None = None,
    municipality: str | None = None,
) -> ImportResult:
    """Check `file` through `profile` and write it in one transaction; `progress(rows written, rows)` as it goes."""
    tables = read_file(profile, file, municipality)
    unsaved = sorted(set(tables) - set(schema.TABLES))
    if unsaved:
        expected = (
            f"tabeller dispo kan gemme; {', '.join(unsaved)} kan læses og kontrolleres (read_file), men databasen "
            "har endnu ingen tabel til dem"
        )
        raise InvalidData([Problem(file.name, 0, "", "", expected)])
    return import_ledger(Ledger(tables), user=user, reason=reason, progress=progress)
