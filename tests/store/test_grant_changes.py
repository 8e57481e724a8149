"""A grant changes only with a reason, and every change is kept: who, when, why, old and new values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from support.world import write_world

from dispo.services.grants import change_grant
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.services.reports import grant_forecast
from dispo.store.loading import load_ledger
from dispo.store.models import Grant, GrantChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant(tmp_path: Path) -> Grant:
    import_ledger(Ledger.from_folder(write_world(tmp_path)), user="test", reason="Import")
    return Grant.objects.get(grant_id="g2")


def test_a_change_is_kept_with_who_why_and_the_old_and_new_values(grant: Grant) -> None:
    change = change_grant(grant, {"end": date(2025, 12, 31)}, "Forlænget efter opfølgning", "anna")
    assert change is not None
    assert (change.changed_by, change.reason) == ("anna", "Forlænget efter opfølgning")
    assert change.fields == {"end": ["2025-09-30", "2025-12-31"]}


def test_the_forecast_reflects_a_change_at_once(grant: Grant) -> None:
    change_grant(grant, {"end": date(2025, 12, 31)}, "Forlænget", "anna")
    result = grant_forecast(load_ledger(), 2025, date(2025, 6, 30)).filter(grant_id="g2").row(0, named=True)
    # 1 April – 31 December = 275 days × 10 h × 350 kr. / 7 = 137,500.
    assert result["forecast"] == pytest.approx(137_500)


def test_a_change_without_a_reason_is_refused_and_nothing_changes(grant: Grant) -> None:
    with pytest.raises(ValidationError, match="begrundelse"):
        change_grant(grant, {"rate": Decimal("400")}, "  ", "anna")
    assert Grant.objects.get(grant_id="g2").rate == Decimal("350")
    assert not GrantChange.objects.filter(grant=grant, changed_by="anna").exists()


def test_an_end_before_the_start_is_refused(grant: Grant) -> None:
    with pytest.raises(ValidationError):
        change_grant(grant, {"end": date(2025, 3, 1)}, "Fejl", "anna")
    assert Grant.objects.get(grant_id="g2").end == date(2025, 9, 30)


def test_a_field_that_cannot_be_edited_is_refused(grant: Grant) -> None:
    with pytest.raises(ValidationError, match="grant_id"):
        change_grant(grant, {"grant_id": "x"}, "Fejl", "anna")


def test_setting_the_same_value_leaves_no_history(grant: Grant) -> None:
    assert change_grant(grant, {"rate": Decimal("350")}, "Ingen ændring", "anna") is None
