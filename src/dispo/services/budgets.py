"""The year's budget lines (target group, paragraph, unit, amount) and their history.

Every line added or changed here leaves a `BudgetChange` (who, when, why, old and new amount) and renews the
ledger version, so the follow-up table compares the forecast with the new budget at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction

from dispo.domain.paragraphs import catalogue, label
from dispo.domain.target_groups import target_groups
from dispo.services.grants import paragraph_label, paragraph_problem, target_group_problem
from dispo.store.models import Budget, BudgetChange, LedgerVersion, OrgUnit

WHOLE_MUNICIPALITY = "Hele kommunen"


@dataclass(frozen=True)
class BudgetLine:
    budget: Budget
    label: str
    unit_name: str


@dataclass(frozen=True)
class BudgetGroup:
    """A target group's lines of the year and their total (summed exactly, in øre)."""

    code: str
    label: str
    lines: list[BudgetLine]
    total: Decimal


def _unit_names() -> dict[str, str]:
    return dict(OrgUnit.objects.values_list("unit_id", "name"))


def _unit_name(unit_id: str, names: Mapping[str, str]) -> str:
    return names.get(unit_id, unit_id) if unit_id else WHOLE_MUNICIPALITY


def describe_line(budget: Budget) -> str:
    """A line in words: "SEL § 108 Længerevarende botilbud · Voksenhandicap · Hele kommunen · 2025"."""
    group = target_groups().get(budget.target_group)
    parts = [paragraph_label(budget.paragraph), group.label if group else budget.target_group]
    return " · ".join([*parts, _unit_name(budget.unit_id, _unit_names()), str(budget.year)])


def budget_overview(year: int) -> list[BudgetGroup]:
    """The year's lines per target group in the catalogue's order, each group with its total."""
    order = {code: i for i, code in enumerate(catalogue())}
    units = _unit_names()
    groups = target_groups()
    lines = sorted(
        Budget.objects.filter(year=year),
        key=lambda b: (order.get(b.paragraph, len(order)), b.paragraph, b.unit_id),
    )
    overview = []
    for code in [*groups, *sorted({b.target_group for b in lines} - set(groups))]:
        mine = [
            BudgetLine(b, paragraph_label(b.paragraph), _unit_name(b.unit_id, units))
            for b in lines
            if b.target_group == code
        ]
        if mine:
            name = groups[code].label if code in groups else code
            overview.append(BudgetGroup(code, name, mine, sum((line.budget.amount for line in mine), Decimal(0))))
    return overview


def budget_table(year: int) -> pl.DataFrame:
    """The year's lines as a table for download: target group, paragraph, its label, unit and budget."""
    rows = [
        {
            "target_group": group.label,
            "paragraph": line.budget.paragraph,
            "label": line.label,
            "unit": line.unit_name,
            "budget": float(line.budget.amount),
        }
        for group in budget_overview(year)
        for line in group.lines
    ]
    schema = {"target_group": pl.String, "paragraph": pl.String, "label": pl.String, "unit": pl.String}
    return pl.DataFrame(rows, schema={**schema, "budget": pl.Float64})


def budget_problems(values: Mapping[str, Any]) -> dict[str, str]:
    """Danish messages, per field, for a new budget line that cannot be added."""
    found: dict[str, str] = {}
    year, code, group = values.get("year"), values.get("paragraph") or "", values.get("target_group") or ""
    unit_id, amount = values.get("unit_id") or "", values.get("amount")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        found["year"] = "Angiv et budgetår mellem 2000 og 2100."
    if problem := paragraph_problem(code):
        found["paragraph"] = problem
    if problem := target_group_problem(group, code):
        found["target_group"] = problem
    if unit_id and not OrgUnit.objects.filter(unit_id=unit_id).exists():
        found["unit"] = f"Ukendt enhed «{unit_id}»."
    found.update(amount_problems(amount))
    line = {"year": year, "target_group": group, "paragraph": code, "unit_id": unit_id}
    if not found and Budget.objects.filter(**line).exists():
        where = _unit_name(unit_id, _unit_names())
        found["paragraph"] = (
            f"{year} har allerede en budgetlinje for {label(code)} under {target_groups()[group].label} "
            f"({where}). Ret den linje i stedet."
        )
    return found


def amount_problems(amount: Decimal | None) -> dict[str, str]:
    if amount is None:
        return {"amount": "Angiv budgettet i kroner."}
    if amount < 0:
        return {"amount": "Budgettet kan ikke være negativt."}
    return {}


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": "En ændring af budgettet kræver en begrundelse."})


@transaction.atomic
def add_budget(values: Mapping[str, Any], reason: str, user: str) -> Budget:
    """Add a budget line (year, target group, paragraph, unit or blank, amount) with its first history row."""
    _require_reason(reason)
    problems = budget_problems(values)
    if problems:
        raise ValidationError(problems)
    budget = Budget.objects.create(
        year=values["year"],
        target_group=values["target_group"],
        paragraph=values["paragraph"],
        unit_id=values.get("unit_id") or "",
        amount=values["amount"],
    )
    BudgetChange.objects.create(
        budget=budget, changed_by=user, reason=reason.strip(), old_amount=None, new_amount=budget.amount
    )
    LedgerVersion.bump()
    return budget


@transaction.atomic
def change_budget(budget: Budget, amount: Decimal | None, reason: str, user: str) -> BudgetChange | None:
    """Set a line's amount with a reason; returns the history row, or None when the amount is the same."""
    _require_reason(reason)
    problems = amount_problems(amount)
    if problems or amount is None:
        raise ValidationError(problems)
    old = budget.amount
    if old == amount:
        return None
    budget.amount = amount
    budget.save(update_fields=["amount"])
    LedgerVersion.bump()
    return BudgetChange.objects.create(
        budget=budget, changed_by=user, reason=reason.strip(), old_amount=old, new_amount=amount
    )


def recent_changes(year: int, limit: int = 20) -> list[BudgetChange]:
    """The latest changes to the year's lines, newest first."""
    return list(BudgetChange.objects.filter(budget__year=year).select_related("budget")[:limit])
