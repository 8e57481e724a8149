"""The year's budget lines in the browser: a table with totals per target group, add and change a line with
a reason, and the table as XLSX or CSV. Budgets are the controllers' and administrators' work; others get 403."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from dispo.services import budgets as budget_services
from dispo.store.access import Role
from dispo.store.models import Budget
from dispo.web.forms import BudgetAmountForm, BudgetLineForm
from dispo.web.views.common import download, period, require_role

BUDGET_ROLES = (Role.ADMINISTRATOR, Role.CONTROLLER)
BUDGET_HEADERS = {
    "target_group": "Målgruppe",
    "paragraph": "Paragraf",
    "label": "Betegnelse",
    "unit": "Enhed",
    "budget": "Budget",
}


def _to_list(year: int) -> HttpResponse:
    return redirect(reverse("ledger-budgets") + f"?aar={year}")


@login_required
def budget_list(request: HttpRequest) -> HttpResponse:
    require_role(request, *BUDGET_ROLES)
    year, _ = period(request)
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        return download(budget_services.budget_table(year), fmt, f"budget-{year}", BUDGET_HEADERS)
    groups = budget_services.budget_overview(year)
    context = {
        "year": year,
        "groups": groups,
        "total": sum((g.total for g in groups), start=Decimal(0)),
        "changes": [(c, budget_services.describe_line(c.budget)) for c in budget_services.recent_changes(year)],
    }
    return render(request, "dispo/ledger/budgets.html", context)


@login_required
def budget_new(request: HttpRequest) -> HttpResponse:
    require_role(request, *BUDGET_ROLES)
    year, _ = period(request)
    form = BudgetLineForm(request.POST or None, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            reason, user = form.cleaned_data["reason"], request.user.get_username()
            budget_services.add_budget(form.values(), reason, user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _to_list(year)
    return render(request, "dispo/ledger/budget_form.html", {"form": form, "year": year, "budget": None})


@login_required
def budget_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request, *BUDGET_ROLES)
    budget = get_object_or_404(Budget, pk=pk)
    form = BudgetAmountForm(request.POST or None, initial={"amount": budget.amount})
    if request.method == "POST" and form.is_valid():
        try:
            reason, user = form.cleaned_data["reason"], request.user.get_username()
            change = budget_services.change_budget(budget, form.cleaned_data["amount"], reason, user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if change is not None:
                return _to_list(budget.year)
            form.add_error("amount", "Beløbet er det samme som før, så der er intet at gemme.")
    context = {
        "form": form,
        "year": budget.year,
        "budget": budget,
        "line": budget_services.describe_line(budget),
        "changes": budget.changes.all(),
    }
    return render(request, "dispo/ledger/budget_form.html", context)
