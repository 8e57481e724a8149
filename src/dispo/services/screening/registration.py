"""Registering a citizen's screening: the candidates from the ledger, the answers it pre-fills, and saving.

The candidates are the adults whose gross expense of the year (before any reimbursement: the registration
sheet's "samlet udgift … ex. refusion") exceeds 2 mio. kr. The ledger already knows some answers — sex, age,
cost bracket, the main offer's provider type and paragraph, long-term residential care, who has the acting
obligation — and fills them in; the caseworker checks them and answers the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction

from dispo.domain.screening import COST_BRACKETS, EXPENSIVE_FROM, LONG_TERM_RESIDENTIAL, QuestionSet, cost_bracket
from dispo.engine.screening import bracket_of, ledger_facts
from dispo.services import current
from dispo.services.screening.questions import latest, question_set
from dispo.store.models import Citizen, Grant
from dispo.store.screening.models import Screening

YES_NO = {True: "ja", False: "nej"}


class InvalidAnswers(ValueError):
    """Answers that do not fit their question set; `problems` holds one Danish line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Form:
    """What the registration form shows: the question set, the answers (stored, or pre-filled), and which
    answers the ledger filled in."""

    question_set: QuestionSet
    answers: dict[str, Any]
    prefilled: frozenset[str]
    screening: Screening | None


def facts(year: int, as_of: date, user: Any | None) -> pl.DataFrame:
    """The ledger's facts (`engine.screening.FACT_COLUMNS`) for the expensive adults `user` may see (None: all,
    for the batch jobs), with the masked CPR number; the age on `as_of`, capped to the year's last day."""
    grants = current.grant_frame(year, as_of)
    if user is not None:
        visible = Grant.objects.visible_to(user).values_list("grant_id", flat=True)
        grants = grants.filter(pl.col("grant_id").is_in(list(visible)))
    citizens = current.ledger()["citizens"]
    on = min(as_of, date(year, 12, 31))
    found = ledger_facts(grants, citizens, settings.MUNICIPALITY, on, LONG_TERM_RESIDENTIAL, EXPENSIVE_FROM)
    return found.join(citizens.select("citizen_id", "cpr"), on="citizen_id", how="left")


def candidates(year: int, as_of: date, user: Any) -> pl.DataFrame:
    """The expensive adults `user` may see with their registration's status for the year (blank: none yet)."""
    found = facts(year, as_of, user)
    statuses = dict(
        Screening.objects.filter(year=year, citizen__citizen_id__in=found["citizen_id"].to_list()).values_list(
            "citizen__citizen_id", "status"
        )
    )
    return found.with_columns(
        status=pl.col("citizen_id").replace_strict(statuses, default="", return_dtype=pl.String),
        bracket=bracket_of(pl.col("gross"), COST_BRACKETS),
    )


def prefill(row: dict[str, Any], questions: QuestionSet) -> dict[str, Any]:
    """The answers the ledger gives for the questions that name a ledger fact, where they are valid answers."""
    known = {
        "sex": row.get("sex") or None,
        "age": row.get("age"),
        "cost_bracket": cost_bracket(row["gross"]) if row.get("gross") is not None else None,
        "provider_type": row.get("provider_type"),
        "paragraph": row.get("paragraph"),
        "long_term_residential": YES_NO.get(row.get("long_term_residential")),  # type: ignore[arg-type]
        "acting_obligation": YES_NO.get(row.get("acting_obligation")),  # type: ignore[arg-type]
    }
    filled = {}
    for question in questions.questions:
        answer = known.get(question.prefill or "")
        if question.prefill == "paragraph" and answer is not None and question.problem(answer):
            answer = "andet"
        if answer is not None and question.problem(answer) is None:
            filled[question.id] = answer
    return filled


def form(citizen: Citizen, year: int, as_of: date, user: Any) -> Form:
    """The stored registration's answers in its own version, or a new one pre-filled from the ledger."""
    stored = Screening.objects.filter(citizen=citizen, year=year).select_related("question_set").first()
    if stored is not None:
        return Form(question_set(stored.question_set), dict(stored.answers), frozenset(), stored)
    _, questions = latest()
    rows = facts(year, as_of, user).filter(pl.col("citizen_id") == citizen.citizen_id).to_dicts()
    filled = prefill(rows[0], questions) if rows else {}
    return Form(questions, filled, frozenset(filled), None)


def register(citizen: Citizen, year: int, answers: dict[str, Any], done: bool, user: str) -> Screening:
    """Save the answers (in the stored registration's version, or the newest for a new one); refuse answers
    that do not fit, changing nothing."""
    with transaction.atomic():
        stored = Screening.objects.select_for_update().filter(citizen=citizen, year=year).first()
        row = stored.question_set if stored is not None else latest()[0]
        questions = question_set(row)
        given = {key: value for key, value in answers.items() if value not in (None, "", [])}
        problems = questions.problems(given)
        if problems:
            raise InvalidAnswers(problems)
        screening = stored or Screening(citizen=citizen, year=year, question_set=row)
        screening.answers = given
        screening.status = Screening.Status.DONE if done else Screening.Status.DRAFT
        screening.updated_by = user
        screening.save()
        return screening
