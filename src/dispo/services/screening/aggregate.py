"""The aggregate file: what a municipality's screening may share with a consortium, written and read back.

The file is CSV (UTF-8, comma separated, one header row), one row per figure, every row carrying the format,
the municipality and the year so that files can simply be put together (docs/data-formats.md, "Screening:
samlet fil"). It holds no person-level field — no CPR number, citizen id, date, amount or free text — and no
count under 5: the answers' cells are suppressed by `engine.screening` before they are written, and a file is
refused on import if it breaks either rule, so a coordinator never stores one that does.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl
from django.conf import settings
from django.db import transaction

from dispo.domain.municipalities import municipalities
from dispo.domain.screening import RESIDENTIAL, QuestionSet, question_catalogue
from dispo.engine.screening import (
    ANSWER_SCHEMA,
    CATALOGUE_SCHEMA,
    MIN_CELL,
    answer_cells,
    residential_citizens,
    shown_count,
    suppress,
)
from dispo.services import current
from dispo.services.canonical import InvalidData, Problem
from dispo.services.population import population_by_year
from dispo.services.screening.questions import question_set
from dispo.store.screening.models import ConsortiumFile, Screening

FORMAT = "dispo-screening-aggregate"
FORMAT_VERSION = 1
COLUMNS = ("format", "format_version", "municipality", "year", "question_set", "record", "question", "answer", "count")
TOTALS = ("screened", "inhabitants_18_66", "residential_care")
"""The totals a file carries: citizens screened, inhabitants aged 18-66 (FOLK1A), citizens in residential care."""
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_ANSWER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_,.+-]{0,29}$")


class CannotExport(ValueError):
    """Why no aggregate can be made (too few screened, no population figure), in Danish."""


@dataclass(frozen=True)
class Aggregate:
    """One municipality's aggregate for a year: its totals and the answer cells it may show."""

    municipality: str
    year: int
    question_set: int
    screened: int
    inhabitants_18_66: int
    residential_care: int | None
    cells: pl.DataFrame
    hidden: int


def answer_rows(registrations: Iterable[tuple[str, Mapping[str, object]]], questions: QuestionSet) -> pl.DataFrame:
    """One row per registration, question and answer code (text answers have none); `registrations` are
    (id, answers) pairs."""
    rows = [
        (key, q.id, code)
        for key, answers in registrations
        for q in questions.questions
        for code in q.answer_codes(answers.get(q.id))
    ]
    return pl.DataFrame(rows, schema=ANSWER_SCHEMA, orient="row")


def build_aggregate(
    municipality: str,
    year: int,
    questions: QuestionSet,
    answers: pl.DataFrame,
    screened: int,
    population: int,
    residential: int,
) -> Aggregate:
    """The cells of `screened` registrations' `answers`, suppressed, with the totals as they may leave."""
    if screened < MIN_CELL:
        raise CannotExport(
            f"Der er {screened} færdige registreringer for {year}: en samlet fil kræver mindst {MIN_CELL}, "
            "så ingen celle viser færre end 5 borgere."
        )
    catalogue = pl.DataFrame(question_catalogue(questions), schema=CATALOGUE_SCHEMA, orient="row")
    cells = suppress(answer_cells(answers, catalogue, screened), screened)
    return Aggregate(
        municipality=municipality,
        year=year,
        question_set=questions.version,
        screened=screened,
        inhabitants_18_66=population,
        residential_care=shown_count(residential),
        cells=cells.filter(pl.col("shown")).drop("shown"),
        hidden=cells.filter(~pl.col("shown") & (pl.col("count") > 0)).height,
    )


def municipality_aggregate(year: int, as_of: date, population: int | None = None) -> Aggregate:
    """This municipality's finished registrations of `year`, counted and suppressed. The inhabitants aged
    18-66 come from the population table (the year, or the latest before it) unless given; the citizens in
    residential care from the ledger."""
    screenings = list(Screening.objects.filter(year=year, status=Screening.Status.DONE).select_related("question_set"))
    if not screenings:
        raise CannotExport(f"Der er ingen færdige registreringer for {year}.")
    newest = max((s.question_set for s in screenings), key=lambda row: row.version)
    questions = question_set(newest)
    answers = answer_rows(((str(s.pk), s.answers) for s in screenings), questions)
    people = population if population is not None else _population(year)
    residential = residential_citizens(current.grant_frame(year, as_of), RESIDENTIAL)
    return build_aggregate(settings.MUNICIPALITY, year, questions, answers, len(screenings), people, residential)


def _population(year: int) -> int:
    """Inhabitants aged 18-66 in the year, or in the latest earlier year the population table has (the study
    used the last quarter published before the screening)."""
    known = {y: n for y, n in population_by_year(settings.MUNICIPALITY, 18, 66).items() if y <= year}
    if not known:
        raise CannotExport(
            f"Befolkningstabellen har ingen indbyggere på 18-66 år for kommune {settings.MUNICIPALITY} i {year} "
            "eller før. Indlæs FOLK1A, eller skriv antallet i feltet."
        )
    return round(known[max(known)])


def to_csv(aggregate: Aggregate) -> str:
    """The aggregate as the file a coordinator imports."""
    head = [FORMAT, FORMAT_VERSION, aggregate.municipality, aggregate.year, aggregate.question_set]
    totals = {
        "screened": aggregate.screened,
        "inhabitants_18_66": aggregate.inhabitants_18_66,
        "residential_care": aggregate.residential_care,
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([*head, "total", name, "", count] for name, count in totals.items() if count is not None)
    writer.writerows(
        [*head, "answer", q, a, n] for q, a, n in aggregate.cells.select("question", "answer", "count").iter_rows()
    )
    return buffer.getvalue()


@dataclass(frozen=True)
class AggregateFile:
    """A file read and checked: its keys, totals and answer cells."""

    name: str
    municipality: str
    year: int
    question_set: int
    totals: dict[str, int]
    answers: pl.DataFrame
    text: str


def read_aggregate(name: str, data: bytes) -> AggregateFile:
    """A file checked row by row; `InvalidData` lists every problem (row, column, value, what was expected)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidData([Problem(name, 0, "", "", "en CSV-fil i UTF-8 (som dispo skriver den)")]) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(c.strip() for c in rows[0]) != COLUMNS:
        found = ",".join(rows[0]) if rows else ""
        raise InvalidData([Problem(name, 1, "", found[:80], "overskriften " + ",".join(COLUMNS))])
    checker = _Checker(name)
    for number, row in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in row):
            checker.row(number, row)
    return checker.result(text)


class _Checker:
    """Collects a file's rows and every problem in them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.keys: dict[str, tuple[int, str]] = {}
        self.totals: dict[str, int] = {}
        self.answers: dict[tuple[str, str], int] = {}

    def bad(self, row: int, column: str, value: str, expected: str) -> None:
        self.problems.append(Problem(self.name, row, column, value, expected))

    def row(self, number: int, row: list[str]) -> None:
        if len(row) != len(COLUMNS):
            self.bad(number, "", ",".join(row)[:80], f"{len(COLUMNS)} kolonner som i overskriften")
            return
        cells = dict(zip(COLUMNS, (c.strip() for c in row), strict=True))
        self._same(number, cells)
        count = self._count(number, cells)
        if cells["record"] == "total":
            self._total(number, cells, count)
        elif cells["record"] == "answer":
            self._answer(number, cells, count)
        else:
            self.bad(number, "record", cells["record"], "total eller answer")

    def _same(self, number: int, cells: dict[str, str]) -> None:
        """The keys every row repeats: right on the first row, the same on the others."""
        checks = {
            "format": (cells["format"] == FORMAT, FORMAT),
            "format_version": (cells["format_version"] == str(FORMAT_VERSION), f"formatversion {FORMAT_VERSION}"),
            "municipality": (
                cells["municipality"] in municipalities(),
                "en kommunekode fra listen over de 98 kommuner",
            ),
            "year": (re.fullmatch(r"20\d\d", cells["year"]) is not None, "et årstal, fx 2025"),
            "question_set": (cells["question_set"].isdigit() and cells["question_set"] != "0", "et versionsnummer ≥ 1"),
        }
        for column, (ok, expected) in checks.items():
            first = self.keys.setdefault(column, (number, cells[column]))
            if not ok:
                self.bad(number, column, cells[column], expected)
            elif first[1] != cells[column]:
                self.bad(
                    number,
                    column,
                    cells[column],
                    f"det samme som i række {first[0]} ({first[1]}): én kommune og ét år pr. fil",
                )

    def _count(self, number: int, cells: dict[str, str]) -> int | None:
        value = cells["count"]
        if not value.isdigit():
            self.bad(number, "count", value, "et helt antal")
            return None
        count = int(value)
        if count < MIN_CELL:
            self.bad(number, "count", value, f"mindst {MIN_CELL}: en samlet fil må ikke vise en celle under 5 borgere")
        return count

    def _total(self, number: int, cells: dict[str, str], count: int | None) -> None:
        question = cells["question"]
        if question not in TOTALS:
            self.bad(number, "question", question, "en af " + ", ".join(TOTALS))
        elif question in self.totals:
            self.bad(number, "question", question, "hver total én gang")
        elif cells["answer"]:
            self.bad(number, "answer", cells["answer"], "intet svar på en total-række")
        elif count is not None:
            self.totals[question] = count

    def _answer(self, number: int, cells: dict[str, str], count: int | None) -> None:
        question, answer = cells["question"], cells["answer"]
        if not _CODE.match(question):
            self.bad(number, "question", question, "et spørgsmåls-id (små bogstaver, tal og _)")
        elif not _ANSWER.match(answer):
            self.bad(number, "answer", answer, "en svarkode (bogstaver, tal og _,.+-, højst 30 tegn)")
        elif (question, answer) in self.answers:
            self.bad(number, "answer", answer, f"hvert svar på {question} én gang")
        elif count is not None:
            self.answers[(question, answer)] = count

    def result(self, text: str) -> AggregateFile:
        screened = self.totals.get("screened")
        for column in ("screened", "inhabitants_18_66"):
            if column not in self.totals and not self.problems:
                self.bad(0, "question", "", f"en total-række for {column}")
        if screened is not None:
            for (question, answer), count in self.answers.items():
                if count > screened:
                    self.bad(0, "count", str(count), f"højst {screened} (de screenede) for {question}={answer}")
        if self.problems:
            raise InvalidData(self.problems)
        answers = pl.DataFrame(
            [(q, a, n) for (q, a), n in self.answers.items()],
            schema={"question": pl.String, "answer": pl.String, "count": pl.Int64},
            orient="row",
        )
        return AggregateFile(
            self.name,
            self.keys["municipality"][1],
            int(self.keys["year"][1]),
            int(self.keys["question_set"][1]),
            self.totals,
            answers,
            text,
        )


def import_aggregates(files: list[tuple[str, bytes]], user: str) -> list[AggregateFile]:
    """Check every file, then store them all in one transaction, each replacing the stored file of its
    municipality and year; with any problem in any file nothing is stored."""
    problems: list[Problem] = []
    read: list[AggregateFile] = []
    for name, data in files:
        try:
            read.append(read_aggregate(name, data))
        except InvalidData as invalid:
            problems += invalid.problems
    seen: dict[tuple[str, int], str] = {}
    for file in read:
        key = (file.municipality, file.year)
        if key in seen:
            problems.append(
                Problem(file.name, 0, "municipality", file.municipality, f"én fil pr. kommune og år (også {seen[key]})")
            )
        seen.setdefault(key, file.name)
    if problems:
        raise InvalidData(problems)
    with transaction.atomic():
        for file in read:
            ConsortiumFile.objects.update_or_create(
                municipality=file.municipality,
                year=file.year,
                defaults={
                    "format_version": FORMAT_VERSION,
                    "question_set_version": file.question_set,
                    "file_name": file.name[:200],
                    "content": file.text,
                    "imported_by": user,
                },
            )
    return read
