"""The management-information reports (ledelsesinformation), each a table with drill-down and downloads.

The figures come from `services.mi`; this module decides who may see which report, which grants a user may
see at person level (`Grant.objects.visible_to`), writes the audit row for every page or download showing
person-level data, and gives each column its Danish heading — the same headings on the page and in the
XLSX/CSV downloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from dispo.domain.paragraphs import UnknownParagraph, paragraph
from dispo.domain.reimbursement import SdeRule, UnknownSdeRule, sde_rule
from dispo.services import current
from dispo.services.mi import caseload, expensive_cases, november_list, provider_list, total
from dispo.store.access import SEES_EVERY_CITIZEN, Role, roles_of
from dispo.store.models import AuditEntry, Caseworker, Grant, LeaderUnit, OrgUnit, Provider
from dispo.web.views.common import period, requested_download, require_role

MANAGEMENT = (Role.CONTROLLER, Role.ADMINISTRATOR, Role.LEADER, Role.ANALYST)
PERSON_LEVEL = (Role.CONTROLLER, Role.ADMINISTRATOR)
SEES_EVERY_CASEWORKER = frozenset({Role.CONTROLLER, Role.ADMINISTRATOR, Role.ANALYST})

OVERVIEW_HEADERS = {
    "name": "Sagsbehandler",
    "caseworker_id": "Sagsbehandler-id",
    "unit": "Enhed",
    "citizens": "Antal borgere",
    "grants": "Antal bevillinger",
    "forecast": "Sagsstamme i kr.",
    "actual_to_date": "Forbrug til dato",
    "remaining": "Resten af året",
    "fte": "Årsværk",
}
CITIZEN_HEADERS = {
    "cpr": "CPR-nummer",
    "citizen_id": "Borger-id",
    "grants": "Antal bevillinger",
    "actual_to_date": "Forbrug til dato",
    "remaining": "Resten af året",
    "forecast": "Forventet",
    "fte": "Årsværk",
}
ENDING_HEADERS = {
    "cpr": "CPR-nummer",
    "grant_id": "Bevilling",
    "paragraph": "Paragraf",
    "provider": "Leverandør",
    "rate": "Takst",
    "price_basis": "Prisgrundlag",
    "start": "Startdato",
    "end": "Slutdato",
    "forecast": "Forventet i året",
}
SDE_HEADERS = {
    "kind": "Aldersgruppe",
    "cprs": "CPR-nummer",
    "citizen_ids": "Borger-id",
    "gross": "Bruttoudgift",
    "sde_expense": "Udgift omfattet af ordningen",
    "sde_reimbursement": "Refusion",
    "net": "Nettoudgift",
    "bracket": "Udgiftsinterval",
}
PRICE_BASES = dict(Grant.PriceBasis.choices)
SDE_KINDS = {"voksne": "Voksen", "boern": "Børn (husstand)"}
NOVEMBER_HEADERS = {
    "cpr": "CPR-nummer",
    "citizen_id": "Borger-id",
    "grant_id": "Bevilling",
    "paragraph": "Paragraf",
    "acting_municipality": "Handlekommune",
    "paying_municipality": "Betalingskommune",
    "start": "Startdato",
    "end": "Slutdato",
    "gross": "Bruttoudgift",
    "own_payment": "Egenbetaling",
    "we_pay": "Vi betaler",
    "others_pay": "Anden kommune betaler",
}
PROVIDER_GROUPS = {
    "privat": "Private tilbud",
    "andre": "Andre kommuner og regioner",
    "egen": "Egne tilbud",
    "ingen": "Uden leverandør",
}
PROVIDER_HEADERS = {
    "grant_id": "Bevilling",
    "cpr": "CPR-nummer",
    "provider": "Leverandør",
    "provider_type": "Leverandørtype",
    "period_start": "Startdato i året",
    "period_end": "Slutdato i året",
    "fte": "Årsværk i året",
    "forecast": "Beløb",
    "vat_net": "Beløb momsafløftet",
    **{provider_list.price_column(g): f"Enhedspris pr. år, {label.lower()}" for g, label in PROVIDER_GROUPS.items()},
}
PROVIDER_SUMMARY = {"total": "Total", "vat_net": "Momsafløftet", "average": "Gennemsnit", "fte": "Årsværk"}
INDEX_HEADERS = {
    "label": "Paragraf",
    "grants": "Antal bevillinger",
    "citizens": "Unik cpr",
    "fte": "Årsværk",
    "forecast": "Beløb",
    "avg_price": "Gennemsnitspris pr. år",
}


@dataclass(frozen=True)
class Report:
    url_name: str
    title: str
    text: str
    roles: frozenset[Role]


REPORTS = (
    Report(
        "report-caseworkers",
        "Sagsbehandleroversigt",
        "Hver sagsbehandlers borgere, bevillinger, sagsstamme i kr. og årsværk.",
        frozenset(MANAGEMENT),
    ),
    Report(
        "report-sde",
        "Særligt dyre enkeltsager",
        "Borgere og husstande over refusionsgrænsen eller med refusion i årets løb.",
        frozenset(PERSON_LEVEL),
    ),
    Report(
        "report-november",
        "Novemberlisten",
        "Bevillinger hvor en anden kommune er handle- eller betalingskommune.",
        frozenset(PERSON_LEVEL),
    ),
    Report(
        "report-providers",
        "Leverandørliste pr. paragraf",
        "Bevillingerne på en paragraf fordelt på private, andre kommuners og egne tilbud med enhedspriser.",
        frozenset(PERSON_LEVEL),
    ),
)


def _query(year: int, as_of: date) -> str:
    return f"aar={year}&dato={as_of.isoformat()}"


def _visible(request: HttpRequest, grants: pl.DataFrame) -> pl.DataFrame:
    """The rows of `grants` the user may see at person level."""
    ids = Grant.objects.visible_to(request.user).values_list("grant_id", flat=True)
    return grants.filter(pl.col("grant_id").is_in(list(ids)))


def _leader_caseworkers(user: Any) -> set[str]:
    """The caseworkers of a leader's units and the units below them."""
    units = OrgUnit.subtree_ids(set(LeaderUnit.objects.filter(user=user).values_list("unit_id", flat=True)))
    return set(Caseworker.objects.filter(unit_id__in=units).values_list("caseworker_id", flat=True))


def _caseworker_scope(user: Any) -> set[str] | None:
    """The caseworkers whose caseloads the user may see; None for all of them."""
    return None if roles_of(user) & SEES_EVERY_CASEWORKER else _leader_caseworkers(user)


def _own_caseworker(user: Any) -> Caseworker | None:
    """The caseworker the user is, if any."""
    return Caseworker.objects.filter(user=user).first()


def _may_see_report(user: Any, caseworker: Caseworker) -> bool:
    """Controllers and administrators see every caseworker's report, a leader those of their units, a
    caseworker their own."""
    roles = roles_of(user)
    if roles & SEES_EVERY_CITIZEN or caseworker.user_id == user.pk:
        return True
    return Role.LEADER in roles and caseworker.caseworker_id in _leader_caseworkers(user)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The reports the user's role gives access to, and a caseworker's own report."""
    roles = roles_of(request.user)
    reports = [r for r in REPORTS if roles & r.roles]
    own = _own_caseworker(request.user)
    if not reports and own is None:
        raise PermissionDenied("Din rolle giver ikke adgang til rapporterne.")
    year, as_of = period(request)
    context = {"reports": reports, "own": own, "year": year, "as_of": as_of, "query": _query(year, as_of)}
    return render(request, "dispo/reports/index.html", context)


@login_required
def caseworker_overview(request: HttpRequest) -> HttpResponse:
    """Sagsbehandleroversigt: aggregates only, so analysts may see it; a leader sees their units' caseworkers."""
    require_role(request, *MANAGEMENT)
    year, as_of = period(request)
    ledger = current.ledger()
    scope = _caseworker_scope(request.user)
    grants = current.grant_frame(year, as_of)
    table = caseload.caseworker_overview(grants, ledger["caseworkers"], ledger["units"], scope)
    if response := requested_download(request, table, f"sagsbehandleroversigt-{year}", OVERVIEW_HEADERS):
        return response
    roles = roles_of(request.user)
    context = {
        "rows": table.to_dicts(),
        "totals": total(caseload.in_scope(grants, scope)),
        "linked": bool(roles & (SEES_EVERY_CITIZEN | {Role.LEADER})),
        "headers": OVERVIEW_HEADERS,
        "year": year,
        "as_of": as_of,
        "query": _query(year, as_of),
    }
    return render(request, "dispo/reports/caseworkers.html", context)


@login_required
def caseworker_report(request: HttpRequest, caseworker_id: str) -> HttpResponse:
    """Sagsbehandlerrapport: one caseworker's citizens and the grants about to stop; person-level, so audited,
    and a refused attempt is logged too."""
    caseworker = get_object_or_404(Caseworker.objects.select_related("unit"), caseworker_id=caseworker_id)
    if not _may_see_report(request.user, caseworker):
        AuditEntry.record(request, "afvist-sagsbehandlerrapport", [])
        raise PermissionDenied("Du kan kun se din egen sagsbehandlerrapport eller dine enheders.")
    year, as_of = period(request)
    ledger = current.ledger()
    grants = _visible(request, current.grant_frame(year, as_of))
    citizens = caseload.caseworker_citizens(grants, ledger["citizens"], caseworker_id)
    ending = caseload.ending_grants(grants, ledger["citizens"], ledger["providers"], caseworker_id, as_of)
    ending = ending.with_columns(pl.col("price_basis").replace_strict(PRICE_BASES, default=pl.col("price_basis")))
    shown = sorted(set(citizens["citizen_id"].to_list()) | set(ending["citizen_id"].to_list()))
    AuditEntry.record(request, "sagsbehandlerrapport", shown)
    name = f"sagsbehandlerrapport-{caseworker_id}-{year}"
    if request.GET.get("liste") == "ophoer":
        response = requested_download(request, ending, f"{name}-ophoer", ENDING_HEADERS)
    else:
        response = requested_download(request, citizens, name, CITIZEN_HEADERS)
    if response:
        return response
    context = {
        "caseworker": caseworker,
        "citizens": citizens.to_dicts(),
        "ending": ending.to_dicts(),
        "totals": total(grants.filter(pl.col("caseworker_id") == caseworker_id)),
        "headers": CITIZEN_HEADERS,
        "ending_headers": ENDING_HEADERS,
        "months": caseload.ENDING_WITHIN_MONTHS,
        "year": year,
        "as_of": as_of,
        "query": _query(year, as_of),
    }
    return render(request, "dispo/reports/caseworker.html", context)


def _sde_rules(year: int) -> tuple[SdeRule, SdeRule] | None:
    try:
        return sde_rule(year, "voksne"), sde_rule(year, "boern")
    except UnknownSdeRule:
        return None


@login_required
def expensive_case_list(request: HttpRequest) -> HttpResponse:
    """Særligt dyre enkeltsager, with the year's thresholds; a year outside the scheme's data says so."""
    require_role(request, *PERSON_LEVEL)
    year, as_of = period(request)
    context: dict[str, Any] = {"year": year, "as_of": as_of, "query": _query(year, as_of), "headers": SDE_HEADERS}
    rules = _sde_rules(year)
    if rules is None:
        return render(request, "dispo/reports/sde.html", context)
    adults, children = rules
    grants = _visible(request, current.grant_frame(year, as_of))
    first = {"voksne": adults.thresholds[0], "boern": children.thresholds[0]}
    cases = expensive_cases.expensive_cases(grants, current.ledger()["citizens"], first)
    AuditEntry.record(request, "saerligt-dyre-enkeltsager", sorted(set(cases["citizen_ids"].explode().to_list())))
    readable = expensive_cases.for_download(cases).with_columns(pl.col("kind").replace_strict(SDE_KINDS))
    if response := requested_download(request, readable, f"saerligt-dyre-enkeltsager-{year}", SDE_HEADERS):
        return response
    rows = [
        {
            **row,
            "kind_label": SDE_KINDS[row["kind"]],
            "citizens": list(zip(row["citizen_ids"], row["cprs"], strict=True)),
        }
        for row in cases.to_dicts()
    ]
    sums = cases.select(pl.col("gross", "sde_expense", "sde_reimbursement", "net").sum()).row(0, named=True)
    shares = " / ".join(f"{share:.0%}".replace("%", " %") for share in adults.shares)
    context |= {"rows": rows, "totals": sums, "adults": adults, "children": children, "shares": shares}
    return render(request, "dispo/reports/sde.html", context)


@login_required
def november(request: HttpRequest) -> HttpResponse:
    """Novemberlisten: the grants settled with other municipalities, in both directions."""
    require_role(request, *PERSON_LEVEL)
    year, as_of = period(request)
    grants = _visible(request, current.grant_frame(year, as_of))
    table = november_list.november_list(grants, current.ledger()["citizens"], settings.MUNICIPALITY)
    AuditEntry.record(request, "novemberlisten", sorted(set(table["citizen_id"].to_list())))
    if response := requested_download(request, table, f"novemberlisten-{year}", NOVEMBER_HEADERS):
        return response
    money = ["gross", "own_payment", "we_pay", "others_pay"]
    context = {
        "rows": table.to_dicts(),
        "totals": table.select(pl.col(money).sum()).row(0, named=True),
        "citizens": table["citizen_id"].n_unique(),
        "municipality": settings.MUNICIPALITY,
        "headers": NOVEMBER_HEADERS,
        "year": year,
        "as_of": as_of,
        "query": _query(year, as_of),
    }
    return render(request, "dispo/reports/november.html", context)


@login_required
def provider_paragraphs(request: HttpRequest) -> HttpResponse:
    """The paragraphs with grants in the year, each leading to its provider list."""
    require_role(request, *PERSON_LEVEL)
    year, as_of = period(request)
    table = provider_list.paragraph_index(_visible(request, current.grant_frame(year, as_of)))
    if response := requested_download(request, table, f"leverandoerlister-{year}", INDEX_HEADERS):
        return response
    context = {
        "rows": table.to_dicts(),
        "headers": INDEX_HEADERS,
        "year": year,
        "as_of": as_of,
        "query": _query(year, as_of),
    }
    return render(request, "dispo/reports/providers_index.html", context)


@login_required
def provider_paragraph(request: HttpRequest, code: str) -> HttpResponse:
    """One paragraph's provider list in the layout of Varde's § 108 list."""
    require_role(request, *PERSON_LEVEL)
    try:
        para = paragraph(code)
    except UnknownParagraph as error:
        hint = f" Mente du {', '.join(error.suggestions)}?" if error.suggestions else ""
        raise Http404(f"Ukendt paragraf {code}.{hint}") from None
    year, as_of = period(request)
    ledger = current.ledger()
    grants = _visible(request, current.grant_frame(year, as_of))
    types = dict(Provider.Type.choices)
    rows = provider_list.provider_rows(grants, ledger["citizens"], ledger["providers"], code, year).with_columns(
        pl.col("provider_type").replace_strict(types, default="Uden leverandør")
    )
    AuditEntry.record(request, "leverandoerliste", sorted(set(rows["citizen_id"].to_list())))
    table = provider_list.provider_download(rows, PROVIDER_SUMMARY)
    if response := requested_download(request, table, f"leverandoerliste-{code}-{year}", PROVIDER_HEADERS):
        return response
    groups = provider_list.groups_shown(rows)
    columns = [provider_list.price_column(g) for g in groups]
    summary = provider_list.provider_summary(rows)
    context = {
        "paragraph": para,
        "rows": [{**row, "prices": [row[c] for c in columns]} for row in provider_list.provider_table(rows).to_dicts()],
        "groups": [PROVIDER_GROUPS[g] for g in groups],
        "summary": {line: [summary[line][g] for g in groups] for line in PROVIDER_SUMMARY},
        "overall": {line: summary[line]["all"] for line in PROVIDER_SUMMARY},
        "summary_labels": PROVIDER_SUMMARY,
        "citizens": rows["citizen_id"].n_unique(),
        "headers": PROVIDER_HEADERS,
        "year": year,
        "as_of": as_of,
        "query": _query(year, as_of),
    }
    return render(request, "dispo/reports/providers.html", context)
