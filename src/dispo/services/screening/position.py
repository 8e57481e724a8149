"""A municipality's own report: where it stands against the other members on each key figure, on a page and
as an A4 PDF (the seed's "kommunespecifikke rapporter")."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from fpdf import FPDF

from dispo.domain.municipalities import municipality
from dispo.domain.screening import hypotheses
from dispo.engine import consortium as engine
from dispo.services.exports import danish_number
from dispo.services.screening.consortium import Consortium, municipality_table, question_share_by_municipality


@dataclass(frozen=True)
class KeyFigure:
    """One key figure: its name, how it is shown, and every member's value (`municipality`, `value`)."""

    name: str
    kind: str
    values: pl.DataFrame


def key_figures(data: Consortium) -> list[KeyFigure]:
    """The seed's three key figures, the share aged 18-35, and the ten hypotheses' figures, per municipality."""
    table = municipality_table(data)

    def column(name: str) -> pl.DataFrame:
        return table.select("municipality", value=pl.col(name))

    def share(question: str, answers: tuple[str, ...]) -> pl.DataFrame:
        return question_share_by_municipality(data, question, answers).rename({"share": "value"})

    figures = [
        KeyFigure("Særligt dyre enkeltsager pr. 1.000 indbyggere (18-66 år)", "ratio", column("per_1000")),
        KeyFigure("Borgere i botilbud pr. 1.000 indbyggere (18-66 år)", "ratio", column("residential_per_1000")),
        KeyFigure("Andel særligt dyre enkeltsager af borgere i botilbud", "share", column("share_of_residential")),
        KeyFigure("Andel 18-35 år", "share", share("age", ("18-25", "26-35"))),
        KeyFigure("Andel i længerevarende botilbud", "share", share("long_term_residential", ("ja",))),
    ]
    figures += [
        KeyFigure(f"{h.number}. {h.title}: {h.figure}", "share", share(h.question, h.answers)) for h in hypotheses()
    ]
    return figures


def fmt(value: float | None, kind: str) -> str:
    """A ratio with two decimals (0,51), a share as a whole percent (29 %); a dash for no value."""
    if value is None:
        return "–"
    return f"{danish_number(value * 100, 0)} %" if kind == "share" else danish_number(value, 2)


@dataclass(frozen=True)
class Position:
    """Where a municipality stands on one key figure: its value and rank (1 = the highest) among the `n`
    members with a value, the lowest, median and highest value, and every member's value."""

    name: str
    kind: str
    value: float | None
    rank: int | None
    n: int
    low: float | None
    median: float | None
    high: float | None
    values: pl.DataFrame


def positions(data: Consortium, code: str) -> list[Position]:
    """The municipality's position on every key figure."""
    found = []
    for figure in key_figures(data):
        at = engine.position(figure.values, "value", code)
        found.append(
            Position(
                figure.name,
                figure.kind,
                _float(at["value"]),
                None if at["rank"] is None else int(at["rank"]),
                int(at["n"] or 0),
                _float(at["low"]),
                _float(at["median"]),
                _float(at["high"]),
                figure.values,
            )
        )
    return found


def _float(value: float | int | None) -> float | None:
    return None if value is None else float(value)


FONT = "Helvetica"
INK, MUTED, BLUE, GRID = (29, 36, 48), (74, 85, 104), (11, 83, 148), (213, 218, 225)


def _latin1(text: str) -> str:
    """PDF core fonts speak Latin-1: a dash is drawn as a hyphen."""
    return text.replace("–", "-").replace("—", "-").encode("latin-1", "replace").decode("latin-1")


def report_pdf(data: Consortium, code: str) -> bytes:
    """The municipality's A4 report: a heading, a table of its position and a strip per key figure with every
    member as a dot and the municipality as a larger blue dot."""
    own = municipality(code)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(_latin1(f"Kommunerapport {own.name} {data.year}"))
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 16)
    name = own.name if own.name.endswith("Kommune") else f"{own.name} Kommune"
    pdf.cell(0, 9, _latin1(f"{name} i konsortiet, {data.year}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)
    pdf.set_text_color(*MUTED)
    intro = (
        f"Særligt dyre enkeltsager (over 2 mio. kr. om året): kommunens placering blandt de "
        f"{data.totals.height} kommuner, der har indsendt en samlet fil for {data.year}. Placering 1 er den "
        "højeste værdi. Alle tal er samlede tal uden celler under 5 borgere. En andel er af de borgere, hvis svar "
        "kommunen har kunnet vise; en kommune, der har måttet skjule hele spørgsmålet, har ingen værdi."
    )
    pdf.multi_cell(0, 4.6, _latin1(intro), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for row in positions(data, code):
        _figure(pdf, row)
    return bytes(pdf.output())


def _figure(pdf: FPDF, row: Position) -> None:
    """One key figure: its name, the municipality's value and rank, and the strip of every member's value."""
    if pdf.will_page_break(22):
        pdf.add_page()
    rank = f"nr. {row.rank} af {row.n}" if row.rank is not None else "ingen værdi"
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(0, 5, _latin1(row.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)
    line = (
        f"Kommunen: {fmt(row.value, row.kind)} ({rank})   Laveste {fmt(row.low, row.kind)}   "
        f"Median {fmt(row.median, row.kind)}   Højeste {fmt(row.high, row.kind)}"
    )
    pdf.cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    _strip(pdf, row)
    pdf.ln(3)


def _strip(pdf: FPDF, row: Position) -> None:
    """A line from the lowest to the highest value with a dot per municipality, the municipality's larger."""
    left, width, y = pdf.l_margin + 4, pdf.epw - 8, pdf.get_y() + 4
    if row.low is None or row.high is None:
        pdf.ln(6)
        return
    low, span = row.low, (row.high - row.low) or 1.0
    known = row.values.filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.6)
    pdf.line(left, y, left + width, y)
    pdf.set_fill_color(*MUTED)
    for value in known["value"].to_list():
        _dot(pdf, left + (value - low) / span * width, y, 1.1)
    if row.value is not None:
        pdf.set_fill_color(*BLUE)
        _dot(pdf, left + (row.value - low) / span * width, y, 2.2)
    pdf.set_y(y + 4)


def _dot(pdf: FPDF, x: float, y: float, radius: float) -> None:
    pdf.circle(x, y, radius, style="F")
