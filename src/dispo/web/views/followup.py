"""The budget follow-up table (budgetopfølgning) and its drill-down to the grants of a paragraph."""

from __future__ import annotations

import hashlib
from typing import Any

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from dispo.domain.paragraphs import UnknownParagraph, paragraph
from dispo.domain.target_groups import target_groups
from dispo.services import current
from dispo.services.reports import GRANT_LINE_COLUMNS, TABLE_LABELS
from dispo.store.access import Role, roles_of
from dispo.store.models import AuditEntry, Caseworker, Grant
from dispo.web.views.common import download, period
from dispo.web.views.dashboard import budget_chart

FOLLOWUP_HEADERS = {
    "level": "Niveau",
    "target_group": "Målgruppe",
    "category": "Kategori",
    "paragraph": "Paragraf",
    **TABLE_LABELS,
    "actual_to_date": "Forbrug til dato",
    "remaining": "Resten af året",
}
MANAGEMENT = (Role.CONTROLLER, Role.ADMINISTRATOR, Role.LEADER, Role.ANALYST)


@login_required
def followup(request: HttpRequest) -> HttpResponse:
    if not roles_of(request.user) & set(MANAGEMENT):
        return redirect(home_of(request.user))
    year, as_of = period(request)
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        frame, _ = current.followup(year, as_of)
        return download(frame, fmt, f"budgetopfoelgning-{year}", FOLLOWUP_HEADERS, totals=False)
    # The table and chart are the same for every user who may see them: the template caches them per ledger
    # version, year and date, and computes them (lazily) only when it has to.
    context = {
        "rows": SimpleLazyObject(lambda: current.followup(year, as_of)[1]),
        "budget_chart": SimpleLazyObject(lambda: budget_chart(year, as_of)),
        "ledger_version": current.version(),
        "year": year,
        "as_of": as_of,
    }
    return render(request, "dispo/followup.html", context)


def home_of(user: Any) -> str:
    """Where a user without the management roles starts: a caseworker on their own caseload report."""
    caseworker = Caseworker.objects.filter(user=user).first()
    if caseworker is not None:
        return reverse("report-caseworker", args=[caseworker.caseworker_id])
    return reverse("reports")


@login_required
def paragraph_grants(request: HttpRequest, code: str) -> HttpResponse:
    """The grants behind one line of the follow-up table, each with its figures for the year."""
    try:
        para = paragraph(code)
    except UnknownParagraph:
        raise Http404(f"Ukendt paragraf {code}") from None
    year, as_of = period(request)
    group = request.GET.get("maalgruppe")
    visible = set(Grant.objects.visible_to(request.user).filter(paragraph=code).values_list("grant_id", flat=True))
    ledger = current.ledger()
    selection = pl.col("paragraph") == code
    if group:
        selection &= pl.col("target_group") == group
    lines = (
        current.grant_frame(year, as_of)
        .lazy()
        .filter(selection & pl.col("grant_id").is_in(list(visible)))
        .join(ledger["citizens"].lazy().select("citizen_id", "cpr"), on="citizen_id", how="left")
        .join(
            ledger["providers"].lazy().select("provider_id", pl.col("name").alias("provider")),
            on="provider_id",
            how="left",
        )
        .sort("forecast", descending=True)
        .collect()
    )
    AuditEntry.record(request, "paragraf-bevillinger", sorted(set(lines["citizen_id"].to_list())))
    fmt = request.GET.get("format")
    columns = ["grant_id", "citizen_id", "cpr", "provider", "provider_type", *GRANT_LINE_COLUMNS]
    if fmt in ("xlsx", "csv"):
        return download(lines.select(columns), fmt, f"{code}-{year}")
    totals = lines.select(pl.col("actual_to_date", "remaining", "forecast", "fte").sum()).row(0, named=True)
    # The table is the same for everyone who sees the same grants: the template caches it per ledger version,
    # period, paragraph, target group and set of visible grants, and renders the rows only when it has to.
    seen = hashlib.sha256("\n".join(sorted(lines["grant_id"].to_list())).encode()).hexdigest()
    context = {
        "paragraph": para,
        "group": target_groups().get(group or ""),
        "lines": SimpleLazyObject(lines.to_dicts),
        "line_count": lines.height,
        "cache_key": f"{current.version()}:{code}:{group}:{seen}",
        "totals": totals,
        "citizens": lines["citizen_id"].n_unique(),
        # One link per row and column: built from the reversed root once, not reversed per row.
        "citizen_root": reverse("citizen", args=["x"]).removesuffix("x/"),
        "grant_root": reverse("grant", args=["x"]).removesuffix("x/"),
        "period_query": f"?aar={year}&dato={as_of.isoformat()}",
        "year": year,
        "as_of": as_of,
    }
    return render(request, "dispo/paragraph.html", context)
