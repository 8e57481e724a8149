"""The committee report as PDF, drawn with fpdf2: no browser engine, no network, no font files to ship.

The built-in Helvetica covers Danish (latin-1: æ, ø, å, §); text outside latin-1 is replaced before it is
drawn. A4 landscape, so the follow-up table's columns fit at a readable size. The chart of the forecast against
the budget across the year's follow-ups is drawn with fpdf2's own lines and rectangles: the forecast as bars
(a light fill with a blue edge, as forecasts are hatched on the pages), the budget as an amber line.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from django.conf import settings
from fpdf import FPDF

from dispo.services.exports import danish_number
from dispo.services.followups.report import CommitteeReport, count, explanation, kr, line_title
from dispo.services.followups.series import Series
from dispo.store.followups.models import FollowUp, FollowUpLine

BLUE = (11, 83, 148)
LIGHT_BLUE = (207, 224, 240)
AMBER = (160, 72, 0)
INK = (29, 36, 48)
MUTED = (74, 85, 104)
GRID = (213, 218, 225)
BAND = (238, 241, 245)
ROW = 6.0
TABLE_COLUMNS = (
    ("Linje", 84.0, "L"),
    ("Budget", 28.0, "R"),
    ("Forventet", 28.0, "R"),
    ("Diff. ift. budget", 28.0, "R"),
    ("Antal indsatser", 25.0, "R"),
    ("Årsværk", 20.0, "R"),
    ("Gns. pris pr. år", 28.0, "R"),
    ("Ændring siden sidst", 32.0, "R"),
)


def latin(text: str) -> str:
    """The text in the built-in font's character set: dashes and minus as hyphens, anything else as '?'."""
    plain = text.replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "-").replace("\u2026", "...")
    return plain.encode("latin-1", "replace").decode("latin-1")


def money(value: float | None) -> str:
    """Whole kroner; under half a krone either way is 0, never "-0"."""
    return "" if value is None else danish_number(0.0 if abs(value) < 0.5 else value, 0)


class _Report(FPDF):
    def __init__(self, followup: FollowUp) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.followup = followup
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(12, 12, 12)
        self.set_title(latin(f"Budgetopfølgning {followup.year} pr. {followup.as_of:%d-%m-%Y}"))
        self.set_author(latin(settings.MUNICIPALITY_NAME))
        self.set_creator("dispo")

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(*MUTED)
        status = "Godkendt" if self.followup.approved else "Kladde - ikke godkendt"
        text = f"{settings.MUNICIPALITY_NAME} · {self.followup} · {status} · side {self.page_no()}/{{nb}}"
        self.cell(0, 5, latin(text), align="C")

    def heading(self, text: str, size: float = 13) -> None:
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(3)
        self.set_font("Helvetica", "B", size)
        self.set_text_color(*INK)
        self.cell(0, 8, latin(text), new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str, size: float = 10) -> None:
        self.set_font("Helvetica", "", size)
        self.set_text_color(*INK)
        self.multi_cell(0, 5, latin(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def grid(self, columns: Sequence[tuple[str, float, str]], rows: Sequence[tuple[str, Sequence[str]]]) -> None:
        """A table whose header repeats on every page; a row's style is '' (plain), 'B' (a total) or 'H' (a
        heading across the row)."""
        self._header(columns)
        for style, cells in rows:
            if self.get_y() + ROW > self.page_break_trigger:
                self.add_page()
                self._header(columns)
            self.set_font("Helvetica", "B" if style in ("B", "H") else "", 8.5)
            self.set_text_color(*INK)
            if style == "H":
                self.cell(sum(w for _, w, _ in columns), ROW, latin(cells[0]), new_x="LMARGIN", new_y="NEXT")
                continue
            fill = style == "B"
            self.set_fill_color(*BAND)
            for (_, width, align), text in zip(columns, cells, strict=True):
                self.cell(width, ROW, latin(_fit(self, text, width)), border="B" if fill else 0, align=align,
                          fill=fill)  # fmt: skip
            self.ln(ROW)

    def _header(self, columns: Sequence[tuple[str, float, str]]) -> None:
        self.set_font("Helvetica", "B", 8)
        self.set_text_color(*INK)
        self.set_draw_color(*INK)
        for name, width, align in columns:
            self.cell(width, ROW + 1, latin(name), border="B", align=align)
        self.ln(ROW + 1)
        self.set_draw_color(*GRID)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """The text cut with '...' where it would not fit in the column."""
    if pdf.get_string_width(latin(text)) <= width - 2:
        return text
    while text and pdf.get_string_width(latin(text + "...")) > width - 2:
        text = text[:-1]
    return text.rstrip() + "..."


def committee_pdf(report: CommitteeReport) -> bytes:
    """The report as a PDF document: summary and chart, the follow-up table, the largest changes with their
    explanations, the staircase and the year's series."""
    followup = report.followup
    pdf = _Report(followup)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.set_text_color(*INK)
    pdf.cell(0, 10, latin(f"Budgetopfølgning {followup.year}"), new_x="LMARGIN", new_y="NEXT")
    pdf.paragraph(f"{settings.MUNICIPALITY_NAME} · opgjort pr. {followup.as_of:%d-%m-%Y} · {_approval(followup)}", 11)
    pdf.heading("Resumé")
    for text in report.summary:
        pdf.paragraph(text)
    pdf.heading("Forventet regnskab og budget i årets opfølgninger")
    _chart(pdf, report.series)
    pdf.heading("Budgetopfølgning pr. målgruppe, kategori og paragraf")
    pdf.grid(TABLE_COLUMNS, [_table_row(kind, label, line) for kind, label, line in report.rows])
    _largest(pdf, report.largest, followup)
    _staircases(pdf, report)
    _series(pdf, report.series)
    return bytes(pdf.output())


def _approval(followup: FollowUp) -> str:
    if not followup.approved or followup.approved_at is None:
        return "kladde, ikke godkendt"
    who = followup.approved_by.get_full_name() or followup.approved_by.get_username() if followup.approved_by else ""
    return f"godkendt {followup.approved_at:%d-%m-%Y} af {who}".strip()


def _table_row(kind: str, label: str, line: FollowUpLine | None) -> tuple[str, Sequence[str]]:
    if line is None:
        return "H", [label]
    cells = [
        ("    " if kind == "paragraph" else "") + label,
        money(line.budget),
        money(line.forecast),
        money(line.diff),
        count(line.grants),
        danish_number(line.fte, 1),
        money(line.avg_price),
        money(line.change),
    ]
    return ("" if kind == "paragraph" else "B"), cells


def _largest(pdf: _Report, lines: list[FollowUpLine], followup: FollowUp) -> None:
    pdf.heading("Største ændringer siden sidste opfølgning")
    if followup.previous is None:
        pdf.paragraph("Årets første budgetopfølgning: der er ingen tidligere opfølgning at sammenligne med.")
        return
    if not lines:
        pdf.paragraph("Ingen paragraf har ændret prognose siden sidste opfølgning.")
        return
    for line in lines:
        if pdf.get_y() > pdf.h - 35:
            pdf.add_page()
        pdf.set_font("Helvetica", "B", 10)
        pdf.set_text_color(*INK)
        change = line.change or 0.0
        sign = "+" if change >= 0 else "-"
        title = f"{line_title(line)}: {sign}{kr(abs(change))} (nu {kr(line.forecast)})"
        pdf.cell(0, 6, latin(title), new_x="LMARGIN", new_y="NEXT")
        pdf.paragraph(explanation(line), 9.5)


def _staircases(pdf: _Report, report: CommitteeReport) -> None:
    if not report.staircases:
        return
    columns = (
        ("Trin", 90.0, "L"),
        ("Årsværk", 28.0, "R"),
        ("Unik cpr", 26.0, "R"),
        ("Forventet udgift", 40.0, "R"),
        ("Gns. pris pr. år", 36.0, "R"),
        ("Gns. varighed (mdr.)", 36.0, "R"),
    )
    for table in report.staircases:
        pdf.heading(f"Indsatstrappen: {table.label} pr. {report.followup.as_of:%d-%m-%Y}")
        rows = [
            (
                "",
                [
                    f"{r['step']}. {r['name']}",
                    danish_number(r["fte"], 1),
                    count(r["citizens"]),
                    money(r["cost"]),
                    money(r["avg_price"]),
                    "" if r["avg_duration_months"] is None else danish_number(r["avg_duration_months"], 1),
                ],
            )
            for r in table.steps.iter_rows(named=True)
        ]
        pdf.grid(columns, rows)


def _series(pdf: _Report, series: Series) -> None:
    pdf.heading("Månedsserie: antal indsatser pr. kategori i årets opfølgninger")
    shown = series.dates[-8:]
    first = len(series.dates) - len(shown)
    label_width = 277.0 - 22.0 * len(shown) - 32.0 - 32.0
    columns = [
        ("Kategori", label_width, "L"),
        *[(f"{d:%d-%m}", 22.0, "R") for d in shown],
        ("Budget", 32.0, "R"),
        ("Afvigelse", 32.0, "R"),
    ]
    rows = [
        (
            "" if line.level == "category" else "B",
            [line.label, *[count(g) for g in line.grants[first:]], money(line.budget), money(line.deviation)],
        )
        for line in series.lines
    ]
    pdf.grid(columns, rows)
    pdf.paragraph(
        "Afvigelse = forventet i den seneste opfølgning - budget (positiv: merforbrug). "
        + (f"Tabellen viser de seneste {len(shown)} opfølgninger." if first else ""),
        8.5,
    )


def _chart(pdf: _Report, series: Series) -> None:
    """Bars of the forecast at each follow-up, the budget as a line with hollow points, a legend."""
    total = next((line for line in series.lines if line.level == "total"), None)
    if total is None or not series.dates:
        pdf.paragraph("Ingen data.")
        return
    forecasts = [v or 0.0 for v in total.forecast]
    budgets = list(total.budgets)
    values = forecasts + [b for b in budgets if b is not None]
    ticks = _ticks(max(values) if values else 1.0)
    left, top, width, height = pdf.l_margin + 24, pdf.get_y() + 8, 230.0, 62.0
    bottom, scale = top + height, height / ticks[-1]
    pdf.set_font("Helvetica", "", 8)
    for tick in ticks:
        y = bottom - tick * scale
        pdf.set_draw_color(*(INK if tick == 0 else GRID))
        pdf.line(left, y, left + width, y)
        pdf.set_text_color(*MUTED)
        pdf.set_xy(pdf.l_margin, y - 2)
        pdf.cell(22, 4, latin(_short(tick)), align="R")
    band = width / len(forecasts)
    for i, (day, value) in enumerate(zip(series.dates, forecasts, strict=True)):
        x = left + i * band + band * 0.2
        pdf.set_fill_color(*LIGHT_BLUE)
        pdf.set_draw_color(*BLUE)
        pdf.set_line_width(0.4)
        pdf.rect(x, bottom - value * scale, band * 0.6, value * scale, style="DF")
        pdf.set_text_color(*INK)
        pdf.set_xy(x, bottom - value * scale + 1.5 if value * scale > 12 else bottom - value * scale - 5)
        pdf.cell(band * 0.6, 4, latin(_short(value)), align="C")
        pdf.set_text_color(*MUTED)
        pdf.set_xy(left + i * band, bottom + 1)
        pdf.cell(band, 4, f"{day:%d-%m}", align="C")
    _budget_line(pdf, budgets, left, band, bottom, scale)
    _legend(pdf, left, top - 7)
    pdf.set_line_width(0.2)
    pdf.set_xy(pdf.l_margin, bottom + 8)


def _budget_line(
    pdf: _Report, budgets: list[float | None], left: float, band: float, bottom: float, scale: float
) -> None:
    points = [(left + (i + 0.5) * band, bottom - b * scale) for i, b in enumerate(budgets) if b is not None]
    pdf.set_draw_color(*AMBER)
    pdf.set_line_width(0.7)
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        pdf.line(x0, y0, x1, y1)
    pdf.set_fill_color(255, 255, 255)
    for x, y in points:
        pdf.circle(x, y, 1.3, style="DF")


def _legend(pdf: _Report, x: float, y: float) -> None:
    pdf.set_font("Helvetica", "", 8.5)
    pdf.set_text_color(*INK)
    pdf.set_fill_color(*LIGHT_BLUE)
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(0.4)
    pdf.rect(x, y, 6, 3.5, style="DF")
    pdf.set_xy(x + 7, y - 0.5)
    pdf.cell(30, 4.5, "Forventet regnskab")
    pdf.set_draw_color(*AMBER)
    pdf.set_line_width(0.7)
    pdf.line(x + 42, y + 1.75, x + 50, y + 1.75)
    pdf.set_fill_color(255, 255, 255)
    pdf.circle(x + 46, y + 1.75, 1.1, style="DF")
    pdf.set_xy(x + 51, y - 0.5)
    pdf.cell(20, 4.5, "Budget")


def _ticks(high: float) -> list[float]:
    """0 and round steps of 1, 2 or 5 times a power of ten up to at least `high`, about five of them."""
    raw = max(high, 1.0) / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [i * step for i in range(math.ceil(max(high, 1.0) / step) + 1)]


def _short(value: float) -> str:
    """Kroner for a chart label: millions with one decimal from a million up."""
    if abs(value) >= 1_000_000:
        return f"{danish_number(value / 1_000_000, 1).removesuffix(',0')} mio."
    return danish_number(value, 0)
