"""The registration area's front page: where providers, rates and budgets are kept, and how grants are
registered (from the citizen, so that every grant belongs to someone the user may see)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dispo.store.access import Role, roles_of
from dispo.web.views.budgets import BUDGET_ROLES
from dispo.web.views.common import period, require_role
from dispo.web.views.grants_edit import EDITORS


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require_role(request, *Role)
    roles = roles_of(request.user)
    year, as_of = period(request)
    context = {
        "year": year,
        "as_of": as_of,
        "edits_budgets": bool(roles & set(BUDGET_ROLES)),
        "edits_grants": bool(roles & set(EDITORS)),
    }
    return render(request, "dispo/ledger/index.html", context)
