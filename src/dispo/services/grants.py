"""Changing a grant: always with a reason, and always leaving a history row (who, when, why, what)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dispo.store.models import Grant, GrantChange, LedgerVersion

EDITABLE = (
    "paragraph",
    "target_group",
    "price_basis",
    "rate",
    "hours_per_week",
    "start",
    "end",
    "status",
    "probability",
    "acting_municipality",
    "paying_municipality",
    "own_payment",
)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@transaction.atomic
def change_grant(grant: Grant, changes: dict[str, Any], reason: str, user: str) -> GrantChange | None:
    """Apply `changes` to `grant` with `reason`; returns the history row, or None if nothing changed.

    Raises ValidationError (nothing saved) for a missing reason, an unknown field or a value the grant cannot
    hold (e.g. an end before the start).
    """
    if not reason.strip():
        raise ValidationError({"reason": "En ændring af en bevilling kræver en begrundelse."})
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationError({"changes": f"Felterne kan ikke ændres her: {', '.join(unknown)}"})
    before = {name: getattr(grant, name) for name in changes}
    for name, value in changes.items():
        setattr(grant, name, value)
    grant.full_clean()  # includes the model's constraints: an end before the start, a negative rate
    grant.save()
    LedgerVersion.bump()
    grant.refresh_from_db()
    diff = {
        name: [_plain(before[name]), _plain(getattr(grant, name))]
        for name in changes
        if _plain(before[name]) != _plain(getattr(grant, name))
    }
    if not diff:
        return None
    return GrantChange.objects.create(grant=grant, changed_by=user, reason=reason.strip(), fields=diff)
