"""The monthly case review (sagsgennemgang): every caseworker's list for a follow-up, the guides' questions and
what their answers do in the ledger, carry-over of open questions, progress and sign-off.

The list (the seed's "sags- og økonomilister") is built from the stored ledger in one pass over its grants
table (`review_candidates`, pure Polars): cases new since the previous follow-up, expected grants, and decided
grants whose last day falls within three months of the follow-up's date. Questions a review left open come
back on the next follow-up's list, marked as carried over.

An answer with an effect changes the ledger through `dispo.services.grants`, in the same transaction as the
answer and with a reason naming the review, so the grant's history says which review and question it came from.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from dispo.domain.paragraphs import catalogue, paragraph
from dispo.domain.question_guides import (
    NEW_GRANT_NEEDS,
    AnswerKind,
    AnswerProblem,
    Effect,
    Question,
    Reason,
    asked,
    guide_for,
    open_questions,
    parse_answer,
)
from dispo.domain.target_groups import target_groups
from dispo.services import current
from dispo.services.exports import danish_number
from dispo.services.grants import change_grant, create_grant, paragraph_problem
from dispo.store.followups.models import FollowUp, FollowUpGrant
from dispo.store.models import Caseworker, Citizen, Grant, GrantRate
from dispo.store.reviews.models import Answer, Review, ReviewItem

STOPPING_WITHIN = "3mo"
"""Grants whose last day falls within this span after the follow-up's date are on the list (the seed's three
months, as the caseworker report's ending grants)."""
NEW_SINCE_WITHOUT_PREVIOUS = "-1mo"
"""Without an earlier follow-up, a case is new when its grants all start after the month before the date."""
REASON_ORDER = [Reason.NEW, Reason.EXPECTED, Reason.STOPPING]
GENERAL = "generelt"
"""The guides' section of questions about the citizen rather than one grant: asked on one item per citizen."""
CANDIDATE_SCHEMA = {
    "caseworker_id": pl.String,
    "citizen_id": pl.String,
    "grant_id": pl.String,
    "reason": pl.String,
    "side": pl.String,
}


def _sides() -> pl.DataFrame:
    groups = target_groups().values()
    return pl.DataFrame({"target_group": [g.code for g in groups], "side": [g.group for g in groups]})


def review_candidates(grants: pl.DataFrame, as_of: date, seen: Collection[str]) -> pl.DataFrame:
    """The cases of every caseworker's list as of `as_of`, one row per item (`CANDIDATE_SCHEMA`), by
    caseworker, reason (new, expected, stopping), citizen and grant.

    - new (`ny`): a citizen with a caseworker's current grants (not ended before `as_of`), none of which is in
      `seen` (the grants the previous follow-up knew): one item per citizen, `grant_id` empty;
    - expected (`forventet`): each expected grant not ended before `as_of`;
    - stopping (`stopper`): each decided grant whose last day lies from `as_of` to three months after it.

    `side` (`voksne`/`boern`) chooses the guide: the grant's target group's, for a new case its first grant's.
    Grants without a caseworker belong to no list.
    """
    current_grants = (
        grants.filter(pl.col("caseworker_id").is_not_null() & (pl.col("end").is_null() | (pl.col("end") >= as_of)))
        .join(_sides(), on="target_group", how="left")
        .with_columns(pl.col("side").fill_null("voksne"))
    )
    pair = ["caseworker_id", "citizen_id"]
    new = (
        current_grants.sort("start", "grant_id")
        .group_by(pair, maintain_order=True)
        .agg(pl.col("side").first(), known=pl.col("grant_id").is_in(list(seen)).any())
        .filter(~pl.col("known"))
        .select(*pair, grant_id=pl.lit(None, pl.String), reason=pl.lit(Reason.NEW.value), side="side")
    )
    expected = current_grants.filter(pl.col("status") == Grant.Status.EXPECTED).select(
        *pair, "grant_id", reason=pl.lit(Reason.EXPECTED.value), side="side"
    )
    last_day = pl.lit(as_of).dt.offset_by(STOPPING_WITHIN)
    stopping = current_grants.filter(
        pl.col("status").is_in([Grant.Status.DECIDED, Grant.Status.ENDED]) & (pl.col("end") <= last_day)
    ).select(*pair, "grant_id", reason=pl.lit(Reason.STOPPING.value), side="side")
    order = pl.col("reason").replace_strict([r.value for r in REASON_ORDER], range(len(REASON_ORDER)))
    return (
        pl.concat([new, expected, stopping])
        .cast(CANDIDATE_SCHEMA)  # type: ignore[arg-type]
        .sort("caseworker_id", order, "citizen_id", "grant_id", nulls_last=False)
    )


def previous_followup(followup: FollowUp) -> FollowUp | None:
    """The follow-up before this one: the one it was compared with, else the latest with an earlier date."""
    if followup.previous_id is not None:
        return followup.previous
    return FollowUp.objects.filter(as_of__lt=followup.as_of).order_by("-as_of").first()


def _seen(followup: FollowUp, previous: FollowUp | None, grants: pl.DataFrame) -> list[str]:
    """The grants known before this follow-up: those of the previous follow-up's snapshot, or without one, the
    grants that started by a month before its date."""
    if previous is not None:
        return list(FollowUpGrant.objects.filter(followup=previous).values_list("grant_id", flat=True))
    since = pl.lit(followup.as_of).dt.offset_by(NEW_SINCE_WITHOUT_PREVIOUS)
    return grants.filter(pl.col("start") <= since)["grant_id"].to_list()


@transaction.atomic
def build_reviews(followup: FollowUp) -> list[Review]:
    """Make (or complete) every caseworker's review for the follow-up: the list from the ledger, and the items
    of the previous follow-up's reviews with open questions. Building twice adds only what is new; items are
    written in bulk (a municipality's lists hold thousands of cases). A citizen's first item under a guide asks
    the guide's general questions; the citizen's later items, also those added by a later build, do not."""
    grants = current.ledger()["grants"]
    previous = previous_followup(followup)
    candidates = review_candidates(grants, followup.as_of, _seen(followup, previous, grants))
    carried = _open_items(previous) if previous is not None else []
    caseworker_ids = set(candidates["caseworker_id"].to_list()) | {i.review.caseworker.caseworker_id for i in carried}
    caseworkers = {c.caseworker_id: c for c in Caseworker.objects.filter(caseworker_id__in=caseworker_ids)}
    reviews = {
        cid: Review.objects.get_or_create(followup=followup, caseworker=caseworkers[cid])[0]
        for cid in sorted(caseworker_ids)
    }
    citizen_ids = candidates["citizen_id"].unique().to_list()
    citizens = dict(Citizen.objects.filter(citizen_id__in=citizen_ids).values_list("citizen_id", "id"))
    grant_ids = candidates["grant_id"].drop_nulls().to_list()
    grant_pks = dict(Grant.objects.filter(grant_id__in=grant_ids).values_list("grant_id", "id"))
    stored = list(ReviewItem.objects.filter(review__followup=followup))
    existing = {(i.review_id, i.citizen_id, i.grant_id, i.reason): i for i in stored}
    asking_general = {(i.review_id, i.citizen_id, i.guide) for i in stored if i.asks_general}
    positions = {r.pk: r.items.count() for r in reviews.values()}
    added: dict[tuple[int, int, int | None, str], ReviewItem] = {}

    def add(review: Review, citizen: int, grant: int | None, reason: str, guide: str, **extra: Any) -> None:
        positions[review.pk] += 1
        first = (review.pk, citizen, guide) not in asking_general
        asking_general.add((review.pk, citizen, guide))
        added[(review.pk, citizen, grant, reason)] = ReviewItem(
            review=review,
            citizen_id=citizen,
            grant_id=grant,
            reason=reason,
            guide=guide,
            position=positions[review.pk],
            asks_general=first,
            **extra,
        )

    for row in candidates.iter_rows(named=True):
        review = reviews[row["caseworker_id"]]
        key = (review.pk, citizens[row["citizen_id"]], grant_pks.get(row["grant_id"]), row["reason"])
        if key not in existing and key not in added:
            add(review, *key[1:], row["side"])
    relisted = []
    for old in carried:
        review = reviews[old.review.caseworker.caseworker_id]
        key = (review.pk, old.citizen_id, old.grant_id, old.reason)
        if key in added:
            added[key].carried_from = old
        elif key in existing and existing[key].carried_from_id is None:
            existing[key].carried_from = old
            relisted.append(existing[key])
        elif key not in existing:
            add(review, *key[1:], old.guide, carried_from=old, new_grant_id=old.new_grant_id)
    ReviewItem.objects.bulk_create(added.values(), batch_size=1000)
    ReviewItem.objects.bulk_update(relisted, ["carried_from"], batch_size=1000)
    return list(reviews.values())


def questions_of(item: ReviewItem) -> tuple[Question, ...]:
    """The guide's questions for the item's reason; the general ones only on the item that asks them for its
    citizen (`ReviewItem.asks_general`), so that a citizen with several cases on the list is asked them once."""
    questions = guide_for(item.guide).for_reason(Reason(item.reason))
    if item.asks_general:
        return questions
    return tuple(q for q in questions if q.section != GENERAL)


def answers_of(item: ReviewItem) -> dict[str, str]:
    """The item's answers by question id (uses prefetched answers when there are)."""
    return {a.question_id: a.value for a in item.answers.all()}


def open_questions_of(item: ReviewItem, answers: Mapping[str, str]) -> tuple[Question, ...]:
    """The item's required questions that the answers leave open."""
    return open_questions(questions_of(item), answers)


def _open_items(followup: FollowUp) -> list[ReviewItem]:
    """The follow-up's review items with required questions still unanswered."""
    items = ReviewItem.objects.filter(review__followup=followup).select_related("review__caseworker")
    return [i for i in items.prefetch_related("answers") if open_questions_of(i, answers_of(i))]


@dataclass(frozen=True)
class Progress:
    """How far a review has come: items, questions asked (required, as the answers so far make them) and
    answered, and the items with nothing left open."""

    items: int
    done_items: int
    questions: int
    answered: int

    @property
    def open(self) -> int:
        return self.questions - self.answered

    @property
    def share(self) -> float:
        return self.answered / self.questions if self.questions else 1.0


def progress(items: Iterable[ReviewItem]) -> Progress:
    """The progress of a set of items (with their answers prefetched)."""
    counts = [0, 0, 0, 0]
    for item in items:
        answers = answers_of(item)
        required = [q for q in asked(questions_of(item), answers) if not q.optional]
        missing = sum(q.id not in answers for q in required)
        counts[0] += 1
        counts[1] += missing == 0
        counts[2] += len(required)
        counts[3] += len(required) - missing
    return Progress(*counts)


def combined(progresses: Iterable[Progress]) -> Progress:
    """The progress of several reviews together: the sum of their counts."""
    counts = [0, 0, 0, 0]
    for p in progresses:
        counts = [c + v for c, v in zip(counts, (p.items, p.done_items, p.questions, p.answered), strict=True)]
    return Progress(*counts)


def reviews_of(followup: FollowUp, caseworkers: Collection[str] | None = None) -> list[tuple[Review, Progress]]:
    """The follow-up's reviews with their progress, by caseworker name; only `caseworkers` when given."""
    reviews = Review.objects.filter(followup=followup).select_related("caseworker", "signed_off_by")
    if caseworkers is not None:
        reviews = reviews.filter(caseworker__caseworker_id__in=list(caseworkers))
    return _with_progress(reviews)


def caseworker_reviews(caseworker: Caseworker) -> list[tuple[Review, Progress]]:
    """A caseworker's own reviews with their progress, newest follow-up first."""
    reviews = Review.objects.filter(caseworker=caseworker).select_related("followup", "signed_off_by")
    return _with_progress(reviews.order_by("-followup__as_of"))


def _with_progress(reviews: QuerySet[Review]) -> list[tuple[Review, Progress]]:
    items = Prefetch("items", ReviewItem.objects.prefetch_related("answers"))
    return [(r, progress(r.items.all())) for r in reviews.prefetch_related(items)]


def review_label(review: Review) -> str:
    return f"sagsgennemgang {review.followup.as_of:%d-%m-%Y} ({review.caseworker.name})"


def shown_answer(question: Question, value: str) -> str:
    """A canonical answer as the page shows it: dates dd-mm-åååå, amounts with Danish separators."""
    if question.kind == AnswerKind.DATE:
        return date.fromisoformat(value).strftime("%d-%m-%Y")
    if question.kind == AnswerKind.AMOUNT:
        return f"{danish_number(float(value), 2)} kr."
    return value


@transaction.atomic
def answer(item: ReviewItem, question_id: str, text: str, user: Any) -> Answer:
    """Record the answer to one question of an item and do what it does in the ledger.

    Raises `ValidationError({"value": message})`, with nothing saved, for an answer of the wrong kind, a
    question the item does not ask, a signed-off review, or an effect the ledger refuses (e.g. an expected start
    after the grant's end) — the message says what was wrong in Danish.
    """
    review = item.review
    if review.signed_off:
        raise ValidationError({"value": "Gennemgangen er godkendt og kan ikke længere ændres."})
    question = next((q for q in questions_of(item) if q.id == question_id), None)
    if question is None:
        raise ValidationError({"value": f"Spørgsmålet «{question_id}» hører ikke til denne sag."})
    try:
        value = parse_answer(question.kind, text)
        if question.effect == Effect.NEW_GRANT_PARAGRAPH:
            value = _paragraph_code(value)
    except AnswerProblem as problem:
        raise ValidationError({"value": str(problem)}) from None
    stored, _ = Answer.objects.update_or_create(
        item=item, question_id=question_id, defaults={"value": value, "answered_by": user}
    )
    reason = f"Svar i {review_label(review)}: «{question.text}» – {shown_answer(question, value)}"
    try:
        _apply(item, question, stored, reason, user.get_username())
    except ValidationError as refused:
        raise ValidationError({"value": " ".join(_messages(refused))}) from None
    return stored


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return list(error.messages)


def _paragraph_code(typed: str) -> str:
    """The catalogue code of a paragraph typed as "SEL 108", "sel § 108" or "SEL108"."""
    key = typed.replace("§", "").replace(" ", "").casefold()
    code = next((c for c in catalogue() if c.casefold() == key), typed)
    if problem := paragraph_problem(code):
        raise AnswerProblem(problem)
    return code


def _apply(item: ReviewItem, question: Question, stored: Answer, reason: str, user: str) -> None:
    """Do what the answer's effect does (see `Effect`); most questions only record the answer."""
    effect = question.effect
    if effect in (*NEW_GRANT_NEEDS, Effect.NEW_GRANT_OWN_PAYMENT):
        _new_grant(item, reason, user)
    elif effect == Effect.ONE_OFF_AT_START:
        base = item.new_grant
        if base is None:
            raise ValidationError("Besvar først paragraf, pris og startdato for den forventede indsats.")
        _one_off(stored, base, base.start, reason, user)
    elif effect in (Effect.EXPECTED_START, Effect.EXPECTED_RATE):
        grant = _listed_grant(item)
        if grant.status != Grant.Status.EXPECTED:
            raise ValidationError("Kun en forventet indsats kan ændres fra sagsgennemgangen.")
        field, new = (
            ("start", date.fromisoformat(stored.value))
            if effect == Effect.EXPECTED_START
            else (
                "rate",
                Decimal(stored.value),
            )
        )
        change_grant(grant, {field: new}, reason, user)
    elif effect == Effect.EXTENSION_UNTIL:
        _extension(item, stored, reason, user)
    elif effect == Effect.ONE_OFF_AFTER_END:
        grant = _listed_grant(item)
        _one_off(stored, grant, _end_of(grant) + timedelta(days=1), reason, user)


def _listed_grant(item: ReviewItem) -> Grant:
    if item.grant is None:
        raise ValidationError("Sagen har ingen indsats at ændre.")
    return item.grant


def _end_of(grant: Grant) -> date:
    if grant.end is None:
        raise ValidationError("Indsatsen har ingen slutdato.")
    return grant.end


def _new_grant(item: ReviewItem, reason: str, user: str) -> None:
    """A new case's expected grant: created once paragraph, start and yearly price are answered (as a price
    per year), changed by any later answer."""
    answers = {guide_question.effect: value for guide_question, value in _effect_answers(item).items()}
    if not all(effect in answers for effect in NEW_GRANT_NEEDS):
        return
    values: dict[str, Any] = {
        "paragraph": answers[Effect.NEW_GRANT_PARAGRAPH],
        "start": date.fromisoformat(answers[Effect.NEW_GRANT_START]),
        "rate": Decimal(answers[Effect.NEW_GRANT_YEARLY_PRICE]),
        "own_payment": Decimal(answers[Effect.NEW_GRANT_OWN_PAYMENT])
        if answers.get(Effect.NEW_GRANT_OWN_PAYMENT)
        else None,
    }
    values["target_group"] = _target_group(item, values["paragraph"])
    if item.new_grant is not None:
        change_grant(item.new_grant, values, reason, user)
        return
    item.new_grant = create_grant(item.citizen, {**_new_grant_terms(item), **values}, reason, user)
    item.save(update_fields=["new_grant"])


def _effect_answers(item: ReviewItem) -> dict[Question, str]:
    answers = dict(Answer.objects.filter(item=item).values_list("question_id", "value"))
    return {q: answers[q.id] for q in asked(questions_of(item), answers) if q.id in answers}


def _target_group(item: ReviewItem, code: str) -> str:
    """The target group of a new expected grant: that of the citizen's latest grant if the paragraph is used
    under it, else the paragraph's first target group on the guide's side."""
    latest = item.citizen.grants.order_by("-start").values_list("target_group", flat=True).first()
    used_under = paragraph(code).target_groups
    if latest in used_under:
        return str(latest)
    same_side = [g for g in used_under if target_groups()[g].group == item.guide]
    return (same_side or list(used_under))[0]


def _new_grant_terms(item: ReviewItem) -> dict[str, Any]:
    """The terms of an expected grant that the guide does not ask about: a price per year, probability 1,
    the municipalities of the citizen's latest grant (else this one), the review's caseworker and unit."""
    latest = item.citizen.grants.order_by("-start").first()
    caseworker = item.review.caseworker
    return {
        "price_basis": Grant.PriceBasis.YEAR,
        "status": Grant.Status.EXPECTED,
        "probability": Decimal(1),
        "acting_municipality": latest.acting_municipality if latest else settings.MUNICIPALITY,
        "paying_municipality": latest.paying_municipality if latest else settings.MUNICIPALITY,
        "caseworker": caseworker,
        "unit": caseworker.unit,
    }


def _copy_terms(grant: Grant) -> dict[str, Any]:
    """A grant's terms for an expected grant that continues it, at the rate valid on its last day."""
    last_rate = (
        GrantRate.objects.filter(grant=grant, valid_from__lte=grant.end).order_by("-valid_from").first()
        if grant.end
        else None
    )
    return {
        "paragraph": grant.paragraph,
        "target_group": grant.target_group,
        "provider": grant.provider,
        "price_basis": grant.price_basis,
        "rate": last_rate.rate if last_rate else grant.rate,
        "hours_per_week": grant.hours_per_week,
        "status": Grant.Status.EXPECTED,
        "probability": Decimal(1),
        "acting_municipality": grant.acting_municipality,
        "paying_municipality": grant.paying_municipality,
        "own_payment": grant.own_payment,
        "caseworker": grant.caseworker,
        "unit": grant.unit,
    }


def _extension(item: ReviewItem, stored: Answer, reason: str, user: str) -> None:
    """An expected grant continuing the stopping grant from the day after its end to the answered date."""
    grant = _listed_grant(item)
    end, until = _end_of(grant), date.fromisoformat(stored.value)
    if until <= end:
        raise ValidationError(
            f"Forlængelsen skal slutte efter indsatsens nuværende sidste dag {end:%d-%m-%Y}. Skriv den nye sidste dag."
        )
    if stored.created_grant is not None:
        change_grant(stored.created_grant, {"end": until}, reason, user)
        return
    values = {**_copy_terms(grant), "start": end + timedelta(days=1), "end": until}
    stored.created_grant = create_grant(grant.citizen, values, reason, user)
    stored.save(update_fields=["created_grant"])


def _one_off(stored: Answer, base: Grant, day: date, reason: str, user: str) -> None:
    """An expected one-off expense under the base grant's paragraph on `day`; an answer of 0 creates none
    (and sets an earlier one to 0)."""
    amount = Decimal(stored.value)
    if stored.created_grant is not None:
        change_grant(stored.created_grant, {"rate": amount, "start": day, "end": day}, reason, user)
        return
    if amount == 0:
        return
    terms = {**_copy_terms(base), "provider": base.provider, "price_basis": Grant.PriceBasis.ONE_OFF, "rate": amount}
    terms |= {"hours_per_week": None, "own_payment": None, "start": day, "end": day}
    stored.created_grant = create_grant(base.citizen, terms, reason, user)
    stored.save(update_fields=["created_grant"])


@transaction.atomic
def sign_off(review: Review, user: Any) -> None:
    """The controller approves the review after the meeting; open questions carry over to the next one."""
    if review.signed_off:
        raise ValidationError("Gennemgangen er allerede godkendt.")
    review.status = Review.Status.SIGNED_OFF
    review.signed_off_by = user
    review.signed_off_at = timezone.now()
    review.save(update_fields=["status", "signed_off_by", "signed_off_at"])


def item_rows(items: Iterable[ReviewItem], cprs: Mapping[int, str]) -> pl.DataFrame:
    """The items with every asked question and its answer, one row per question: the review as a download."""
    rows = []
    for item in items:
        answers = answers_of(item)
        for question in asked(questions_of(item), answers):
            value = answers.get(question.id)
            rows.append(
                {
                    "cpr": cprs.get(item.citizen_id, ""),
                    "grant_id": item.grant.grant_id if item.grant else "",
                    "paragraph": item.grant.paragraph if item.grant else "",
                    "reason": Reason(item.reason).value,
                    "question": question.text,
                    "answer": shown_answer(question, value) if value is not None else "",
                    "open": "ja" if value is None and not question.optional else "",
                }
            )
    columns = ("cpr", "grant_id", "paragraph", "reason", "question", "answer", "open")
    return pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String))


DEMO_REVIEWS, DEMO_ITEMS = 3, 3


def seed_demo_reviews(user: Any) -> list[Review]:
    """The demo's newest follow-up with its review lists made and the first question of a few cases answered
    "nej" (answers that change nothing in the ledger), so the pages show a review under way. Does nothing
    without a follow-up, or when its reviews exist already."""
    followup = FollowUp.objects.order_by("-as_of").first()
    if followup is None or Review.objects.filter(followup=followup).exists():
        return []
    reviews = build_reviews(followup)
    for review in reviews[:DEMO_REVIEWS]:
        for item in review.items.select_related("review__followup", "review__caseworker")[:DEMO_ITEMS]:
            first = questions_of(item)[0]
            answer(item, first.id, "nej", user)
    return reviews
