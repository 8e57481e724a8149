"""The committee report as an XLSX workbook: Resumé, Opfølgning, Ændringer, Indsatstrappe, Månedsserie.

Numbers are written as numbers with Danish display formats (a Danish Excel shows 1.234.567,89), so the
committee's secretariat can go on calculating with them; counts under 5 are written as "<5" text, as in the PDF.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import xlsxwriter

from dispo.engine.changes import PARTS
from dispo.engine.screening import MIN_CELL
from dispo.services.exports import COUNT, MONEY, RATIO
from dispo.services.followups.report import HIDDEN, PART_LABELS, CommitteeReport, explanation, line_title
from dispo.services.followups.snapshot import CHANGE_FIELDS
from dispo.store.followups.models import FollowUpLine

TABLE_HEADERS = (
    "Linje",
    "Niveau",
    "Budget",
    "Forventet",
    "Diff. i forhold til budget",
    "Antal indsatser",
    "Beregnet årsværk",
    "Gennemsnitspris pr. år",
    "Forventet sidst",
    "Ændring",
    *[PART_LABELS[p] for p in PARTS],
    "Kommentar",
)
LEVELS = {"total": "I alt", "area": "Målgruppe", "category": "Kategori", "paragraph": "Paragraf"}


class _Book:
    """A workbook with the report's formats, writing one table per sheet."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {"in_memory": True})
        self.formats = {
            "head": self.book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"}),
            "title": self.book.add_format({"bold": True, "font_size": 14}),
            "money": self.book.add_format({"num_format": MONEY}),
            "count": self.book.add_format({"num_format": COUNT, "align": "right"}),
            "ratio": self.book.add_format({"num_format": RATIO}),
            "text": self.book.add_format({"text_wrap": True, "valign": "top"}),
        }

    def sheet(self, name: str, headers: Sequence[str], widths: Sequence[int]) -> Any:
        ws = self.book.add_worksheet(name)
        for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
            ws.write(0, col, header, self.formats["head"])
            ws.set_column(col, col, width)
        ws.freeze_panes(1, 1)
        return ws

    def row(self, ws: Any, row: int, values: Sequence[tuple[Any, str]]) -> None:
        """Write (value, format name) pairs; None leaves the cell empty."""
        for col, (value, fmt) in enumerate(values):
            if value is not None:
                ws.write(row, col, value, self.formats[fmt])

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


def _count(value: int | None) -> tuple[Any, str]:
    """A count as a number, or the text "<5" where it is under 5 (and not zero)."""
    return (HIDDEN if value is not None and 0 < value < MIN_CELL else value), "count"


def committee_xlsx(report: CommitteeReport) -> bytes:
    book = _Book()
    _summary(book, report)
    _table(book, report)
    _changes(book, report)
    _staircase(book, report)
    _series(book, report)
    return book.close()


def _summary(book: _Book, report: CommitteeReport) -> None:
    ws = book.book.add_worksheet("Resumé")
    ws.set_column(0, 0, 120)
    ws.write(0, 0, str(report.followup), book.formats["title"])
    for n, text in enumerate(report.summary, start=2):
        ws.write(n, 0, text, book.formats["text"])


def _line_values(line: FollowUpLine) -> list[tuple[Any, str]]:
    return [
        (line.label, "text"),
        (LEVELS[line.level], "text"),
        (line.budget, "money"),
        (line.forecast, "money"),
        (line.diff, "money"),
        _count(line.grants),
        (line.fte, "ratio"),
        (line.avg_price, "money"),
        (line.previous_forecast, "money"),
        (line.change, "money"),
        *[(getattr(line, CHANGE_FIELDS[p]), "money") for p in PARTS],
        (line.comment or None, "text"),
    ]


def _table(book: _Book, report: CommitteeReport) -> None:
    ws = book.sheet("Opfølgning", TABLE_HEADERS, [48, 11, *[16] * (len(TABLE_HEADERS) - 3), 50])
    lines = [line for _, _, line in report.rows if line is not None]
    for n, line in enumerate(lines, start=1):
        book.row(ws, n, _line_values(line))
    ws.autofilter(0, 0, len(lines), len(TABLE_HEADERS) - 1)


def _changes(book: _Book, report: CommitteeReport) -> None:
    ws = book.sheet("Ændringer", ("Paragraf", "Forventet sidst", "Forventet nu", "Ændring", "Forklaring"),
                    [48, 16, 16, 16, 100])  # fmt: skip
    for n, line in enumerate(report.largest, start=1):
        values = [(line_title(line), "text"), (line.previous_forecast, "money"), (line.forecast, "money")]
        book.row(ws, n, [*values, (line.change, "money"), (explanation(line), "text")])


def _staircase(book: _Book, report: CommitteeReport) -> None:
    headers = ("Målgruppe", "Trin", "Årsværk", "Unik cpr", "Forventet udgift", "Gns. pris pr. år", "Gns. varighed")
    ws = book.sheet("Indsatstrappe", headers, [18, 44, 12, 12, 18, 18, 14])
    n = 1
    for table in report.staircases:
        for step in table.steps.iter_rows(named=True):
            book.row(ws, n, [
                (table.label, "text"),
                (f"{step['step']}. {step['name']}", "text"),
                (step["fte"], "ratio"),
                _count(step["citizens"]),
                (step["cost"], "money"),
                (step["avg_price"], "money"),
                (step["avg_duration_months"], "ratio"),
            ])  # fmt: skip
            n += 1


def _series(book: _Book, report: CommitteeReport) -> None:
    series = report.series
    stamps = [d.strftime("%d-%m-%Y") for d in series.dates]
    headers = [
        "Linje",
        *[f"Antal indsatser {s}" for s in stamps],
        *[f"Forventet {s}" for s in stamps],
        "Budget",
        "Afvigelse (forventet − budget)",
    ]
    ws = book.sheet("Månedsserie", headers, [48, *[16] * (len(headers) - 1)])
    for n, line in enumerate(series.lines, start=1):
        book.row(ws, n, [
            (line.label, "text"),
            *[_count(g) for g in line.grants],
            *[(f, "money") for f in line.forecast],
            (line.budget, "money"),
            (line.deviation, "money"),
        ])  # fmt: skip
