"""Prognosens træfsikkerhed: this year's outlook with its interval, and last year's back-test against the simple
methods — from the stored ledger and its known dates (store.knowledge).

Aggregates only (per paragraph and in total), so every management role may see it and no audit row is written;
caseworkers are refused. The back-test replays twelve month-ends and costs about two seconds on the demo
municipality, so results are cached per ledger version, stored known dates and period.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from dispo.engine.outlook import total
from dispo.services import backtest, current
from dispo.services.exports import danish_number
from dispo.store.access import Role
from dispo.store.knowledge.loading import load_known, token
from dispo.web.charts import AMBER, BLUE, RED, Series, line_chart
from dispo.web.views.common import download, period, require_role

ROLES = (Role.CONTROLLER, Role.LEADER, Role.ANALYST, Role.ADMINISTRATOR)
MONTH_NAMES = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
GREEN = "#2d6a2d"
"""The fourth method's line: 6.5:1 on white."""
METHODS = {
    "dispo": ("dispo", BLUE),
    "budget": ("Budgettet", AMBER),
    "run_rate": ("Forbrug til dato × 12 / måneder", RED),
    "last_month": ("Seneste måned × resterende måneder", GREEN),
}
OUTLOOK_HEADERS = {
    "paragraph": "Paragraf",
    "known": "Kendte bevillinger",
    "expected_grants": "Forventede indsatser",
    "ends": "Forventet ophør",
    "new_cases": "Forventede nye sager",
    "settlement": "Efterregulering",
    "forecast": "Forventet resultat",
    "lower": "80 %-interval, fra",
    "upper": "80 %-interval, til",
    "arrivals": "Forventet antal nye sager",
}
MONTH_HEADERS = {
    "month_end": "Prognosedato",
    "actual": "Årets resultat",
    **{m: f"Prognose, {label.lower() if m != 'dispo' else label}" for m, (label, _) in METHODS.items()},
    "lower": "dispo 80 %-interval, fra",
    "upper": "dispo 80 %-interval, til",
    **{
        backtest.METHOD_COLUMNS[m]: f"Fejl i %, {label.lower() if m != 'dispo' else label}"
        for m, (label, _) in METHODS.items()
    },
    "covered": "Resultatet i intervallet",
}
PARAGRAPH_HEADERS = {
    "paragraph": "Paragraf",
    "actual": "Årets resultat",
    **{
        f"mae_{m}": f"Gns. absolut fejl, {label.lower() if m != 'dispo' else label}"
        for m, (label, _) in METHODS.items()
    },
    "coverage": "Andel i dispos interval",
}
TABLES = ("udsigt", "maaneder", "paragraffer")


@lru_cache(maxsize=8)
def _computed(version: str, known: tuple[int, int], year: int, as_of: date) -> dict[str, pl.DataFrame]:
    ledger = current.ledger()
    dates = load_known()
    outlook, _ = backtest.outlook_now(ledger, dates, year, as_of)
    rows = backtest.run(ledger, dates, year - 1, backtest.last_day(ledger))
    return {
        "udsigt": outlook,
        "maaneder": backtest.month_table(rows),
        "paragraffer": backtest.paragraph_table(rows),
    }


def _tables(year: int, as_of: date) -> dict[str, pl.DataFrame]:
    return _computed(current.version(), token(), year, as_of)


def _percent(value: float) -> str:
    return f"{danish_number(value, 1)} %"


def _chart(months: pl.DataFrame, tested: int) -> str:
    labels = [MONTH_NAMES[d.month - 1] for d in months["month_end"]]
    series = [
        Series(label, months[backtest.METHOD_COLUMNS[m]].to_list(), style="outlined", colour=colour)
        for m, (label, colour) in reversed(METHODS.items())
    ]
    desc = (
        f"Fejl i procent af årets resultat for prognosen lavet ved hver månedsafslutning i {tested}. "
        "Tallene står i tabellen under figuren."
    )
    return line_chart("accuracy-chart", f"Prognosefejl pr. måned {tested}", desc, labels, series, fmt=_percent)


@login_required
def accuracy(request: HttpRequest) -> HttpResponse:
    """The page, or one of its tables as ?tabel=udsigt|maaneder|paragraffer&format=xlsx|csv."""
    require_role(request, *ROLES)
    year, as_of = period(request)
    tables = _tables(year, as_of)
    if fmt := request.GET.get("format"):
        return _download(request, tables, fmt, year)
    months = tables["maaneder"]
    summary = backtest.summary(months) if months.height else None
    outlook = tables["udsigt"]
    context: dict[str, Any] = {
        "year": year,
        "as_of": as_of,
        "tested": year - 1,
        "query": f"aar={year}&dato={as_of.isoformat()}",
        "outlook": outlook.to_dicts(),
        "outlook_total": outlook.select(pl.exclude("paragraph").sum()).row(0, named=True) if outlook.height else None,
        "interval": _interval(outlook),
        "months": months.to_dicts(),
        "paragraphs": tables["paragraffer"].to_dicts(),
        "chart": _chart(months, year - 1) if months.height else "",
        "summary": summary,
        "coverage": _percent(summary.coverage * 100) if summary else "",
        "march": _percent(summary.march_error) if summary else "",
        "methods": [(m, label) for m, (label, _) in METHODS.items()],
        "error_columns": backtest.METHOD_COLUMNS,
    }
    return render(request, "dispo/accuracy/accuracy.html", context)


def _interval(outlook: pl.DataFrame) -> dict[str, float] | None:
    """The total's interval: from the summed variance, not the sum of the paragraphs' bounds."""
    if not outlook.height:
        return None
    figures = total(outlook)
    return {"lower": figures["lower"], "upper": figures["upper"]}


def _download(request: HttpRequest, tables: dict[str, pl.DataFrame], fmt: str, year: int) -> HttpResponse:
    name = request.GET.get("tabel", "maaneder")
    if fmt not in ("xlsx", "csv") or name not in TABLES:
        return HttpResponseBadRequest(
            "Vælg tabel=udsigt, maaneder eller paragraffer og format=xlsx (Excel) eller format=csv.",
            content_type="text/plain; charset=utf-8",
        )
    headers = {"udsigt": OUTLOOK_HEADERS, "maaneder": MONTH_HEADERS, "paragraffer": PARAGRAPH_HEADERS}[name]
    table = tables[name]
    shown = {column: label for column, label in headers.items() if column in table.columns}
    rows = table.select(list(shown))
    return download(
        rows.rename(shown) if fmt == "csv" else rows, fmt, f"traefsikkerhed-{name}-{year}", shown, totals=False
    )
