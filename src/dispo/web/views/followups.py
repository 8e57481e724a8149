"""The monthly follow-ups (opfølgninger): the year's list, one frozen follow-up with its changes and comments,
approval, the change drill-down to grants, the committee report and the year's series.

Controllers and administrators make, comment and approve follow-ups; leaders and analysts read them;
caseworkers are refused. The drill-down names grants and citizens: it shows only what the user may see
(`Grant.objects.visible_to`) and is audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dispo.engine.changes import PARTS
from dispo.services import current
from dispo.services.followups.pdf import committee_pdf
from dispo.services.followups.report import PART_LABELS, committee_report
from dispo.services.followups.series import monthly_series, series_followups, series_table
from dispo.services.followups.snapshot import (
    CHANGE_FIELDS,
    FollowUpError,
    approve,
    comment_line,
    create_followup,
    display_rows,
    followups_of,
    line_grant_changes,
    named,
    years,
)
from dispo.services.followups.workbook import committee_xlsx
from dispo.services.reports import TABLE_LABELS
from dispo.services.reviews import combined, reviews_of
from dispo.store.access import Role, roles_of
from dispo.store.followups.models import FollowUp, FollowUpLine
from dispo.store.models import AuditEntry, Grant
from dispo.web.charts import Series, bar_chart, line_chart, one_decimal
from dispo.web.views.common import download, require_role, year_asked

READERS = (Role.CONTROLLER, Role.ADMINISTRATOR, Role.LEADER, Role.ANALYST)
WRITERS = (Role.CONTROLLER, Role.ADMINISTRATOR)
PERSON_LEVEL = (Role.CONTROLLER, Role.ADMINISTRATOR, Role.LEADER)
"""Who may open a line's grants: analysts see aggregates only (DESIGN.md §6)."""
LINE_HEADERS = {
    "level": "Niveau",
    "target_group": "Målgruppe",
    "category": "Kategori",
    "paragraph": "Paragraf",
    "label": "Linje",
    **TABLE_LABELS,
    "previous_forecast": "Forventet sidst",
    "change": "Ændring",
    **{CHANGE_FIELDS[p]: PART_LABELS[p] for p in PARTS},
    "comment": "Kommentar",
}
GRANT_COLUMNS = ("grant_id", "citizen_id", "paragraph", "price_basis", "rate", "start", "end", "status")
STATUSES = dict(Grant.Status.choices)
FILE_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _can_write(request: HttpRequest) -> bool:
    return bool(roles_of(request.user) & set(WRITERS))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The year's follow-ups, newest first, with the form to make a new one."""
    require_role(request, *READERS)
    year = year_asked(request)
    context = {
        "year": year,
        "years": sorted({year, *years()}, reverse=True),
        "followups": followups_of(year),
        "can_write": _can_write(request),
        "today": date.today(),
    }
    return render(request, "dispo/followups/index.html", context)


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    require_role(request, *WRITERS)
    try:
        as_of = date.fromisoformat(request.POST.get("dato", ""))
    except ValueError:
        messages.error(request, "Angiv opgørelsesdatoen som en dato, fx 31-03-2025.")
        return redirect(reverse("followups"))
    try:
        followup = create_followup(as_of, request.user)
    except FollowUpError as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('followups')}?aar={as_of.year}")
    messages.success(request, f"{followup} er oprettet som kladde.")
    return redirect(reverse("followup-detail", args=[followup.pk]))


@login_required
def detail(request: HttpRequest, followup_id: int) -> HttpResponse:
    """One follow-up: its table with budget, forecast, difference, the change since the previous one in parts,
    and a comment per line; downloads of the table and the committee report."""
    require_role(request, *READERS)
    followup = get_object_or_404(
        FollowUp.objects.select_related("previous", "approved_by", "created_by"), pk=followup_id
    )
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        return download(_line_frame(followup), fmt, f"opfoelgning-{followup.as_of:%Y-%m-%d}", LINE_HEADERS, False)
    if request.GET.get("rapport") in FILE_TYPES:
        return _committee_report(followup, request.GET["rapport"])
    controlling = _can_write(request)
    reviews = reviews_of(followup) if controlling else []
    context = {
        "followup": followup,
        "rows": [(*row, *_changes(row[2])) for row in display_rows(followup)],
        "columns": 9 if followup.previous else 8,
        "can_write": controlling and not followup.approved,
        "can_drill": bool(roles_of(request.user) & set(PERSON_LEVEL)) and followup.previous is not None,
        "controlling": controlling,
        "reviews": reviews,
        "review_progress": combined(p for _, p in reviews),
        "signed_off": sum(review.signed_off for review, _ in reviews),
        "unsigned": named([review.caseworker.name for review, _ in reviews if not review.signed_off]),
    }
    return render(request, "dispo/followups/detail.html", context)


def _shown(row: dict[str, Any], parts: list[str]) -> list[float | None]:
    """A grant's parts of a change, empty where under half a krone. Only the parts some grant of the line has
    are columns: the others are zero throughout, and the summary above the table shows them."""
    return [row[p] if abs(row[p]) >= 0.5 else None for p in parts]


def _committee_report(followup: FollowUp, fmt: str) -> HttpResponse:
    """The committee report of the follow-up as PDF or XLSX."""
    built = committee_report(followup)
    body = committee_pdf(built) if fmt == "pdf" else committee_xlsx(built)
    response = HttpResponse(body, content_type=FILE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="budgetopfoelgning-{followup.as_of:%Y-%m-%d}.{fmt}"'
    return response


def _changes(line: FollowUpLine | None) -> tuple[float | None, list[tuple[str, float]]]:
    """A line's change (under half a krone: 0, never "-0") and its parts of half a krone or more, named (the
    others are left out, so the reasons that matter stand out)."""
    if line is None or line.change is None:
        return None, []
    values = [(PART_LABELS[p], getattr(line, CHANGE_FIELDS[p])) for p in PARTS]
    change = 0.0 if abs(line.change) < 0.5 else line.change
    return change, [(label, v) for label, v in values if abs(v) >= 0.5]


def _line_frame(followup: FollowUp) -> pl.DataFrame:
    lines = followup.lines.order_by("position").values_list(*LINE_HEADERS)
    return pl.DataFrame(list(lines), schema=list(LINE_HEADERS), orient="row", infer_schema_length=None)


@login_required
@require_POST
def comment(request: HttpRequest, followup_id: int, line_id: int) -> HttpResponse:
    """Save a line's comment; htmx gets the line's comment cell back, a plain form post the page."""
    require_role(request, *WRITERS)
    line = get_object_or_404(FollowUpLine.objects.select_related("followup"), pk=line_id, followup_id=followup_id)
    error = ""
    try:
        line = comment_line(line, request.POST.get("kommentar", ""), request.user)
    except FollowUpError as refused:
        error = str(refused)
    if request.headers.get("HX-Request"):
        context = {"line": line, "followup": line.followup, "can_write": not error, "error": error, "saved": not error}
        return render(request, "dispo/followups/_comment.html", context)
    if error:
        messages.error(request, error)
    return redirect(reverse("followup-detail", args=[followup_id]) + f"#linje-{line.pk}")


@login_required
@require_POST
def approve_view(request: HttpRequest, followup_id: int) -> HttpResponse:
    """Approve the follow-up; with case reviews not signed off only when the form's «Godkend alligevel» is
    ticked (checked here, on the server, not in the browser)."""
    require_role(request, *WRITERS)
    followup = get_object_or_404(FollowUp, pk=followup_id)
    try:
        followup = approve(followup, request.user, despite_open_reviews=request.POST.get("alligevel") == "ja")
        messages.success(request, f"{followup} er godkendt og låst.")
    except FollowUpError as error:
        messages.error(request, str(error))
    return redirect(reverse("followup-detail", args=[followup_id]))


@login_required
def line_detail(request: HttpRequest, followup_id: int, line_id: int) -> HttpResponse:
    """Which grants made each part of a line's change (person level: only grants the user may see; audited)."""
    require_role(request, *PERSON_LEVEL)
    line = get_object_or_404(
        FollowUpLine.objects.select_related("followup__previous"), pk=line_id, followup_id=followup_id
    )
    visible = set(Grant.objects.visible_to(request.user).values_list("grant_id", flat=True))
    rows = line_grant_changes(line.followup, line)
    if rows.height:
        rows = rows.filter(pl.col("grant_id").is_in(list(visible)))
        cpr = current.ledger()["citizens"].select("citizen_id", "cpr")
        rows = rows.join(cpr, on="citizen_id", how="left")
    citizens = sorted(set(rows["citizen_id"].to_list())) if rows.height else []
    AuditEntry.record(request, "opfoelgning-aendringer", citizens, {"followup": followup_id, "line": line_id})
    fmt = request.GET.get("format")
    columns = [c for c in (*GRANT_COLUMNS, "cpr", "previous", "current", "change", *PARTS) if c in rows.columns]
    if fmt in ("xlsx", "csv"):
        return download(rows.select(columns), fmt, f"aendringer-{line.paragraph or line.level}")
    used = [p for p in PARTS if rows.height and (rows[p].abs() >= 0.5).any()]
    context = {
        "line": line,
        "followup": line.followup,
        "rows": [
            {**r, "status": STATUSES.get(r["status"], r["status"]), "part_values": _shown(r, used)}
            for r in rows.to_dicts()
        ],
        "parts": [PART_LABELS[p] for p in used],
        "summary": [(PART_LABELS[p], getattr(line, CHANGE_FIELDS[p])) for p in PARTS],
        "hidden": line.grants > 0 and rows.height == 0,
    }
    return render(request, "dispo/followups/line.html", context)


@login_required
def series(request: HttpRequest) -> HttpResponse:
    """The year's follow-ups side by side per area and category, with a chart of the chosen line."""
    require_role(request, *READERS)
    year = year_asked(request)
    built = monthly_series(series_followups(year))
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        return download(series_table(built), fmt, f"maanedsserie-{year}", totals=False)
    chosen = request.GET.get("linje", "")
    line = next((s for s in built.lines if s.label == chosen), None) or next(
        (s for s in built.lines if s.level == "total"), None
    )
    context = {
        "year": year,
        "years": sorted({year, *years()}, reverse=True),
        "series": built,
        "points": list(zip(built.followups, built.dates, strict=True)),
        "line": line,
        "charts": _series_charts(built.dates, line) if line is not None else [],
    }
    return render(request, "dispo/followups/series.html", context)


def _series_charts(dates: tuple[date, ...], line: Any) -> list[tuple[str, str]]:
    labels = [d.strftime("%d-%m") for d in dates]
    forecast = [v or 0.0 for v in line.forecast]
    budget = [v or 0.0 for v in line.budgets]
    money = line_chart(
        "serie-forventet",
        f"Forventet og budget: {line.label}",
        "Det forventede regnskab i hver af årets opfølgninger (skraveret) mod budgettet (linje).",
        labels,
        [Series("Forventet", forecast, "hatched"), Series("Budget", budget, "outlined", "#a04800")],
        width=900,
        height=300,
    )
    counts = bar_chart(
        "serie-antal",
        f"Antal indsatser: {line.label}",
        "Antal indsatser i hver af årets opfølgninger.",
        labels,
        [float(v or 0) for v in line.grants],
        fmt=one_decimal,
    )
    return [(f"Forventet og budget: {line.label}", money), (f"Antal indsatser: {line.label}", counts)]
