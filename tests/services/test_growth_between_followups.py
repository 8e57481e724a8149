"""Why expenses grow between two follow-ups, read from their frozen grants, on the hand-worked ledger of
support/world.py.

- 31 January 2025: g1 (§ 108, private) 365 days × 1,000 = 365,000, 1 årsværk; g2 (§ 85, own) 183 days × 10 h ×
  350 / 7 = 91,500, 183/365 årsværk; g3 (§ 108, private) expected at 50 %: 92 × 2,000 × 0.5 = 92,000, 46/365
  årsværk.
- Then g2 goes to 14 hours a week and g3 is decided; February was booked 1,000 below the rate.
- 31 March 2025: g1 364,000 (1 årsværk); g2 183 × 14 × 350 / 7 = 128,100 (183/365); g3 92 × 2,000 = 184,000
  (92/365).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.march import change_the_ledger
from support.world import write_world

from dispo.engine.growth import PARTS
from dispo.services import staircases
from dispo.services.followups.snapshot import approve, create_followup
from dispo.services.grants import change_grant
from dispo.services.growth import total, why_followups
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.store.followups.models import FollowUp, FollowUpGrant
from dispo.store.models import Grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def controller(tmp_path: Path) -> User:
    import_ledger(Ledger.from_folder(write_world(tmp_path / "world")), user="test", reason="Import")
    return User.objects.create_user("karen")


def january_and_march(controller: User) -> tuple[FollowUp, FollowUp]:
    january = approve(create_followup(date(2025, 1, 31), controller), controller)
    change_the_ledger()
    return january, create_followup(date(2025, 3, 31), controller)


def parts(table: Any, paragraph: str) -> tuple[float, ...]:
    row = next(r for r in table.iter_rows(named=True) if r["paragraph"] == paragraph)
    return tuple(row[k] for k in ("before", "after", "change", *PARTS))


def test_the_change_between_two_follow_ups_per_paragraph(controller: User) -> None:
    table = why_followups(*january_and_march(controller))
    # § 85: the same 183/365 årsværk at own providers, 182,500 → 255,500 a year: all price,
    # 183/365 × 73,000 = 36,600.
    assert parts(table, "SEL85") == pytest.approx((91_500, 128_100, 36_600, 0, 0, 36_600, 0))
    # § 108, private, step 5: Q0 = 411/365 årsværk at P0 = 457,000 × 365/411; Q1 = 457/365.
    # volume = 46/365 × P0 = 46 × 457,000 / 411 = 51,148.42; price = 548,000 − Q1 × P0
    # = 548,000 − 457 × 457,000 / 411 = 39,851.58; together 91,000.
    volume, price = 46 * 457_000 / 411, 548_000 - 457 * 457_000 / 411
    assert parts(table, "SEL108") == pytest.approx((457_000, 548_000, 91_000, volume, 0, price, 0))
    # The total change is the follow-ups' own: 676,100 − 548,500 = 127,600.
    assert total(table)["change"] == pytest.approx(127_600)


def test_the_comparison_reads_the_frozen_grants_not_the_ledger_of_today(controller: User) -> None:
    january, march = january_and_march(controller)
    before = why_followups(january, march)
    change_grant(Grant.objects.get(grant_id="g1"), {"rate": Decimal(2000)}, "Ny takst", "karen")
    assert why_followups(january, march).equals(before)


def test_a_model_saved_between_the_follow_ups_is_not_read_as_a_movement_between_steps(controller: User) -> None:
    january = approve(create_followup(date(2025, 1, 31), controller), controller)
    names = [s.name for s in staircases.effective_model("voksen_handicap").steps]
    staircases.save_model("voksen_handicap", names, {"SEL85": "2", "SEL108": "5"}, "admin", "§ 85 som forebyggelse")
    change_the_ledger()
    march = create_followup(date(2025, 3, 31), controller)
    frozen = dict(FollowUpGrant.objects.filter(grant_id="g2").values_list("followup_id", "step"))
    assert (frozen[january.pk], frozen[march.pk]) == (3, 2)
    # Both stand on the model in effect now (§ 85 on step 2): the dearer hours are price, not mix.
    assert parts(why_followups(january, march), "SEL85") == pytest.approx((91_500, 128_100, 36_600, 0, 0, 36_600, 0))


def test_a_target_group_without_grants_has_nothing_to_explain(controller: User) -> None:
    assert why_followups(*january_and_march(controller), ("boern",)).is_empty()


grant_rows = st.lists(
    st.tuples(
        st.sampled_from(["SEL85", "SEL108", "SEL107"]),
        st.sampled_from(["egen", "privat", ""]),
        st.sampled_from(["dag", "engang"]),
        st.floats(0, 2e6, allow_nan=False),
        st.sampled_from([0.0, 0.25, 1.0]),
    ),
    max_size=6,
)


def frozen_followup(as_of: date, rows: list[tuple[str, str, str, float, float]]) -> FollowUp:
    """A follow-up with the given frozen grants: (paragraph, provider type, price basis, forecast, årsværk)."""
    followup = FollowUp.objects.create(year=as_of.year, as_of=as_of)
    FollowUpGrant.objects.bulk_create(
        FollowUpGrant(
            followup=followup,
            grant_id=f"g{i}",
            citizen_id=f"c{i}",
            target_group="handicap",
            paragraph=paragraph,
            provider_type=provider_type,
            price_basis=basis,
            rate=0.0,
            start=date(as_of.year, 1, 1),
            status="bevilget",
            active=True,
            active_days=0.0,
            computed=forecast,
            actual_to_date=0.0,
            remaining=forecast,
            forecast=forecast,
            fte=0.0 if basis == "engang" else fte,
        )
        for i, (paragraph, provider_type, basis, forecast, fte) in enumerate(rows)
    )
    return followup


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=grant_rows, after=grant_rows)
def test_the_parts_between_two_follow_ups_add_up_to_the_change(
    before: list[tuple[str, str, str, float, float]], after: list[tuple[str, str, str, float, float]]
) -> None:
    first, second = frozen_followup(date(2024, 12, 31), before), frozen_followup(date(2025, 3, 31), after)
    try:
        table = why_followups(first, second)
        for row in table.iter_rows(named=True):
            assert sum(row[p] for p in PARTS) == pytest.approx(row["change"], abs=1e-3)
        sums = total(table)
        assert sum(sums[p] for p in PARTS) == pytest.approx(sums["change"], abs=1e-3)
        expected = sum(r[3] for r in after) - sum(r[3] for r in before)
        assert sums["change"] == pytest.approx(expected, abs=1e-3)
    finally:
        FollowUp.objects.filter(pk__in=[first.pk, second.pk]).delete()
