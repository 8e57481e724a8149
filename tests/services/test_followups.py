"""Follow-ups on the hand-worked ledger of support/world.py: frozen, compared, commented, approved and locked.

The cycle the tests walk through:
- 31 January 2025 (approved): g1 365 × 1,000 = 365,000 (January booked as computed); g2 183 days ×
  10 h × 350 / 7 = 91,500; g3 expected 50 %: 92 × 2,000 × 0.5 = 92,000. Total 548,500.
- Then g2 goes to 14 hours a week (183 × 14 × 350 / 7 = 128,100: price +36,600), g3 is decided
  (184,000: expected +92,000), and February is booked 1,000 below the rate (payments −1,000).
- 31 March 2025: g1 364,000, g2 128,100, g3 184,000 = 676,100; change 127,600.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from support.march import change_the_ledger
from support.world import write_world

from dispo.services.followups.demo import seed_demo_followups
from dispo.services.followups.series import monthly_series, series_followups, series_table
from dispo.services.followups.snapshot import (
    FollowUpError,
    FollowUpLocked,
    ReviewsOpen,
    approve,
    comment_line,
    create_followup,
    display_rows,
    grant_table,
    line_grant_changes,
    named,
)
from dispo.services.grants import change_grant
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.services.reviews import build_reviews, sign_off
from dispo.store.followups.models import FollowUp, FollowUpGrant, FollowUpLine
from dispo.store.models import Grant

pytestmark = pytest.mark.django_db
JANUARY, MARCH = date(2025, 1, 31), date(2025, 3, 31)
SEL108 = {"level": "paragraph", "paragraph": "SEL108"}
SEL85 = {"level": "paragraph", "paragraph": "SEL85"}


@pytest.fixture
def controller(tmp_path: Path) -> User:
    import_ledger(Ledger.from_folder(write_world(tmp_path / "world")), user="test", reason="Import")
    return User.objects.create_user("karen")


def cycle(controller: User) -> tuple[FollowUp, FollowUp]:
    january = approve(create_followup(JANUARY, controller), controller)
    change_the_ledger()
    return january, create_followup(MARCH, controller)


def line(followup: FollowUp, **keys: str) -> FollowUpLine:
    return followup.lines.get(**keys)


def frozen(followup: FollowUp) -> list[tuple[Any, ...]]:
    grants = FollowUpGrant.objects.filter(followup=followup).order_by("grant_id").values_list()
    lines = FollowUpLine.objects.filter(followup=followup).order_by("position").values_list()
    return [*grants, *lines, *FollowUp.objects.filter(pk=followup.pk).values_list()]


def test_the_first_follow_up_freezes_every_grant_and_has_no_change(controller: User) -> None:
    january = create_followup(JANUARY, controller)
    assert (january.status, january.previous, january.year, january.replayed) == ("kladde", None, 2025, False)
    assert dict(grant_table(january).select("grant_id", "forecast").iter_rows()) == pytest.approx(
        {"g1": 365_000.0, "g2": 91_500.0, "g3": 92_000.0}
    )
    total = line(january, level="total")
    # Budget 600,000 − 548,500 = 51,500 left.
    assert (total.forecast, total.budget, total.diff, total.grants) == pytest.approx((548_500.0, 600_000.0, 51_500, 3))
    assert total.change is None


def test_the_change_since_the_previous_follow_up_is_decomposed_per_line(controller: User) -> None:
    january, march = cycle(controller)
    assert march.previous == january
    total = line(march, level="total")
    assert (total.previous_forecast, total.forecast, total.change) == pytest.approx((548_500.0, 676_100.0, 127_600.0))
    assert (total.change_price, total.change_expected, total.change_payments) == pytest.approx(
        (36_600.0, 92_000.0, -1_000.0)
    )
    assert (total.change_new, total.change_ended, total.change_period, total.change_moved) == (0, 0, 0, 0)
    sel108, sel85 = line(march, **SEL108), line(march, **SEL85)
    # SEL108: g1 365,000 → 364,000 (payments −1,000), g3 92,000 → 184,000 (expected +92,000).
    assert (sel108.change, sel108.change_payments, sel108.change_expected) == pytest.approx((91_000, -1_000, 92_000))
    assert (sel85.change, sel85.change_price) == pytest.approx((36_600.0, 36_600.0))


def test_the_drill_down_names_the_grants_behind_each_part(controller: User) -> None:
    _, march = cycle(controller)
    rows = line_grant_changes(march, line(march, **SEL108))
    assert rows["grant_id"].to_list() == ["g3", "g1"]
    assert rows.select("change", "expected", "payments").rows() == [
        pytest.approx((92_000.0, 92_000.0, 0.0)),
        pytest.approx((-1_000.0, 0.0, -1_000.0)),
    ]


def test_an_approved_follow_up_never_changes_when_grants_are_edited_later(controller: User) -> None:
    january = create_followup(JANUARY, controller)
    comment_line(line(january, level="total"), "Som forventet", controller)
    january = approve(january, controller)
    before = frozen(january)
    change_the_ledger()
    change_grant(Grant.objects.get(grant_id="g1"), {"end": date(2025, 6, 30)}, "Flytter", "karen")
    create_followup(MARCH, controller)
    assert frozen(january) == before


def test_an_approved_follow_up_refuses_comments_and_a_second_approval(controller: User) -> None:
    january = approve(create_followup(JANUARY, controller), controller)
    before = frozen(january)
    with pytest.raises(FollowUpLocked, match="er godkendt og kan ikke ændres"):
        comment_line(line(january, level="total"), "For sent", controller)
    with pytest.raises(FollowUpLocked):
        approve(january, controller)
    assert frozen(january) == before


def test_approval_waits_for_the_case_reviews_unless_the_controller_confirms(controller: User) -> None:
    june = create_followup(date(2025, 6, 30), controller)
    anna, bo = build_reviews(june)
    sign_off(bo, controller)
    with pytest.raises(ReviewsOpen) as refused:
        approve(june, controller)
    assert str(refused.value).startswith("1 sagsgennemgang til opfølgningen er ikke godkendt (Anna Testesen).")
    assert FollowUp.objects.get(pk=june.pk).status == "kladde"
    assert approve(june, controller, despite_open_reviews=True).status == "godkendt"
    with pytest.raises(FollowUpLocked):  # approved once: the locked message, not the reviews'
        approve(june, controller)
    assert not anna.signed_off


def test_a_message_names_the_first_five_then_counts_the_rest() -> None:
    names = ["A", "B", "C", "D", "E", "F", "G"]
    assert named(names) == "A, B, C, D, E og 2 flere"
    assert named(names[:5]) == "A, B, C, D, E"


def test_a_draft_takes_comments_and_records_who_approved_it(controller: User) -> None:
    january = create_followup(JANUARY, controller)
    commented = comment_line(line(january, level="total"), "  Forbrug som ventet  ", controller)
    assert (commented.comment, commented.commented_by) == ("Forbrug som ventet", "karen")
    approved = approve(january, controller)
    assert (approved.status, approved.approved_by, approved.approved_at is not None) == ("godkendt", controller, True)


def test_a_second_follow_up_on_the_same_date_or_outside_the_year_is_refused(controller: User) -> None:
    create_followup(JANUARY, controller)
    with pytest.raises(FollowUpError, match=r"findes allerede en budgetopfølgning for 2025 pr\. 31-01-2025"):
        create_followup(JANUARY, controller)
    with pytest.raises(FollowUpError, match="ligger ikke i året 2024"):
        create_followup(JANUARY, controller, year=2024)
    assert FollowUp.objects.count() == 1


def test_a_draft_is_not_what_the_next_follow_up_is_compared_with(controller: User) -> None:
    create_followup(JANUARY, controller)
    assert create_followup(MARCH, controller).previous is None


def test_the_table_reads_area_category_paragraph_with_headings(controller: User) -> None:
    kinds = [(kind, label) for kind, label, _ in display_rows(create_followup(JANUARY, controller))]
    assert kinds == [
        ("area-heading", "Voksenhandicap"),
        ("category-heading", "Individuelle/gruppebaserede indsatser"),
        ("paragraph", "SEL § 85 Socialpædagogisk støtte"),
        ("category", "I alt Individuelle/gruppebaserede indsatser"),
        ("category-heading", "Varige eller længerevarende botilbud"),
        ("paragraph", "SEL § 108 Længerevarende botilbud"),
        ("category", "I alt Varige eller længerevarende botilbud"),
        ("area", "I alt Voksenhandicap"),
        ("total", "I alt"),
    ]


def test_the_monthly_series_shows_each_follow_up_and_the_deviation_from_budget(controller: User) -> None:
    cycle(controller)
    series = monthly_series(series_followups(2025))
    assert series.dates == (JANUARY, MARCH)
    lines = {s.label: s for s in series.lines}
    housing = lines["I alt Varige eller længerevarende botilbud"]
    # SEL108: 2 grants both times; 365,000 + 92,000 = 457,000, then 364,000 + 184,000 = 548,000.
    # Deviation = 548,000 − budget 500,000 = 48,000 (overspend).
    assert housing.grants == (2, 2)
    assert housing.forecast == pytest.approx((457_000.0, 548_000.0))
    assert (housing.budget, housing.deviation) == pytest.approx((500_000.0, 48_000.0))
    # SEL85: 91,500 then 128,100 against 100,000: deviation 28,100.
    assert lines["I alt Individuelle/gruppebaserede indsatser"].deviation == pytest.approx(28_100.0)
    assert [s.level for s in series.lines] == ["category", "category", "area", "total"]
    table = series_table(series)
    assert table.columns[:4] == ["Linje", "Antal indsatser 31-01-2025", "Årsværk 31-01-2025", "Forventet 31-01-2025"]
    assert table.columns[-2:] == ["Budget", "Afvigelse"]


def test_the_series_of_a_report_leaves_out_other_drafts(controller: User) -> None:
    january, march = cycle(controller)
    assert series_followups(2025, until=january) == [january]
    assert series_followups(2025, until=march) == [january, march]
    later = create_followup(date(2025, 4, 30), controller)
    assert series_followups(2025, until=later) == [january, later]


def test_the_demo_gets_a_follow_up_per_past_month_the_newest_a_draft(controller: User) -> None:
    User.objects.create_user("controller")
    made = seed_demo_followups(date(2025, 4, 15))
    assert [(f.as_of, f.status) for f in made] == [
        (date(2025, 1, 31), "godkendt"),
        (date(2025, 2, 28), "godkendt"),
        (date(2025, 3, 31), "kladde"),
    ]
    # The correction of February (−1,000, booked 10 March) shows in March; the line carries a comment saying why.
    sel108 = line(made[2], **SEL108)
    assert sel108.change_payments == pytest.approx(-1_000.0)
    assert sel108.comment == "Demo: ændringen skyldes især betalinger afviger fra bevilling."
    assert seed_demo_followups(date(2025, 4, 15)) == []
