"""What changes in the tiny world (tests/support/world.py) between its January and March follow-ups: g2 goes
to 14 hours a week (+36,600 = 183/365 × 73,000) and the expected g3 is decided (+92,000)."""

from __future__ import annotations

from decimal import Decimal

from dispo.services.grants import change_grant
from dispo.store.models import Grant


def change_the_ledger() -> None:
    change_grant(Grant.objects.get(grant_id="g2"), {"hours_per_week": Decimal(14)}, "Flere timer", "karen")
    change_grant(Grant.objects.get(grant_id="g3"), {"status": Grant.Status.DECIDED}, "Bevilget", "karen")
