"""Writing a report table as CSV, as a formatted XLSX sheet, or as plain text for the terminal."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import polars as pl
import xlsxwriter

MONEY = "#,##0.00"
COUNT = "#,##0"
RATIO = "0.000"
MONEY_COLUMNS = (
    "gross",
    "own_payment",
    "other_municipality",
    "vat_compensation",
    "sde_reimbursement",
    "net",
    "sde_expense",
    "we_pay",
    "others_pay",
    "vat_net",
)
FORMATS: Mapping[str, str] = {
    **dict.fromkeys(MONEY_COLUMNS, MONEY),
    "unit_price": MONEY,
    "budget": MONEY,
    "forecast": MONEY,
    "diff": MONEY,
    "avg_price": MONEY,
    "actual_to_date": MONEY,
    "remaining": MONEY,
    "grants": COUNT,
    "citizens": COUNT,
    "fte": RATIO,
    **dict.fromkeys(("cost", "cost_change", "cost_before", "cost_after", "before", "after", "change"), MONEY),
    **dict.fromkeys(("volume", "mix", "price", "other", "per_inhabitant"), MONEY),
    "inhabitants": COUNT,
    "avg_duration_months": RATIO,
    "index": RATIO,
}
SUMMED = ("budget", "forecast", "diff", "actual_to_date", "remaining", "fte", "grants", *MONEY_COLUMNS)


def danish_number(value: object, decimals: int) -> str:
    """A number with Danish separators (1.234.567,89); an empty string for no value."""
    if value is None or value == "":
        return ""
    text = f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def to_csv(table: pl.DataFrame) -> str:
    """Canonical CSV: dot decimals, unrounded, ISO dates."""
    return table.write_csv(date_format="%Y-%m-%d")


def to_xlsx(
    table: pl.DataFrame, sheet: str = "dispo", headers: Mapping[str, str] | None = None, totals: bool = True
) -> bytes:
    """An XLSX workbook: a bold frozen header row, number formats per column, and a totals row (unless the
    table carries its own totals, as the follow-up table's levels do: then `totals=False`).

    Excel shows the number formats in the user's locale, so a Danish Excel displays 1.234.567,89.
    The totals row holds SUM formulas, so it stays right if a user filters or edits the sheet.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True, "bottom": 1})
    styles = {name: book.add_format({"num_format": f}) for name, f in FORMATS.items()}
    styles.update({c: styles["avg_price"] for c in table.columns if c.startswith("price_")})
    total_styles = {name: book.add_format({"num_format": f, "bold": True, "top": 1}) for name, f in FORMATS.items()}
    labels = headers or {}
    for col, name in enumerate(table.columns):
        ws.write(0, col, labels.get(name, name), bold)
        ws.set_column(col, col, max(12, len(labels.get(name, name)) + 2), styles.get(name))
    for row, values in enumerate(table.iter_rows(), start=1):
        for col, value in enumerate(values):
            if value is not None:
                ws.write(row, col, value)
    if totals:
        _totals_row(ws, table, book.add_format({"bold": True, "top": 1}), total_styles)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, table.height, max(table.width - 1, 0))
    book.close()
    return buffer.getvalue()


def _totals_row(ws: Any, table: pl.DataFrame, label: Any, styles: Mapping[str, Any]) -> None:
    last = table.height + 1
    ws.write(last, 0, "I alt", label)
    for col, name in enumerate(table.columns):
        if name in SUMMED and col > 0:
            letter = xlsxwriter.utility.xl_col_to_name(col)
            total = table.get_column(name).fill_null(0).sum()
            ws.write_formula(last, col, f"=SUM({letter}2:{letter}{last})", styles[name], total)


def to_text(table: pl.DataFrame) -> str:
    """A readable table for the terminal, money rounded to whole kroner for the eye only."""
    shown = table.with_columns(
        pl.col(name).round(0).cast(pl.Int64) if FORMATS[name] == MONEY else pl.col(name).round(3)
        for name in table.columns
        if name in FORMATS and table.schema[name] == pl.Float64
    )
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, thousands_separator=".", decimal_separator=","):
        return str(shown)
