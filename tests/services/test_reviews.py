"""The case review on the hand-worked ledger of support/world.py.

As of 30 June 2025 (no earlier follow-up, so a case is new when all its current grants start after 30 May):
- Anna Testesen (sb1) has c1 with g1 (SEL108, decided, open end, from 1 Jan) and g3 (expected SEL108 from
  1 October): g1 is known, so c1 is no new case; g3 is an expected grant → one item "forventet".
- Bo Prøvesen (sb2) has c2 with g2 (SEL85, 10 h × 350 kr., 1 April – 30 September): its last day lies within
  three months of 30 June (30 September inclusive) → one item "stopper". g4 ended in 2024: not listed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from support.world import write_world

from dispo.services import current
from dispo.services.followups.snapshot import create_followup
from dispo.services.grants import change_grant, create_grant
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.services.reviews import (
    answer,
    build_reviews,
    item_rows,
    progress,
    questions_of,
    review_candidates,
    reviews_of,
    seed_demo_reviews,
    sign_off,
)
from dispo.store.models import Caseworker, Citizen, Grant, GrantChange
from dispo.store.reviews.models import Answer, Review, ReviewItem

JUNE, JULY = date(2025, 6, 30), date(2025, 7, 31)


def _world_grants() -> pl.DataFrame:
    from support.world import FILES

    lines = FILES["grants.csv"]
    frame = pl.read_csv("\n".join(lines).encode(), try_parse_dates=True)
    return frame.with_columns(pl.col("end").cast(pl.Date), pl.col("caseworker_id").cast(pl.String))


def test_the_lists_hold_expected_grants_and_grants_stopping_within_three_months() -> None:
    found = review_candidates(_world_grants(), JUNE, seen=["g1", "g2", "g4"])
    assert found.rows() == [
        ("sb1", "c1", "g3", "forventet", "voksne"),
        ("sb2", "c2", "g2", "stopper", "voksne"),
    ]


def test_a_case_is_new_when_none_of_its_current_grants_was_known() -> None:
    # Only g1 known: c2's current grant g2 is not, so c2 is a new case of Bo's; c1 (g1 known) is not new.
    found = review_candidates(_world_grants(), JUNE, seen=["g1"])
    assert ("sb2", "c2", None, "ny", "voksne") in found.rows()
    assert [r for r in found.rows() if r[3] == "ny"] == [("sb2", "c2", None, "ny", "voksne")]


def test_a_grant_ending_the_day_after_three_months_is_not_stopping() -> None:
    # 30 June + 3 months = 30 September: as of 29 June the last day is 29 September; g2 ends 30 September.
    found = review_candidates(_world_grants(), date(2025, 6, 29), seen=["g1", "g2", "g4"])
    assert [r[3] for r in found.rows()] == ["forventet"]


@pytest.fixture
def world(tmp_path: Path) -> User:
    import_ledger(Ledger.from_folder(write_world(tmp_path / "world")), user="test", reason="Import")
    return User.objects.create_user("karen")


def item(followup_reviews: list[Review], caseworker_id: str, reason: str) -> ReviewItem:
    review = next(r for r in followup_reviews if r.caseworker.caseworker_id == caseworker_id)
    return review.items.get(reason=reason)


def forecast(grant: Grant) -> float:
    frame = current.grant_frame(2025, JUNE).filter(pl.col("grant_id") == grant.grant_id)
    return float(frame["forecast"].sum())


@pytest.mark.django_db
def test_each_caseworker_gets_a_review_with_their_own_cases(world: User) -> None:
    reviews = build_reviews(create_followup(JUNE, world))
    assert [(r.caseworker.name, [(i.grant.grant_id, i.reason) for i in r.items.all()]) for r in reviews] == [
        ("Anna Testesen", [("g3", "forventet")]),
        ("Bo Prøvesen", [("g2", "stopper")]),
    ]
    assert build_reviews(reviews[0].followup) == reviews
    assert ReviewItem.objects.count() == 2  # building again adds nothing


@pytest.mark.django_db
def test_a_new_expected_start_moves_the_expected_grant_with_the_review_as_reason(world: User) -> None:
    reviews = build_reviews(create_followup(JUNE, world))
    g3 = item(reviews, "sb1", "forventet")
    answer(g3, "v-eks-startdato", "nej", world)
    answer(g3, "v-eks-ny-startdato", "01-11-2025", world)
    grant = Grant.objects.get(grant_id="g3")
    assert grant.start == date(2025, 11, 1)
    change = GrantChange.objects.filter(grant=grant).first()
    assert change is not None
    assert change.reason == (
        "Svar i sagsgennemgang 30-06-2025 (Anna Testesen): «Ny forventet opstartsdato» – 01-11-2025"
    )
    assert change.fields == {"start": ["2025-10-01", "2025-11-01"]}
    # November and December: 30 + 31 = 61 days × 2,000 kr. × 0.5 = 61,000 (was 92 × 2,000 × 0.5 = 92,000).
    assert forecast(grant) == pytest.approx(61_000.0)


@pytest.mark.django_db
def test_an_extension_becomes_an_expected_grant_after_the_stopping_one(world: User) -> None:
    reviews = build_reviews(create_followup(JUNE, world))
    g2 = item(reviews, "sb2", "stopper")
    answer(g2, "v-stop-forlaenges", "ja", world)
    stored = answer(g2, "v-stop-til", "31-12-2025", world)
    extension = stored.created_grant
    assert extension is not None
    assert (extension.status, extension.start, extension.end) == ("forventet", date(2025, 10, 1), date(2025, 12, 31))
    assert (extension.paragraph, extension.price_basis, extension.rate) == ("SEL85", "time", Decimal("350.0000"))
    assert extension.caseworker == Caseworker.objects.get(caseworker_id="sb2")
    # 1 October – 31 December = 92 days × 10 h × 350 kr. / 7 = 46,000.
    assert forecast(extension) == pytest.approx(46_000.0)
    answer(g2, "v-stop-til", "30-11-2025", world)  # a changed answer changes the grant, it adds none
    assert Grant.objects.get(pk=extension.pk).end == date(2025, 11, 30)
    assert Grant.objects.filter(citizen__citizen_id="c2", status="forventet").count() == 1


@pytest.mark.django_db
def test_an_extension_that_ends_before_the_grant_changes_nothing(world: User) -> None:
    reviews = build_reviews(create_followup(JUNE, world))
    g2 = item(reviews, "sb2", "stopper")
    answer(g2, "v-stop-forlaenges", "ja", world)
    with pytest.raises(ValidationError) as refused:
        answer(g2, "v-stop-til", "01-09-2025", world)
    assert refused.value.message_dict["value"] == [
        "Forlængelsen skal slutte efter indsatsens nuværende sidste dag 30-09-2025. Skriv den nye sidste dag."
    ]
    assert not Answer.objects.filter(question_id="v-stop-til").exists()
    assert Grant.objects.count() == 4


@pytest.mark.django_db
def test_costs_after_the_stop_date_become_an_expected_one_off(world: User) -> None:
    reviews = build_reviews(create_followup(JUNE, world))
    g2 = item(reviews, "sb2", "stopper")
    answer(g2, "v-stop-forlaenges", "nej", world)
    answer(g2, "v-stop-helt", "ja", world)
    stored = answer(g2, "v-stop-efterudgifter", "1.234,50", world)
    one_off = stored.created_grant
    assert one_off is not None
    assert (one_off.price_basis, one_off.rate, one_off.start) == ("engang", Decimal("1234.5000"), date(2025, 10, 1))
    assert forecast(one_off) == pytest.approx(1_234.50)


@pytest.mark.django_db
def test_answers_of_the_wrong_kind_are_refused_in_danish_and_nothing_is_saved(world: User) -> None:
    reviews = build_reviews(create_followup(JUNE, world))
    g3 = item(reviews, "sb1", "forventet")
    answer(g3, "v-eks-startdato", "nej", world)
    cases = {
        "v-eks-ny-startdato": (
            "31-02-2025",
            "«31-02-2025» er ikke en dato. Skriv datoen som dd-mm-åååå, fx 01-10-2025.",
        ),
        "v-eks-igang": ("måske", "Svar ja eller nej, ikke «måske»."),
        "b-ny-hvad": ("SEL108", "Spørgsmålet «b-ny-hvad» hører ikke til denne sag."),
    }
    for question, (typed, message) in cases.items():
        with pytest.raises(ValidationError) as refused:
            answer(g3, question, typed, world)
        assert refused.value.message_dict["value"] == [message]
    assert list(Answer.objects.values_list("question_id", flat=True)) == ["v-eks-startdato"]


@pytest.mark.django_db
def test_a_new_case_gets_its_expected_grant_once_paragraph_price_and_start_are_answered(world: User) -> None:
    first = create_followup(JUNE, world)
    build_reviews(first)
    # After June, Anna takes over c2 with a grant nobody knew at the June follow-up: a new case in July.
    anna = Caseworker.objects.get(caseworker_id="sb1")
    c2 = Citizen.objects.get(citizen_id="c2")
    g2 = Grant.objects.get(grant_id="g2")
    values = {f: getattr(g2, f) for f in ("paragraph", "target_group", "price_basis", "rate", "hours_per_week")}
    values |= {"start": date(2025, 7, 15), "end": None, "status": "bevilget", "caseworker": anna, "unit": anna.unit}
    values |= {"acting_municipality": "999", "paying_municipality": "999"}
    create_grant(c2, values, "Bevilget", "test")
    reviews = build_reviews(create_followup(JULY, world))
    new_case = item(reviews, "sb1", "ny")
    assert new_case.citizen == c2
    answer(new_case, "v-ny-indsats", "ja", world)
    answer(new_case, "v-ny-hvad", "sel § 107", world)
    answer(new_case, "v-ny-pris", "300.000", world)
    assert ReviewItem.objects.get(pk=new_case.pk).new_grant is None  # the start is still missing
    answer(new_case, "v-ny-fra", "01-09-2025", world)
    grant = ReviewItem.objects.get(pk=new_case.pk).new_grant
    assert grant is not None
    assert (grant.paragraph, grant.price_basis, grant.rate, grant.status) == ("SEL107", "aar", 300_000, "forventet")
    assert (grant.start, grant.probability, grant.caseworker) == (date(2025, 9, 1), 1, anna)
    # 1 September – 31 December = 30 + 31 + 30 + 31 = 122 days × 300,000 / 365 = 100,273.97.
    assert forecast(grant) == pytest.approx(300_000 * 122 / 365)
    answer(new_case, "v-ny-pris", "365.000", world)
    assert Grant.objects.get(pk=grant.pk).rate == 365_000
    with pytest.raises(ValidationError) as refused:
        answer(new_case, "v-ny-hvad", "SEL 999", world)
    assert refused.value.message_dict["value"] == [
        "Ukendt paragraf «SEL 999». Vælg en paragraf fra kataloget. Mente du SEL99, SEL97 eller SEL96?"
    ]
    assert Grant.objects.get(pk=grant.pk).paragraph == "SEL107"


@pytest.mark.django_db
def test_open_questions_carry_over_to_the_next_follow_ups_review(world: User) -> None:
    june = build_reviews(create_followup(JUNE, world))
    g3_june = item(june, "sb1", "forventet")
    answer(g3_june, "v-eks-igang", "nej", world)
    # g3 is decided before July: no longer an expected grant, but its questions were left open in June.
    change_grant(Grant.objects.get(grant_id="g3"), {"status": "bevilget"}, "Bevilget", "test")
    july = build_reviews(create_followup(JULY, world))
    carried = item(july, "sb1", "forventet")
    assert carried.carried_from == g3_june
    assert carried.grant is not None
    assert carried.grant.grant_id == "g3"
    # g2 (stopping 30 September) is listed again in July and carries June's open question too.
    assert item(july, "sb2", "stopper").carried_from == item(june, "sb2", "stopper")


GENERAL = ["v-gen-respirator", "v-gen-saertakst"]


def general_asked(review_item: ReviewItem) -> list[str]:
    return [q.id for q in questions_of(review_item) if q.section == "generelt"]


@pytest.mark.django_db
def test_the_general_questions_are_asked_once_per_citizen_and_again_on_the_next_list(world: User) -> None:
    # g1 (c1's decided grant) now ends 31 August: c1 is on Anna's list twice, g3 expected, then g1 stopping.
    change_grant(Grant.objects.get(grant_id="g1"), {"end": date(2025, 8, 31)}, "Ophører", "test")
    june = build_reviews(create_followup(JUNE, world))
    g3, g1 = item(june, "sb1", "forventet"), item(june, "sb1", "stopper")
    assert (general_asked(g3), general_asked(g1)) == (GENERAL, [])
    assert general_asked(item(june, "sb2", "stopper")) == GENERAL  # c2: another citizen
    rows = item_rows([g3, g1], {g3.citizen_id: "610265-XXXX"})
    assert rows.filter(pl.col("question").str.starts_with("Hvis en borger er meget dyr")).height == 1
    with pytest.raises(ValidationError):
        answer(g1, "v-gen-respirator", "nej", world)
    # A third case of c1's added to June's lists later does not ask them either.
    g1_terms = Grant.objects.get(grant_id="g1")
    values = {f: getattr(g1_terms, f) for f in ("paragraph", "target_group", "price_basis", "rate", "caseworker")}
    values |= {"start": date(2025, 9, 1), "status": "forventet", "probability": Decimal("0.5")}
    values |= {"acting_municipality": "999", "paying_municipality": "999", "unit": g1_terms.unit}
    extra = create_grant(g1_terms.citizen, values, "Forventet", "test").grant_id
    build_reviews(june[0].followup)
    listed = ReviewItem.objects.filter(review=june[0]).order_by("position")
    assert [(i.grant.grant_id, general_asked(i)) for i in listed] == [("g3", GENERAL), ("g1", []), (extra, [])]
    # Left open, all three carry over to July; c1's first case there (the new grant's id sorts first among
    # the expected grants) asks them again, once.
    july = build_reviews(create_followup(JULY, world))
    listed = ReviewItem.objects.filter(review=july[0]).order_by("position")
    assert [(i.grant.grant_id, i.carried_from is not None, general_asked(i)) for i in listed] == [
        (extra, True, GENERAL),
        ("g3", True, []),
        ("g1", True, []),
    ]


@pytest.mark.django_db
def test_progress_counts_the_required_questions_the_answers_so_far_ask(world: User) -> None:
    reviews = build_reviews(create_followup(JUNE, world))
    g3 = item(reviews, "sb1", "forventet")
    # Required for an expected adult grant: ændringer, i gang, kontrakt, opstartsdato, internt/eksternt = 5.
    assert progress([g3]).questions == 5
    answer(g3, "v-eks-startdato", "nej", world)  # asks for the new start date too: 6, of which 1 answered
    answer(g3, "v-eks-ny-startdato", "01-11-2025", world)
    answer(g3, "v-gen-respirator", "nej", world)  # optional: counts neither way
    followup = reviews[0].followup
    shown = {r.caseworker.caseworker_id: p for r, p in reviews_of(followup)}
    assert (shown["sb1"].questions, shown["sb1"].answered, shown["sb1"].open) == (6, 2, 4)
    assert shown["sb1"].share == pytest.approx(2 / 6)
    assert (shown["sb2"].questions, shown["sb2"].answered, shown["sb2"].done_items) == (1, 0, 0)


@pytest.mark.django_db
def test_a_signed_off_review_takes_no_more_answers(world: User) -> None:
    reviews = build_reviews(create_followup(JUNE, world))
    review = reviews[1]
    sign_off(review, world)
    review.refresh_from_db()
    assert (review.status, review.signed_off_by) == ("godkendt", world)
    with pytest.raises(ValidationError) as refused:
        answer(review.items.get(), "v-stop-forlaenges", "ja", world)
    assert refused.value.message_dict["value"] == ["Gennemgangen er godkendt og kan ikke længere ændres."]
    with pytest.raises(ValidationError, match="allerede godkendt"):
        sign_off(review, world)


@pytest.mark.django_db
def test_the_download_lists_every_asked_question_with_its_answer(world: User) -> None:
    reviews = build_reviews(create_followup(JUNE, world))
    g2 = item(reviews, "sb2", "stopper")
    answer(g2, "v-stop-forlaenges", "ja", world)
    table = item_rows([g2], {g2.citizen_id: "750390-XXXX"})
    first_two = table.head(2).select("cpr", "grant_id", "question", "answer", "open").rows()
    assert first_two == [
        ("750390-XXXX", "g2", "Skal det forlænges?", "ja", ""),
        ("750390-XXXX", "g2", "Forlænges til (forventet sidste dag)", "", "ja"),
    ]


@pytest.mark.django_db
def test_the_demo_review_is_under_way_without_changing_the_ledger(world: User) -> None:
    assert seed_demo_reviews(world) == []  # no follow-up yet
    create_followup(JUNE, world)
    grants_before = list(Grant.objects.order_by("grant_id").values_list("grant_id", "start", "end", "rate"))
    reviews = seed_demo_reviews(world)
    assert sorted(Answer.objects.values_list("question_id", "value")) == [
        ("v-eks-aendringer", "nej"),
        ("v-stop-forlaenges", "nej"),
    ]
    assert list(Grant.objects.order_by("grant_id").values_list("grant_id", "start", "end", "rate")) == grants_before
    assert seed_demo_reviews(world) == []  # once only
    assert len(reviews) == 2
