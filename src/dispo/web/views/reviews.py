"""The case review pages (/sagsgennemgang/): the controller's progress per caseworker for a follow-up, each
caseworker's list with the guide's questions answered one at a time (htmx), and the controller's sign-off.

A caseworker sees their own reviews only, and of those only citizens `Citizen.objects.visible_to` lets them
see; controllers and administrators see every review. Every page and download with person-level data, and every
refused attempt, writes an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dispo.domain.question_guides import REASON_LABELS, AnswerKind, Question, Reason, asked, guide_for
from dispo.services import reviews as review_services
from dispo.services.grants import paragraph_label
from dispo.store.access import SEES_EVERY_CITIZEN, Role, roles_of
from dispo.store.followups.models import FollowUp
from dispo.store.models import AuditEntry, Caseworker, Citizen, Grant
from dispo.store.reviews.models import Answer, Review, ReviewItem
from dispo.web.views.common import download, require_role

CONTROLLING = (Role.CONTROLLER, Role.ADMINISTRATOR)
FORMATS = ("xlsx", "csv")
PROGRESS_HEADERS = {
    "caseworker": "Sagsbehandler",
    "items": "Sager på listen",
    "done_items": "Færdige sager",
    "questions": "Spørgsmål",
    "answered": "Besvaret",
    "open": "Åbne",
    "status": "Status",
    "signed_off": "Godkendt",
}
ITEM_HEADERS = {
    "cpr": "CPR-nummer",
    "grant_id": "Bevilling",
    "paragraph": "Paragraf",
    "reason": "Årsag",
    "question": "Spørgsmål",
    "answer": "Svar",
    "open": "Åbent",
}


def _format(request: HttpRequest) -> str | HttpResponse | None:
    fmt = request.GET.get("format")
    if fmt and fmt not in FORMATS:
        return HttpResponseBadRequest(
            f"Ukendt format »{fmt}«. Vælg format=xlsx (Excel) eller format=csv.",
            content_type="text/plain; charset=utf-8",
        )
    return fmt


def _own_caseworker(user: Any) -> Caseworker | None:
    return Caseworker.objects.filter(user=user).first()


def _may_see(user: Any, review: Review) -> bool:
    """Controllers and administrators see every review; a caseworker their own."""
    return bool(roles_of(user) & SEES_EVERY_CITIZEN) or review.caseworker.user_id == user.pk


def _followup_choice(request: HttpRequest) -> tuple[list[FollowUp], FollowUp | None]:
    """The follow-ups, newest first, and the one asked for (?opfoelgning=id, default the newest)."""
    followups = list(FollowUp.objects.order_by("-as_of"))
    wanted = request.GET.get("opfoelgning", "")
    chosen = next((f for f in followups if str(f.pk) == wanted), followups[0] if followups else None)
    return followups, chosen


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The controller's view: per caseworker, how far the follow-up's review has come; a caseworker's view:
    their own reviews, newest first."""
    roles = roles_of(request.user)
    own = _own_caseworker(request.user)
    if not roles & set(CONTROLLING) and own is None:
        raise PermissionDenied("Sagsgennemgangen er for controllere og sagsbehandlere.")
    followups, chosen = _followup_choice(request)
    scope = None if roles & set(CONTROLLING) else [own.caseworker_id] if own else []
    rows = review_services.reviews_of(chosen, scope) if chosen else []
    if (fmt := _format(request)) is not None:
        if isinstance(fmt, HttpResponse):
            return fmt
        name = f"sagsgennemgang-fremdrift-{chosen.as_of:%Y-%m-%d}" if chosen else "sagsgennemgang-fremdrift"
        return download(_progress_table(rows).rename(PROGRESS_HEADERS), fmt, name, totals=False)
    own_reviews = review_services.caseworker_reviews(own) if own else []
    context = {
        "followups": followups,
        "chosen": chosen,
        "rows": rows,
        "controlling": bool(roles & set(CONTROLLING)),
        "own_reviews": own_reviews,
        "query": f"opfoelgning={chosen.pk}" if chosen else "",
    }
    return render(request, "dispo/reviews/index.html", context)


def _progress_table(rows: list[tuple[Review, review_services.Progress]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "caseworker": review.caseworker.name,
                "items": p.items,
                "done_items": p.done_items,
                "questions": p.questions,
                "answered": p.answered,
                "open": p.open,
                "status": review.get_status_display(),
                "signed_off": review.signed_off_at.strftime("%d-%m-%Y") if review.signed_off_at else "",
            }
            for review, p in rows
        ],
        schema={
            name: pl.Int64 if name in ("items", "done_items", "questions", "answered", "open") else pl.String
            for name in PROGRESS_HEADERS
        },
    )


@login_required
@require_POST
def build(request: HttpRequest, followup_id: int) -> HttpResponse:
    """Make the follow-up's review lists (or add what is new since they were made)."""
    require_role(request, *CONTROLLING)
    followup = get_object_or_404(FollowUp, pk=followup_id)
    made = review_services.build_reviews(followup)
    messages.success(request, f"Listerne til sagsgennemgangen er dannet for {len(made)} sagsbehandlere.")
    return redirect(f"{reverse('reviews')}?opfoelgning={followup.pk}")


def _review_for(request: HttpRequest, review_id: int, action: str) -> Review:
    review = get_object_or_404(Review.objects.select_related("followup", "caseworker", "signed_off_by"), pk=review_id)
    if not _may_see(request.user, review):
        AuditEntry.record(request, f"afvist-{action}", [], {"review": review_id})
        raise PermissionDenied("Du kan kun se din egen sagsgennemgang.")
    return review


def _items(request: HttpRequest, review: Review) -> list[ReviewItem]:
    """The review's items the user may see, with what the page shows of them."""
    visible = Citizen.objects.visible_to(request.user).values("pk")
    answers = Prefetch("answers", Answer.objects.select_related("created_grant"))
    carried = Prefetch("carried_from__answers")
    return list(
        review.items.filter(citizen__in=visible)
        .select_related("citizen", "grant", "new_grant", "carried_from__review__followup")
        .prefetch_related(answers, carried)
    )


@dataclass
class AskedQuestion:
    """One question as the page shows it: its answer (shown and as typed back), whether it is still open, and
    a message when the last answer was refused."""

    question: Question
    value: str = ""
    shown: str = ""
    error: str = ""
    typed: str = ""
    carried: bool = False
    grant: Grant | None = None

    @property
    def open(self) -> bool:
        return not self.value and not self.question.optional

    @property
    def field_id(self) -> str:
        return f"svar-{self.question.id}"


@dataclass
class ShownItem:
    """An item with its asked questions; `general_at` is the citizen's item that asks the general questions
    when it is another one (so the page can point to it)."""

    item: ReviewItem
    questions: list[AskedQuestion] = field(default_factory=list)
    general_at: ReviewItem | None = None

    @property
    def open(self) -> int:
        return sum(q.open for q in self.questions)

    @property
    def paragraph(self) -> str:
        return paragraph_label(self.item.grant.paragraph) if self.item.grant else ""

    @property
    def guide(self) -> str:
        return guide_for(self.item.guide).label


def _general_holders(items: list[ReviewItem]) -> dict[tuple[int, str], ReviewItem]:
    """Per citizen and guide, the item that asks the general questions."""
    return {(i.citizen_id, i.guide): i for i in items if i.asks_general}


def _shown_item(
    item: ReviewItem, holders: dict[tuple[int, str], ReviewItem], errors: dict[str, tuple[str, str]] | None = None
) -> ShownItem:
    """The item with its asked questions, answers and any refused answer (question id → (typed, message))."""
    errors = errors or {}
    stored = {a.question_id: a for a in item.answers.all()}
    values = {qid: a.value for qid, a in stored.items()}
    was_open = set()
    if item.carried_from is not None:
        before = {a.question_id: a.value for a in item.carried_from.answers.all()}
        was_open = {q.id for q in review_services.open_questions_of(item.carried_from, before)}
    shown = []
    for question in asked(review_services.questions_of(item), values):
        answer = stored.get(question.id)
        typed, error = errors.get(question.id, ("", ""))
        shown.append(
            AskedQuestion(
                question=question,
                value=answer.value if answer else "",
                shown=review_services.shown_answer(question, answer.value) if answer else "",
                error=error,
                typed=typed or (_typed_back(question, answer.value) if answer else ""),
                carried=question.id in was_open,
                grant=answer.created_grant if answer else None,
            )
        )
    holder = holders.get((item.citizen_id, item.guide))
    return ShownItem(item, shown, holder if holder is not None and holder.pk != item.pk else None)


def _typed_back(question: Question, value: str) -> str:
    """A stored answer as it goes back into its field: dates and amounts the Danish way."""
    if question.kind in (AnswerKind.DATE, AnswerKind.AMOUNT):
        return review_services.shown_answer(question, value).removesuffix(" kr.")
    return value


def _sections(items: list[ShownItem]) -> list[tuple[str, str, list[ShownItem]]]:
    return [
        (reason.value, REASON_LABELS[reason], [i for i in items if i.item.reason == reason])
        for reason in review_services.REASON_ORDER
    ]


@login_required
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    """One caseworker's list: every case with its guide's questions, grouped by why it is listed."""
    review = _review_for(request, review_id, "sagsgennemgang")
    items = _items(request, review)
    AuditEntry.record(request, "sagsgennemgang", sorted({i.citizen.citizen_id for i in items}))
    if (fmt := _format(request)) is not None:
        if isinstance(fmt, HttpResponse):
            return fmt
        cprs = {i.citizen_id: i.citizen.cpr_masked for i in items}
        table = review_services.item_rows(items, cprs).with_columns(
            pl.col("reason").replace_strict({r.value: REASON_LABELS[r] for r in Reason})
        )
        name = f"sagsgennemgang-{review.caseworker.caseworker_id}-{review.followup.as_of:%Y-%m-%d}"
        return download(table.rename(ITEM_HEADERS), fmt, name, totals=False)
    holders = _general_holders(items)
    shown = [_shown_item(i, holders) for i in items]
    context = {
        "review": review,
        "sections": _sections(shown),
        "progress": review_services.progress(items),
        "controlling": bool(roles_of(request.user) & set(CONTROLLING)),
        "query": "",
        "guides": sorted({guide_for(i.guide).label for i in items}),
    }
    return render(request, "dispo/reviews/review.html", context)


@login_required
@require_POST
def answer_question(request: HttpRequest, review_id: int, item_id: int, question_id: str) -> HttpResponse:
    """Save one answer; for htmx the item comes back with its questions (an answer may ask new ones), else the
    page reloads at the item. A refused answer is shown at its question, in Danish, and nothing is saved."""
    review = _review_for(request, review_id, "sagsgennemgang-svar")
    item = get_object_or_404(
        ReviewItem.objects.filter(citizen__in=Citizen.objects.visible_to(request.user).values("pk")),
        pk=item_id,
        review=review,
    )
    item.review = review
    typed = request.POST.get("svar", "")
    errors: dict[str, tuple[str, str]] = {}
    try:
        review_services.answer(item, question_id, typed, request.user)
    except ValidationError as refused:
        errors[question_id] = (typed, " ".join(refused.message_dict.get("value", refused.messages)))
    AuditEntry.record(request, "sagsgennemgang-svar", [item.citizen.citizen_id], {"question": question_id})
    if request.headers.get("HX-Request") != "true":
        if errors:
            messages.error(request, errors[question_id][1])
        return redirect(f"{reverse('review', args=[review.pk])}#sag-{item.pk}")
    fresh = _items(request, review)
    shown = _shown_item(next(i for i in fresh if i.pk == item.pk), _general_holders(fresh), errors)
    context = {"entry": shown, "review": review, "progress": review_services.progress(fresh), "oob": True}
    return render(request, "dispo/reviews/_item.html", context)


@login_required
@require_POST
def sign_off(request: HttpRequest, review_id: int) -> HttpResponse:
    """The controller signs the review off; what is still open carries over to the next follow-up."""
    require_role(request, *CONTROLLING)
    review = get_object_or_404(Review, pk=review_id)
    try:
        review_services.sign_off(review, request.user)
        messages.success(request, f"Sagsgennemgangen for {review.caseworker.name} er godkendt.")
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    return redirect("review", review.pk)
