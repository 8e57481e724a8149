"""Registering, changing and ending a grant in the browser.

Controllers and administrators may edit any grant; a caseworker the grants of their own citizens; leaders and
analysts none. Every page shows person-level data, so every request is written to the audit log. After a save
the user lands on the grant's page, whose history lists the change and whose figures already include it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from dispo.services import grants as grant_services
from dispo.store.access import Role, roles_of
from dispo.store.models import AuditEntry, Caseworker, Citizen, Grant, Provider
from dispo.web.forms import EndGrantForm, GrantForm, canonical_number
from dispo.web.timeline import timeline
from dispo.web.views.citizens import citizen_for
from dispo.web.views.common import period, require_role

EDITORS = (Role.CONTROLLER, Role.ADMINISTRATOR, Role.CASEWORKER)


def _citizen_to_edit(request: HttpRequest, citizen_id: str) -> Citizen:
    """The citizen if the user may register grants for them: 403 for other roles, 404/403 as the citizen page."""
    require_role(request, *EDITORS)
    return citizen_for(request, citizen_id)


def _grant_to_edit(request: HttpRequest, grant_id: str) -> Grant:
    require_role(request, *EDITORS)
    grant = get_object_or_404(
        Grant.objects.select_related("citizen", "provider", "caseworker", "unit"), grant_id=grant_id
    )
    citizen_for(request, grant.citizen.citizen_id)
    return grant


def _to_grant_page(grant: Grant, year: int, as_of: date) -> HttpResponse:
    return redirect(reverse("grant", args=[grant.grant_id]) + f"?aar={year}&dato={as_of:%Y-%m-%d}")


def _own_caseworker(request: HttpRequest) -> Caseworker | None:
    if Role.CASEWORKER not in roles_of(request.user) or not isinstance(request.user, User):
        return None
    return Caseworker.objects.select_related("unit").filter(user=request.user).first()


def _reason(form: GrantForm) -> str:
    """The user's reason; where dispo proposed the rate, with how it came about, so the history explains it."""
    reason = str(form.cleaned_data["reason"]).strip()
    return f"{reason}\nTakst: {form.proposal.explanation}" if form.proposal else reason


def _citizen_grants(citizen: Citizen) -> list[Grant]:
    return list(
        Grant.objects.filter(citizen=citizen).select_related("caseworker__unit", "unit").order_by("start", "grant_id")
    )


def _history(grant: Grant) -> list[dict[str, Any]]:
    """The grant's latest changes, each with its fields named and valued in Danish."""
    return [{"change": c, "fields": grant_services.change_rows(c)} for c in grant.changes.all()[:20]]


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    year, as_of = period(request)
    return render(request, template, {"year": year, "as_of": as_of, **context})


@login_required
def new_grant(request: HttpRequest, citizen_id: str) -> HttpResponse:
    citizen = _citizen_to_edit(request, citizen_id)
    year, as_of = period(request)
    AuditEntry.record(request, "ny-bevilling", [citizen_id])
    grants = _citizen_grants(citizen)
    if request.method == "POST":
        form = GrantForm(request.POST, as_of=as_of)
        if form.is_valid():
            try:
                user = request.user.get_username()
                grant = grant_services.create_grant(citizen, form.values(), _reason(form), user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _to_grant_page(grant, year, as_of)
    else:
        form = GrantForm(initial=GrantForm.initial_new(grants, _own_caseworker(request)), as_of=as_of)
    context = {"citizen": citizen, "form": form, "timeline": timeline(grants, year, as_of), "grant": None}
    return _page(request, "dispo/ledger/grant_form.html", context)


@login_required
def edit_grant(request: HttpRequest, grant_id: str) -> HttpResponse:
    grant = _grant_to_edit(request, grant_id)
    year, as_of = period(request)
    AuditEntry.record(request, "ret-bevilling", [grant.citizen.citizen_id], {"grant": grant_id, **request.GET.dict()})
    initial = GrantForm.initial_for(grant)
    if request.method == "POST":
        form = GrantForm(request.POST, as_of=as_of, grant=grant, initial=initial)
        if form.is_valid():
            try:
                user = request.user.get_username()
                change = grant_services.change_grant(grant, form.values(), _reason(form), user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if change is not None:
                    return _to_grant_page(grant, year, as_of)
                form.add_error(None, "Ingen felter er ændret, så der er intet at gemme.")
    else:
        form = GrantForm(initial=initial, as_of=as_of, grant=grant)
    context = {"citizen": grant.citizen, "form": form, "grant": grant, "history": _history(grant)}
    return _page(request, "dispo/ledger/grant_form.html", context)


@login_required
def end_grant(request: HttpRequest, grant_id: str) -> HttpResponse:
    grant = _grant_to_edit(request, grant_id)
    year, as_of = period(request)
    AuditEntry.record(
        request, "afslut-bevilling", [grant.citizen.citizen_id], {"grant": grant_id, **request.GET.dict()}
    )
    if request.method == "POST":
        form = EndGrantForm(request.POST)
        if form.is_valid():
            try:
                user, reason = request.user.get_username(), form.cleaned_data["reason"]
                change = grant_services.end_grant(grant, form.cleaned_data["end"], reason, user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if change is not None:
                    return _to_grant_page(grant, year, as_of)
                form.add_error(None, "Bevillingen slutter allerede den dag, så der er intet at gemme.")
    else:
        form = EndGrantForm(initial={"end": grant.end or as_of})
    context = {
        "citizen": grant.citizen,
        "form": form,
        "grant": grant,
        "label": grant_services.paragraph_label(grant.paragraph),
    }
    return _page(request, "dispo/ledger/grant_end.html", context)


def _parsed(form: GrantForm, name: str) -> Any:
    """One field of a partly filled form, or None when it is empty or cannot be read yet."""
    try:
        return form.fields[name].clean(form.data.get(name, ""))
    except ValidationError:
        return None


def _same_number(a: str, b: str) -> bool:
    try:
        return Decimal(canonical_number(a)) == Decimal(canonical_number(b))
    except InvalidOperation:
        return False


@login_required
def rate_proposal(request: HttpRequest) -> HttpResponse:
    """The rate field again, for htmx, when the provider, paragraph, price basis, start or status changes: an
    empty rate (or one dispo proposed before) takes the new proposal; a rate the user typed stays."""
    require_role(request, *EDITORS)
    _, as_of = period(request)
    parsing = GrantForm(request.GET, as_of=as_of)
    names = ("paragraph", "target_group", "price_basis", "start", "status", "hours_per_week")
    values = {name: _parsed(parsing, name) for name in names}
    provider = Provider.objects.filter(provider_id=request.GET.get("provider") or None).first()
    proposal = grant_services.propose_rate(values, provider, as_of.year, as_of)
    typed, proposed = request.GET.get("rate", "").strip(), request.GET.get("proposed_rate", "")
    rate = proposal.rate if proposal and (not typed or _same_number(typed, proposed)) else typed
    form = GrantForm(initial={"rate": rate, "proposed_rate": proposal.rate if proposal else ""}, as_of=as_of)
    return render(request, "dispo/ledger/_rate_field.html", {"form": form, "proposal": proposal})
