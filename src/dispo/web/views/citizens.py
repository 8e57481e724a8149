"""A citizen's page and a grant's page: every grant, its figures for the year and how they came about."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from dispo.domain.paragraphs import label
from dispo.engine.forecast import forecast_months
from dispo.engine.net import NET_COLUMNS
from dispo.services import current
from dispo.services.grants import change_rows
from dispo.services.mi.expensive_cases import cost_bracket
from dispo.services.reports import GRANT_LINE_COLUMNS
from dispo.store.access import Role, roles_of
from dispo.store.models import AuditEntry, Citizen, Grant
from dispo.web.timeline import timeline
from dispo.web.views.common import download, period

EDITORS = {Role.CONTROLLER, Role.ADMINISTRATOR, Role.CASEWORKER}
CITIZEN_COLUMNS = ("grant_id", "paragraph", "label", "provider_id", *GRANT_LINE_COLUMNS, *NET_COLUMNS)


def may_edit(user: object) -> bool:
    """Whether to offer the edit links: the registration views check the grant itself again."""
    return bool(roles_of(user) & EDITORS)


def citizen_for(request: HttpRequest, citizen_id: str) -> Citizen:
    """The citizen if the user may see them: 404 if there is none, 403 (and logged) if not theirs."""
    citizen = get_object_or_404(Citizen, citizen_id=citizen_id)
    if not Citizen.objects.visible_to(request.user).filter(pk=citizen.pk).exists():
        AuditEntry.record(request, "afvist-borger", [citizen_id])
        raise PermissionDenied("Borgeren hører ikke til dine sager.")
    return citizen


@login_required
def citizen_detail(request: HttpRequest, citizen_id: str) -> HttpResponse:
    citizen = citizen_for(request, citizen_id)
    year, as_of = period(request)
    AuditEntry.record(request, "borger", [citizen_id])
    lines = (
        current.grant_frame(year, as_of)
        .filter(pl.col("citizen_id") == citizen_id)
        .sort("start")
        .with_columns(label=pl.col("paragraph").map_elements(label, return_dtype=pl.String))
    )
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        return download(lines.select(CITIZEN_COLUMNS), fmt, f"borger-{citizen_id}-{year}")
    grants = Grant.objects.filter(citizen=citizen).select_related("provider", "caseworker").order_by("start")
    money = ["actual_to_date", "remaining", "forecast", "fte", "gross", "sde_reimbursement", "net"]
    totals = lines.select(pl.col(money).sum()).row(0, named=True)
    context = {
        "citizen": citizen,
        "lines": lines.to_dicts(),
        "grants": grants,
        "timeline": timeline(grants, year, as_of),
        "may_edit": may_edit(request.user),
        "totals": totals,
        "cost_bracket": lines.select(cost_bracket(pl.col("gross").sum())).item(),
        "year": year,
        "as_of": as_of,
    }
    return render(request, "dispo/citizen.html", context)


@login_required
def grant_detail(request: HttpRequest, grant_id: str) -> HttpResponse:
    """A grant with its month-by-month trace: which days, which rate, booked or computed."""
    grant = get_object_or_404(Grant.objects.select_related("citizen", "provider", "caseworker"), grant_id=grant_id)
    citizen_for(request, grant.citizen.citizen_id)
    year, as_of = period(request)
    AuditEntry.record(request, "bevilling", [grant.citizen.citizen_id], {"grant": grant_id, **request.GET.dict()})
    ledger = current.ledger()
    one = pl.col("grant_id") == grant_id
    months = (
        forecast_months(
            ledger["grants"].filter(one),
            ledger["payments"].filter(one),
            ledger["rates"].filter(one),
            year,
            as_of,
        )
        .sort("month")
        .collect()
    )
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        return download(months, fmt, f"bevilling-{grant_id}-{year}")
    totals: dict[str, Any] = months.select(
        pl.col("days", "computed", "actual_to_date", "remaining", "forecast").sum()
    ).row(0, named=True)
    context = {
        "grant": grant,
        "label": label(grant.paragraph),
        "months": months.to_dicts(),
        "totals": totals,
        "rates": grant.rate_changes.order_by("valid_from"),
        "changes": [(change, change_rows(change)) for change in grant.changes.all()[:50]],
        "may_edit": may_edit(request.user),
        "year": year,
        "as_of": as_of,
    }
    return render(request, "dispo/grant.html", context)
