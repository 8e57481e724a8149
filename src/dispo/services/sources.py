"""Source extracts: an export of a source system read through its profile, kept for the ottetals-kontrol.

Reading (`read_extract`) checks the file as the profile import does, with one difference of purpose: an extract is
kept to *find* disagreements, so a cell that does not read (an unknown paragraph spelling, a bad date) or a row
exported twice is a problem of that row — listed, counted in the data quality, left out of the comparison — not a
reason to refuse the file. A file that cannot be read as a whole (wrong kind of file, empty, wrong encoding, no
header, a required column missing) is refused with its problems, and nothing changes.

Storing (`store_extract`) is one transaction: the extract and its lines (bulk, never row by row), its quality
measurement, and — when asked — the ledger import of the same file through the profile, which refuses any problem
as it always does. The new extract replaces the current one of its kind only when all of that succeeded; the same
file as the current extract adds nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dispo.services import data_quality, source_lines
from dispo.services.canonical import InvalidData, Problem
from dispo.services.profiles.formats import normal_code
from dispo.services.profiles.mapping import MATCH, Mapped, map_source, sorted_problems
from dispo.services.profiles.model import Profile, load_profile
from dispo.services.profiles.sources import ROW, Source, read_source
from dispo.services.profiles.validation import validated
from dispo.store.cpr import pseudonym_key
from dispo.store.sources.models import SourceExtract, SourceLine

SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
"""The files an extract can be read from: CSV (also as .txt, as some systems name it) and XLSX."""
PREVIEW_ROWS = 20
LINE_BATCH = 5000
REQUIRED_PAYMENTS = ("service_month", "amount")


@dataclass(frozen=True)
class Reading:
    """An export read through its profile: its lines (with `problem`), the problems by row, column, value and
    what was expected, and what the quality measurement needs."""

    profile: Profile
    kind: str
    file: str
    sha256: str
    rows: int
    duplicate_rows: int
    lines: pl.DataFrame
    problems: list[Problem]

    @property
    def problem_rows(self) -> int:
        return int(self.lines["problem"].sum())

    def preview(self) -> pl.DataFrame:
        """The first rows after mapping, as the page shows them (no pseudonym, CPR masked)."""
        return self.lines.head(PREVIEW_ROWS).drop("citizen")


@dataclass(frozen=True)
class Stored:
    extract: SourceExtract
    added: bool
    """False when the file was the current extract of its kind already (nothing was added)."""


def kind_of(profile: Profile) -> str:
    """The kind of source a profile reads (by its `system`)."""
    kind = source_lines.SYSTEMS.get(profile.system)
    if kind is None:
        known = ", ".join(source_lines.SYSTEMS)
        raise InvalidData([Problem(profile.path.name, 0, "system", profile.system, f"en af: {known}")])
    return kind


def _check_file(path: Path, name: str) -> None:
    if path.suffix.lower() not in SUFFIXES and path.suffix.lower() != ".xls":
        expected = "en CSV- eller XLSX-fil (.csv, .txt eller .xlsx); gem udtrækket i et af de formater"
        raise InvalidData([Problem(name, 0, "", path.suffix, expected)])
    if path.stat().st_size == 0:
        raise InvalidData([Problem(name, 0, "", "", "en fil med en overskrift og rækker under den; filen er tom")])


def _duplicates(source: Source) -> list[Problem]:
    """Rows that repeat an earlier row in every cell (only where the profile refuses repeats)."""
    columns = [c for c in source.rows.columns if c != ROW]
    first = pl.col(ROW).min().over(columns)
    repeats = source.rows.select(ROW, first.alias("_first")).filter(pl.col(ROW) != pl.col("_first"))
    return [
        Problem(source.file, row, "", "", f"rækker der ikke gentager hinanden; rækken er magen til række {earlier}")
        for row, earlier in repeats.iter_rows()
    ]


def _without_rows(source: Source, rows: set[int]) -> Source:
    """`source` without the repeats of earlier rows: a row exported twice is one problem (the copy), and the
    original still counts, as it would have had the export been right."""
    if not rows:
        return source
    return dataclasses.replace(source, rows=source.rows.filter(~pl.col(ROW).is_in(sorted(rows))))


def _repeated_columns(source: Source, profile: Profile) -> list[Problem]:
    """Columns the profile reads that the header names more than once: which of them is meant is a guess."""
    positions: dict[str, list[int]] = {}
    for position, names in enumerate(source.names.values(), start=1):
        for name in dict.fromkeys(normal_code(n) for n in names):
            positions.setdefault(name, []).append(position)
    problems = []
    for wanted in profile.columns():
        found = positions.get(normal_code(wanted), [])
        if len(found) > 1:
            where = " og ".join(str(p) for p in found)
            expected = f"kolonnen '{wanted}' én gang i overskriften; den står i kolonne {where}"
            problems.append(Problem(source.file, 0, wanted, "", expected))
    return problems


def _payment_problems(payments: Mapped, file: str) -> list[Problem]:
    """The settlement system's required values (its payments are not matched to grants here)."""
    problems = []
    for column in (*REQUIRED_PAYMENTS, f"{MATCH}cpr"):
        if column not in payments.frame.columns:
            continue
        origin = payments.origins.get(column, payments.inputs.get("grant_id", (column,))[0])
        for row in payments.frame.filter(pl.col(column).is_null())[ROW].to_list():
            problems.append(Problem(file, row, origin, "", "en værdi (kolonnen er påkrævet)"))
    return problems


def _tables(mapped: dict[str, Mapped]) -> dict[str, pl.DataFrame]:
    """The frames `source_lines.lines` reads: payments with their match columns as the payment's own keys."""
    tables = {name: table.frame for name, table in mapped.items()}
    if "payments" in tables:
        frame = tables["payments"]
        tables["payments"] = frame.rename({c: c.removeprefix(MATCH) for c in frame.columns if c.startswith(MATCH)})
    return tables


def read_extract(profile: str | Path | Profile, path: Path, name: str | None = None) -> Reading:
    """Read `path` through `profile` as an extract; `name` is the file's name as the user knows it.

    Raises `InvalidData` when the file cannot be read as a whole; problems of single rows are in the result.
    """
    chosen = profile if isinstance(profile, Profile) else load_profile(profile)
    file = name or path.name
    _check_file(path, file)
    kind = kind_of(chosen)
    lenient = dataclasses.replace(chosen, file=dataclasses.replace(chosen.file, duplicates="keep"))
    source = dataclasses.replace(read_source(path, lenient), file=file)
    if source.rows.is_empty():
        raise InvalidData([Problem(file, 0, "", "", "mindst én række under overskriften; der er ingen")])
    repeated = _repeated_columns(source, chosen)
    if repeated:
        raise InvalidData(repeated)
    repeats = _duplicates(source) if chosen.file.duplicates == "refuse" else []
    mapped, problems = map_source(_without_rows(source, {p.row for p in repeats}), lenient, settings.MUNICIPALITY)
    if problems and not mapped:
        raise InvalidData(problems)
    checked = {n: t for n, t in mapped.items() if n != "payments"}
    problems += validated(checked, source, problems)[1]
    if "payments" in mapped:
        problems += _payment_problems(mapped["payments"], file)
    problems = sorted_problems([*problems, *repeats])
    bad_rows = sorted({p.row for p in problems if p.row > 0})
    lines = source_lines.lines(kind, _tables(mapped), pseudonym_key()).with_columns(
        problem=pl.col("row").is_in(bad_rows)
    )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Reading(chosen, kind, file, digest, source.rows.height, len(repeats), lines, problems)


def _line_objects(extract: SourceExtract, lines: pl.DataFrame) -> Iterator[SourceLine]:
    text = [c for c, t in source_lines.LINE.items() if t == pl.String]
    frame = lines.with_columns(pl.col(text).fill_null(""))
    for record in frame.iter_rows(named=True):
        yield SourceLine(extract=extract, **record)


def current_citizens() -> set[str] | None:
    """The citizens of the case system's current extract (None when there is none)."""
    case = SourceExtract.objects.filter(kind="case", current=True).first()
    if case is None:
        return None
    return set(SourceLine.objects.filter(extract=case).exclude(citizen="").values_list("citizen", flat=True))


def store_extract(
    reading: Reading,
    path: Path,
    user: str,
    at: datetime | None = None,
    into_ledger: bool = False,
) -> Stored:
    """Keep `reading` as the current extract of its kind, in one transaction (see the module's docstring).

    `into_ledger` also imports the file into the ledger through the profile (raises `InvalidData` on any
    problem, and then nothing is stored). `at` is when it was imported (default now): the quality series'
    date.
    """
    moment = at or timezone.now()
    with transaction.atomic():
        current = SourceExtract.objects.select_for_update().filter(kind=reading.kind, current=True).first()
        if current is not None and (current.sha256, current.profile) == (reading.sha256, reading.profile.name):
            return Stored(current, added=False)
        if into_ledger:
            from dispo.services.profiles.service import import_file

            import_file(reading.profile, path, user=user, reason=f"Indlæst fra {reading.file}")
        citizens = None if reading.kind == "case" else current_citizens()
        previous = SourceExtract.objects.filter(kind=reading.kind, current=True)
        SourceLine.objects.filter(extract__in=previous).delete()
        previous.update(current=False)
        extract = SourceExtract.objects.create(
            kind=reading.kind,
            profile=reading.profile.name,
            file_name=reading.file,
            sha256=reading.sha256,
            rows=reading.rows,
            problem_rows=reading.problem_rows,
            imported_by=user,
            imported_at=moment,
        )
        SourceLine.objects.bulk_create(_line_objects(extract, reading.lines), batch_size=LINE_BATCH)
        quality = data_quality.measure(reading.kind, reading.lines, reading.rows, reading.duplicate_rows, citizens)
        data_quality.record(extract, quality, timezone.localdate(moment))
    return Stored(extract, added=True)


def current_lines() -> dict[str, pl.DataFrame]:
    """The lines of each kind's current extract that can be compared (rows without a problem), as
    `source_lines.LINE` frames."""
    found: dict[str, pl.DataFrame] = {}
    for extract in SourceExtract.objects.filter(current=True):
        values = SourceLine.objects.filter(extract=extract, problem=False).values_list(*source_lines.LINE)
        frame = pl.DataFrame(list(values), schema=source_lines.LINE, orient="row")
        text = [c for c, t in source_lines.LINE.items() if t == pl.String]
        found[extract.kind] = frame.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in text)
    return found


def current_extracts() -> dict[str, SourceExtract]:
    return {e.kind: e for e in SourceExtract.objects.filter(current=True)}


UPLOADS = "uploads"
"""Folder under VAR_DIR where an uploaded export waits, keyed by a token, between preview and confirmation."""
_TOKEN = re.compile(r"[0-9a-f]{32}")


def keep_upload(name: str, chunks: Iterable[bytes]) -> Path:
    """Write an uploaded file under a new token (its folder) and return its path; the name keeps only its last
    part, so an upload cannot write outside the folder."""
    token = secrets.token_hex(16)
    folder = Path(settings.VAR_DIR) / UPLOADS / token
    folder.mkdir(parents=True)
    path = folder / (Path(name).name or "udtraek")
    with path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return path


def upload_path(token: str) -> Path | None:
    """The waiting file of `token`, or None when there is none (a wrong token, or one already used)."""
    if not _TOKEN.fullmatch(token):
        return None
    folder = Path(settings.VAR_DIR) / UPLOADS / token
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    return files[0] if files else None


def discard_upload(token: str) -> None:
    """Delete the waiting file of `token` and its folder."""
    path = upload_path(token)
    if path is not None:
        shutil.rmtree(path.parent)


DEMO_EXPORTS = (
    ("nexus", "nexus-bevillinger.csv"),
    ("boern-og-voksne", "boern-og-voksne-betalinger.csv"),
    ("prisme", "prisme-posteringer.csv"),
)
DEMO_UNCLEAN = "\n".join(
    [
        "610265-1234;G Borger;§ 1O8;p1;Bostedet Egely;01-03-2025;31-03-2025;1.000,00;Døgn;31;31.000,00;03-03-2025",
        "610265-1234;G Borger;108;p1;Bostedet Egely;01-01-2025;31-01-2025;1.000,00;Døgn;31;31.000,00;03-01-2025",
    ]
)
"""Two rows the demo's first settlement export has before the cleanup: a paragraph written with the letter O,
and January's payment exported twice."""


def seed_demo(examples: Path, user: str = "demo", today: datetime | None = None) -> None:
    """The demo's extracts: the sample exports in `examples` imported a month ago with two bad rows in the
    settlement export, and again today as they are — so the quality series shows the cleanup."""
    now = today or timezone.now()
    earlier = now - timedelta(days=30)
    with tempfile.TemporaryDirectory(prefix="dispo-demo-") as folder:
        for profile, name in DEMO_EXPORTS:
            path = examples / name
            if profile == "boern-og-voksne":
                unclean = Path(folder) / name
                unclean.write_bytes(path.read_bytes().rstrip(b"\r\n;") + b"\n" + DEMO_UNCLEAN.encode("cp1252") + b"\n")
                path = unclean
            store_extract(read_extract(profile, path, name), path, user=user, at=earlier)
    for profile, name in DEMO_EXPORTS:
        path = examples / name
        store_extract(read_extract(profile, path, name), path, user=user, at=now)
