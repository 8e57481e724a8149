"""The question guides (spørgeguides) of the monthly case review, as structured questions.

The seed's controller, caseworker and coordinator go through every caseworker's list each month with a guide for
adults and one for children: questions about new cases, existing cases with expected grants, and grants about
to stop. Here each question has an answer kind (yes/no, date, amount or text), the section of the list it
belongs to, an optional condition on an earlier yes/no answer, and an `Effect`: what its answer does to the
ledger (e.g. "Ny forventet opstartsdato" moves the expected grant's start). The guides are reviewed data in
`data/question_guides.yaml`, with the seed named as their source.

Answers are typed as people type them ("ja", "01-10-2025", "1.234,50"); `parse_answer` turns them into one
canonical text per kind or a Danish message saying what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import TypeVar

from dispo.domain.datafile import (
    EntryError,
    Problems,
    as_list,
    as_mapping,
    check_fields,
    mapping_section,
    read_yaml,
    value,
)

FILE = "question_guides.yaml"
E = TypeVar("E", bound=StrEnum)
YES, NO = "ja", "nej"


class AnswerKind(StrEnum):
    YES_NO = "yes_no"
    DATE = "date"
    AMOUNT = "amount"
    TEXT = "text"


class Reason(StrEnum):
    """Why a case is on a caseworker's review list."""

    NEW = "ny"
    EXPECTED = "forventet"
    STOPPING = "stopper"


REASON_LABELS = {
    Reason.NEW: "Helt ny sag",
    Reason.EXPECTED: "Eksisterende sag med forventede indsatser",
    Reason.STOPPING: "Indsats med stopdato inden for tre måneder",
}
SECTIONS = {
    "ny": frozenset({Reason.NEW}),
    "eksisterende": frozenset({Reason.EXPECTED}),
    "stopper": frozenset({Reason.STOPPING}),
    "generelt": frozenset(Reason),
}
"""The item reasons each section's questions are asked for."""


class Effect(StrEnum):
    """What an answer does to the ledger (see the data file's header for each)."""

    NONE = "none"
    NEW_GRANT_PARAGRAPH = "new_grant_paragraph"
    NEW_GRANT_START = "new_grant_start"
    NEW_GRANT_YEARLY_PRICE = "new_grant_yearly_price"
    NEW_GRANT_OWN_PAYMENT = "new_grant_own_payment"
    ONE_OFF_AT_START = "one_off_at_start"
    EXPECTED_START = "expected_start"
    EXPECTED_RATE = "expected_rate"
    EXTENSION_UNTIL = "extension_until"
    ONE_OFF_AFTER_END = "one_off_after_end"


EFFECT_RULES: dict[Effect, tuple[AnswerKind, str]] = {
    Effect.NEW_GRANT_PARAGRAPH: (AnswerKind.TEXT, "ny"),
    Effect.NEW_GRANT_START: (AnswerKind.DATE, "ny"),
    Effect.NEW_GRANT_YEARLY_PRICE: (AnswerKind.AMOUNT, "ny"),
    Effect.NEW_GRANT_OWN_PAYMENT: (AnswerKind.AMOUNT, "ny"),
    Effect.ONE_OFF_AT_START: (AnswerKind.AMOUNT, "ny"),
    Effect.EXPECTED_START: (AnswerKind.DATE, "eksisterende"),
    Effect.EXPECTED_RATE: (AnswerKind.AMOUNT, "eksisterende"),
    Effect.EXTENSION_UNTIL: (AnswerKind.DATE, "stopper"),
    Effect.ONE_OFF_AFTER_END: (AnswerKind.AMOUNT, "stopper"),
}
"""The answer kind each effect needs, and the section whose items it can act on."""
NEW_GRANT_NEEDS = (Effect.NEW_GRANT_PARAGRAPH, Effect.NEW_GRANT_START, Effect.NEW_GRANT_YEARLY_PRICE)
"""The answers a new case's expected grant is made from: it is created once all three are given."""


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    section: str
    text: str
    kind: AnswerKind
    effect: Effect = Effect.NONE
    when: tuple[str, str] | None = None
    optional: bool = False

    @property
    def reasons(self) -> frozenset[Reason]:
        return SECTIONS[self.section]


@dataclass(frozen=True, slots=True)
class QuestionGuide:
    """One guide: its side (`voksne` / `boern`), Danish label, section headings and questions in order."""

    code: str
    label: str
    sections: Mapping[str, str]
    questions: tuple[Question, ...]

    def for_reason(self, reason: Reason) -> tuple[Question, ...]:
        """The questions asked of a case on the list for `reason`, in the guide's order."""
        return tuple(q for q in self.questions if reason in q.reasons)

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


@cache
def question_guides() -> Mapping[str, QuestionGuide]:
    """The guides by side (`voksne`, `boern`), read once from `data/question_guides.yaml`."""
    return MappingProxyType(parse_question_guides(read_yaml(FILE)))


def parse_question_guides(document: object) -> dict[str, QuestionGuide]:
    """The guides of a parsed document; raise `DataFileError` listing every problem."""
    problems = Problems(FILE)
    guides: dict[str, QuestionGuide] = {}
    seen: set[str] = set()
    for code, raw in (problems.collect("guides", mapping_section, document, "guides") or {}).items():
        guide = problems.collect(f"guide {code}", _guide, code, raw)
        if guide is None:
            continue
        for question in guide.questions:
            if question.id in seen:
                problems.add(f"guide {code}", f"question id {question.id!r} is used twice")
            seen.add(question.id)
        guides[code] = guide
    if not problems.found and set(guides) != {"voksne", "boern"}:
        problems.add("guides", f"expected the guides voksne and boern, found {', '.join(sorted(guides))}")
    problems.raise_if_any()
    return guides


def _guide(code: str, raw: object) -> QuestionGuide:
    entry = as_mapping(raw, "a guide")
    check_fields(entry, required=("label", "sections", "questions"))
    sections = {name: str(text) for name, text in as_mapping(entry["sections"], "sections").items()}
    if set(sections) != set(SECTIONS):
        raise EntryError(f"sections should be {', '.join(SECTIONS)}, found {', '.join(sections)}")
    questions: list[Question] = []
    for position, item in enumerate(as_list(entry["questions"], "questions"), start=1):
        try:
            questions.append(_question(item, {q.id: q for q in questions}))
        except EntryError as problem:
            raise EntryError(f"question {position}: {problem}") from None
    return QuestionGuide(code, value(entry, "label", str), MappingProxyType(sections), tuple(questions))


def _question(raw: object, earlier: Mapping[str, Question]) -> Question:
    entry = as_mapping(raw, "a question")
    check_fields(entry, required=("id", "section", "kind", "text"), optional=("effect", "when", "optional", "note"))
    question_id, section = value(entry, "id", str), value(entry, "section", str)
    if section not in SECTIONS:
        raise EntryError(f"{question_id}: section {section!r} should be one of {', '.join(SECTIONS)}")
    kind = _member(AnswerKind, value(entry, "kind", str), f"{question_id}: kind")
    effect = _member(Effect, str(entry.get("effect", "none")), f"{question_id}: effect")
    if effect in EFFECT_RULES and EFFECT_RULES[effect] != (kind, section):
        needed_kind, needed_section = EFFECT_RULES[effect]
        raise EntryError(f"{question_id}: effect {effect} needs kind {needed_kind} in section {needed_section}")
    return Question(
        id=question_id,
        section=section,
        text=value(entry, "text", str),
        kind=kind,
        effect=effect,
        when=_condition(question_id, entry.get("when"), earlier),
        optional=bool(entry.get("optional", False)),
    )


def _member(enum: type[E], found: str, what: str) -> E:
    try:
        return enum(found)
    except ValueError:
        raise EntryError(f"{what} {found!r} should be one of {', '.join(enum)}") from None


def _condition(question_id: str, raw: object, earlier: Mapping[str, Question]) -> tuple[str, str] | None:
    """`when` must name an earlier yes/no question of the same guide and the answer ja or nej."""
    if raw is None:
        return None
    entry = as_mapping(raw, f"{question_id}: when")
    check_fields(entry, required=("question", "answer"))
    parent, answer = value(entry, "question", str), value(entry, "answer", str)
    if parent not in earlier or earlier[parent].kind != AnswerKind.YES_NO:
        raise EntryError(f"{question_id}: when names {parent!r}, which is not an earlier yes/no question")
    if answer not in (YES, NO):
        raise EntryError(f"{question_id}: when answer {answer!r} should be ja or nej")
    return parent, answer


def guide_for(side: str) -> QuestionGuide:
    """The guide of a target group's side: the children's for `boern`, the adults' otherwise."""
    return question_guides()["boern" if side == "boern" else "voksne"]


def asked(questions: tuple[Question, ...], answers: Mapping[str, str]) -> tuple[Question, ...]:
    """The questions whose condition the answers so far meet (a follow-up question appears once its yes/no
    question got the answer it depends on)."""
    return tuple(q for q in questions if q.when is None or answers.get(q.when[0]) == q.when[1])


def open_questions(questions: tuple[Question, ...], answers: Mapping[str, str]) -> tuple[Question, ...]:
    """The asked, required questions without an answer: what the review still owes, and what carries over."""
    return tuple(q for q in asked(questions, answers) if not q.optional and q.id not in answers)


class AnswerProblem(ValueError):
    """An answer that is not of its question's kind; the message says, in Danish, what was expected."""


_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")


def parse_answer(kind: AnswerKind, text: str) -> str:
    """The answer in its canonical form — `ja`/`nej`, an ISO date, a decimal number with a point, or the text
    trimmed — or `AnswerProblem` with a Danish message. An empty answer is refused: to leave a question open,
    do not answer it."""
    typed = text.strip()
    if not typed:
        raise AnswerProblem("Skriv et svar, eller lad spørgsmålet stå åbent til næste gennemgang.")
    if kind == AnswerKind.YES_NO:
        if typed.lower() not in (YES, NO):
            raise AnswerProblem(f"Svar ja eller nej, ikke «{typed}».")
        return typed.lower()
    if kind == AnswerKind.DATE:
        return _parse_date(typed).isoformat()
    if kind == AnswerKind.AMOUNT:
        return str(parse_amount(typed))
    return typed


def _parse_date(typed: str) -> date:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(typed, pattern).date()
        except ValueError:
            continue
    raise AnswerProblem(f"«{typed}» er ikke en dato. Skriv datoen som dd-mm-åååå, fx 01-10-2025.")


def parse_amount(typed: str) -> Decimal:
    """Kroner typed the Danish way ("1.234,50", "1234,5", "1.234", "12.000 kr.") or with a decimal point
    ("1234.50"); never negative."""
    text = typed.replace("\xa0", "").replace(" ", "").removesuffix("kr.").removesuffix("kr")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS.fullmatch(text):
        text = text.replace(".", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise AnswerProblem(f"«{typed}» er ikke et beløb. Skriv kroner med tal, fx 1.234,50.") from None
    if not amount.is_finite():
        raise AnswerProblem(f"«{typed}» er ikke et beløb. Skriv kroner med tal, fx 1.234,50.")
    if amount < 0:
        raise AnswerProblem("Beløbet kan ikke være negativt.")
    return amount.quantize(Decimal("0.01"))
