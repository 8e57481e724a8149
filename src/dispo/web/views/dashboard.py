"""The leader's overview (/overblik/): the year's forecast against budget, the cost by provider type, the
staircase and the paragraphs furthest from their budget, each as a chart with its figures beside it.

The page shows aggregates only — no row names a citizen — so a leader sees the whole municipality here and no
audit entry is written (DESIGN.md §6 audits reads of person-level data).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dispo.domain.paragraphs import label, paragraph
from dispo.domain.target_groups import TargetGroup, target_groups
from dispo.services import current, dashboard, staircases
from dispo.services.exports import danish_number
from dispo.services.reports import TABLE_LABELS
from dispo.store.access import Role
from dispo.web.charts import AMBER, RED, Marker, Series, bar_chart, line_chart, one_decimal, stacked_bar_chart
from dispo.web.views.common import download, period, require_role

OVERVIEW_ROLES = (Role.LEADER, Role.CONTROLLER, Role.ADMINISTRATOR, Role.ANALYST)
"""Who may see the overview: everyone who steers on aggregates (not caseworkers, who see their own citizens)."""
MONTH_NAMES = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
PROVIDER_TYPE_LABELS = {
    "egen": "Egen kommune",
    "anden_kommune": "Anden kommune",
    "region": "Region",
    "privat": "Privat",
    None: "Uden leverandør",
}
DEFAULT_TARGET_GROUP = "handicap"
YEARS = (2000, 2100)
"""The years the period form offers; outside them the page shows the as-of date's year."""
HEADERS = {
    **TABLE_LABELS,
    "month": "Måned",
    "actual": "Forbrug i måneden",
    "cumulative_actual": "Forbrug til dato, akkumuleret",
    "cumulative_forecast": "Forventet, akkumuleret",
    "cumulative_budget": "Budget, akkumuleret",
    "provider_type": "Leverandørtype",
    "actual_to_date": "Forbrug til dato",
    "remaining": "Resten af året",
    "step": "Trin",
    "name": "Navn",
    "target_group": "Målgruppe",
    "paragraph": "Paragraf",
}


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    require_role(request, *OVERVIEW_ROLES)
    year, as_of, problems = checked_period(request)
    group, group_problem = _target_group(request.GET.get("maalgruppe"))
    problems += [group_problem] if group_problem else []
    fmt, table = request.GET.get("format"), request.GET.get("tabel")
    if fmt is not None or table is not None:
        return _download(fmt, table, year, as_of, group)
    grants, budgets = current.grant_frame(year, as_of), current.ledger()["budgets"]
    over, under = dashboard.paragraph_differences(grants, budgets, year)
    context = {
        "year": year,
        "as_of": as_of,
        "problems": problems,
        "budget_chart": budget_chart(year, as_of),
        "providers": _providers(grants),
        "staircase": _staircase(grants, group),
        "groups": list(target_groups().values()),
        "paragraphs": _paragraphs(over, under),
    }
    return render(request, "dispo/dashboard/overview.html", context)


def checked_period(request: HttpRequest) -> tuple[int, date, list[str]]:
    """The year and as-of date asked for, with a Danish message for each one that could not be used (the page
    then shows what `period` falls back to, and says so)."""
    year, as_of = period(request)
    problems = []
    text = request.GET.get("dato") or ""
    if text and not _parses(date.fromisoformat, text):
        problems.append(f"Datoen «{text}» kan ikke læses. Skriv den som ÅÅÅÅ-MM-DD, fx 2025-06-30.")
    text = request.GET.get("aar") or ""
    if text and not _parses(int, text):
        problems.append(f"Året «{text}» er ikke et årstal. Skriv det med fire cifre, fx 2025.")
    elif not YEARS[0] <= year <= YEARS[1]:
        problems.append(f"Året {year} ligger uden for {YEARS[0]}–{YEARS[1]}.")
        year = as_of.year
    if problems:
        problems.append(f"Siden viser i stedet {year} opgjort pr. {as_of:%d-%m-%Y}.")
    return year, as_of, problems


def _parses(parse: Callable[[str], object], text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def _target_group(code: str | None) -> tuple[TargetGroup, str | None]:
    """The target group whose staircase to show (default adult disability), and a message for an unknown one."""
    groups = target_groups()
    if not code or code in groups:
        return groups[code or DEFAULT_TARGET_GROUP], None
    known = ", ".join(g.label for g in groups.values())
    default = groups[DEFAULT_TARGET_GROUP]
    return default, f"Målgruppen «{code}» findes ikke (vælg mellem {known}). Trappen vises for {default.label}."


def budget_chart(year: int, as_of: date) -> dict[str, Any]:
    """The context of the include `dispo/dashboard/_budget_chart.html`: the year's key figures and the
    cumulative actual, forecast and budget month by month, as a chart and as a table."""
    grants, months = current.grant_frame(year, as_of), current.month_frame(year, as_of)
    budgets = current.ledger()["budgets"]
    figures = dashboard.key_figures(grants, budgets, year)
    series = dashboard.month_series(months, budgets, year)
    drawn = [
        Series("Forventet resten af året", series["cumulative_forecast"].to_list(), "hatched"),
        Series("Forbrug til dato", series["cumulative_actual"].to_list(), "solid"),
    ]
    if figures.budget is not None:
        drawn.append(Series("Budget (1/12 pr. måned)", series["cumulative_budget"].to_list(), "outlined", AMBER))
    budget = "intet budget" if figures.budget is None else f"et budget på {danish_number(figures.budget, 0)} kr."
    desc = (
        f"Akkumuleret måned for måned i {year}: forbrug til dato {danish_number(figures.actual_to_date, 0)} kr., "
        f"forventet regnskab {danish_number(figures.forecast, 0)} kr. ved årets udgang mod {budget}"
    )
    months_shown = MONTH_NAMES if figures.budget is not None or (series["forecast"] != 0).any() else ()
    svg = line_chart(
        "budget-chart", f"Forventet regnskab mod budget {year}", desc, months_shown, drawn, marker=_as_of(year, as_of)
    )
    return {
        "figures": figures,
        "over": figures.diff is not None and figures.diff < 0,
        "left": None if figures.diff is None else abs(figures.diff),
        "budget_share": _share(figures.actual_to_date, figures.budget),
        "diff_share": _share(figures.diff, figures.budget),
        "svg": svg,
        "months": [{**row, "name": MONTH_NAMES[row["month"].month - 1]} for row in series.iter_rows(named=True)],
        "year": year,
        "as_of": as_of,
    }


def _as_of(year: int, as_of: date) -> Marker | None:
    """The as-of date on the chart's month axis (a month's point is its last day), when it falls in the year."""
    if as_of.year != year:
        return None
    days = calendar.monthrange(year, as_of.month)[1]
    return Marker(as_of.month - 2 + as_of.day / days, f"Opgjort pr. {as_of:%d-%m-%Y}")


def _share(part: float | None, whole: float | None) -> str | None:
    """`part` as a percentage of `whole` with one decimal (Danish), or None without a whole."""
    if part is None or not whole:
        return None
    return danish_number(abs(part) / whole * 100, 1)


def _providers(grants: pl.DataFrame) -> dict[str, Any]:
    table = dashboard.by_provider_type(grants)
    labels = [PROVIDER_TYPE_LABELS[t] for t in table["provider_type"]]
    cost = stacked_bar_chart(
        "provider-cost",
        "Forventet udgift efter leverandørtype",
        "Forventet regnskab pr. leverandørtype, delt i forbrug til dato og forventet resten af året.",
        labels,
        [
            Series("Forbrug til dato", table["actual_to_date"].to_list(), "solid"),
            Series("Forventet resten af året", table["remaining"].to_list(), "hatched"),
        ],
    )
    fte = bar_chart(
        "provider-fte",
        "Årsværk efter leverandørtype",
        "Beregnet årsværk pr. leverandørtype.",
        labels,
        table["fte"].to_list(),
        one_decimal,
    )
    rows = [{**row, "label": label} for row, label in zip(table.iter_rows(named=True), labels, strict=True)]
    return {"cost_svg": cost, "fte_svg": fte, "rows": rows, "total": dashboard.totals(grants)}


def _staircase(grants: pl.DataFrame, group: TargetGroup) -> dict[str, Any]:
    table = dashboard.staircase(grants, group.code, staircases.effective_model(group.staircase_model).steps)
    in_group = grants.filter(pl.col("target_group") == group.code)
    total = dashboard.totals(in_group)
    labels = [f"{s}. {n}" if s is not None else n for s, n in zip(table["step"], table["name"], strict=True)]
    if not total["grants"] and not total["forecast"]:
        labels = []  # nothing in the target group: the charts say "Ingen data"
    title = f"Indsatstrappen, {group.label}"
    fte = bar_chart(
        "staircase-fte",
        f"{title}: årsværk pr. trin",
        f"Beregnet årsværk pr. trin for {group.label}.",
        labels,
        table["fte"].to_list(),
        one_decimal,
    )
    cost = bar_chart(
        "staircase-cost",
        f"{title}: forventet udgift pr. trin",
        f"Forventet udgift pr. trin for {group.label}.",
        labels,
        table["forecast"].to_list(),
    )
    return {"group": group, "fte_svg": fte, "cost_svg": cost, "rows": table.to_dicts(), "total": total}


def _paragraphs(over: pl.DataFrame, under: pl.DataFrame) -> dict[str, Any]:
    groups = target_groups()

    def rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
        return [
            {
                **row,
                "label": _short(row["paragraph"]),
                "title": label(row["paragraph"]),
                "group_label": groups[row["target_group"]].label,
            }
            for row in frame.iter_rows(named=True)
        ]

    over_rows, under_rows = rows(over), rows(under)
    both = over_rows + under_rows
    svg = stacked_bar_chart(
        "paragraph-diff",
        "Største afvigelser fra budget pr. paragraf",
        "Budget minus forventet regnskab pr. paragraf og målgruppe: merforbrug til venstre, mindreforbrug til højre.",
        [f"{r['label']} · {r['group_label']}" for r in both],
        [
            Series("Merforbrug", [min(r["diff"], 0.0) for r in both], "solid", RED),
            Series("Mindreforbrug", [max(r["diff"], 0.0) for r in both], "solid"),
        ],
        width=900,
    )
    return {"svg": svg, "over": over_rows, "under": under_rows}


def _short(code: str) -> str:
    """A paragraph's short label for a chart: its law and section ("SEL § 108")."""
    found = paragraph(code)
    return f"{found.law} § {found.section}"


def _download(fmt: str | None, table: str | None, year: int, as_of: date, group: TargetGroup) -> HttpResponse:
    """One of the page's tables as XLSX or CSV (?tabel=…&format=xlsx|csv); a clear 400 for anything else."""
    if fmt not in ("xlsx", "csv"):
        return _bad_request(f"Formatet «{fmt or ''}» kendes ikke. Vælg format=xlsx eller format=csv.")
    grants, budgets = current.grant_frame(year, as_of), current.ledger()["budgets"]
    if table == "maaneder":
        frame = dashboard.month_series(current.month_frame(year, as_of), budgets, year)
    elif table == "leverandoertyper":
        frame = dashboard.by_provider_type(grants)
    elif table == "trappe":
        frame = dashboard.staircase(grants, group.code, staircases.effective_model(group.staircase_model).steps)
    elif table == "paragraffer":
        frame = pl.concat(dashboard.paragraph_differences(grants, budgets, year))
    else:
        names = "maaneder, leverandoertyper, trappe eller paragraffer"
        return _bad_request(f"Tabellen «{table or ''}» findes ikke på siden. Vælg tabel={names}.")
    return download(frame, fmt, f"overblik-{table}-{year}", HEADERS)


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
