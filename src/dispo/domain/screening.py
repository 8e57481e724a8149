"""The screening of expensive single cases: its questions, their answers, the cost brackets and the hypotheses.

The seed's study had 49 municipalities answer the same questions about every citizen costing over 2 mio. kr. a
year, and then compared the answers. dispo keeps the questions as a versioned set: version 1 ships in
`data/screening_questions.yaml`; an administrator's additions make later versions (stored by the store), and a
registration keeps the version it was answered in. Every answer reduces to *codes* — a choice's code, each code
of a multiple choice, the band of a number — which is what an aggregate counts; text answers have no codes and
therefore never leave the municipality.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal, cast

from dispo.domain.datafile import (
    EntryError,
    Problems,
    as_list,
    as_mapping,
    check_fields,
    list_section,
    number,
    optional_value,
    read_yaml,
    value,
)

QUESTIONS_FILE = "screening_questions.yaml"
HYPOTHESES_FILE = "screening_hypotheses.yaml"
Kind = Literal["choice", "multi", "yes_no", "number", "text"]
KINDS: tuple[Kind, ...] = ("choice", "multi", "yes_no", "number", "text")
KIND_LABELS = {
    "choice": "Ét svar",
    "multi": "Flere svar",
    "yes_no": "Ja / nej / ved ikke",
    "number": "Tal",
    "text": "Fritekst",
}
YES_NO = {"ja": "Ja", "nej": "Nej", "ved_ikke": "Ved ikke"}
PREFILLS = (
    "sex",
    "age",
    "cost_bracket",
    "provider_type",
    "paragraph",
    "long_term_residential",
    "acting_obligation",
)
"""The ledger facts a registration is pre-filled with (services.screening reads them from the ledger)."""
LONG_TERM_RESIDENTIAL = ("SEL108", "ABL105")
"""Long-term residential care: serviceloven § 108 and almenboligloven § 105 (with § 85 support), DESIGN.md §4."""
RESIDENTIAL = ("SEL107", *LONG_TERM_RESIDENTIAL)
"""Residential care (botilbud) as the study counts it per 1,000 inhabitants: temporary (§ 107) and long-term."""
EXPENSIVE_FROM = 2_000_000.0
"""The study's criterion: a yearly expense over 2 mio. kr."""
COST_BRACKETS: tuple[tuple[str, float], ...] = (
    ("2,0-2,5", 2_000_000.0),
    ("2,5-3,0", 2_500_000.0),
    ("3,0-3,5", 3_000_000.0),
    ("3,5-4,0", 3_500_000.0),
    ("4-6", 4_000_000.0),
    ("6-10", 6_000_000.0),
    ("over_10", 10_000_000.0),
)
"""The registration sheet's brackets by code and lower limit; a bracket holds its upper limit (4,0 mio. is 3,5-4,0)."""
_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_,.+-]{0,29}$")


def cost_bracket(amount: float) -> str | None:
    """The bracket of a yearly expense, or None at or below 2 mio. kr. (not an expensive case)."""
    found = None
    for code, lower in COST_BRACKETS:
        if amount > lower:
            found = code
    return found


@dataclass(frozen=True, slots=True)
class Band:
    code: str
    low: int
    high: int | None


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    section: str
    text: str
    kind: Kind
    choices: tuple[tuple[str, str], ...] = ()
    bands: tuple[Band, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    prefill: str | None = None

    def options(self) -> tuple[tuple[str, str], ...]:
        """The answer options a user picks from (yes/no questions have the fixed three)."""
        return tuple(YES_NO.items()) if self.kind == "yes_no" else self.choices

    def codes(self) -> tuple[str, ...]:
        """The codes an aggregate counts for this question (none for text)."""
        if self.kind == "number":
            return tuple(b.code for b in self.bands)
        return tuple(code for code, _ in self.options())

    def label(self, code: str) -> str:
        return dict(self.options()).get(code, code)

    def problem(self, raw: object) -> str | None:
        """What is wrong with `raw` as an answer, in Danish, or None when it is a valid answer."""
        if raw is None or raw == "" or raw == []:
            return None
        if self.kind == "text":
            return None if isinstance(raw, str) and len(raw) <= 2000 else "skal være en tekst på højst 2000 tegn"
        if self.kind == "number":
            return self._number_problem(raw)
        allowed = ", ".join(code for code, _ in self.options())
        picked = raw if self.kind == "multi" and isinstance(raw, list) else [raw]
        codes = dict(self.options())
        wrong = [code for code in picked if not isinstance(code, str) or code not in codes]
        if wrong:
            shown = ", ".join(", ".join(map(str, c)) if isinstance(c, list) else str(c) for c in wrong)
            return f"{shown} er ikke et af svarene; forventet et af {allowed}"
        return None

    def _number_problem(self, raw: object) -> str | None:
        if not isinstance(raw, int) or isinstance(raw, bool):
            return f"{raw!r} er ikke et helt tal"
        if (self.minimum is not None and raw < self.minimum) or (self.maximum is not None and raw > self.maximum):
            return f"{raw} ligger uden for {self.minimum}-{self.maximum}"
        return None

    def answer_codes(self, raw: object) -> tuple[str, ...]:
        """The codes a valid answer counts under: none for no answer or a text."""
        if raw is None or raw == "" or raw == [] or self.kind == "text":
            return ()
        if self.kind == "multi":
            return tuple(str(code) for code in cast(list[object], raw))
        if self.kind == "number":
            amount = cast(int, raw)
            return tuple(b.code for b in self.bands if b.low <= amount and (b.high is None or amount <= b.high))
        return (str(raw),)


@dataclass(frozen=True, slots=True)
class QuestionSet:
    version: int
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)

    def ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)

    def problems(self, answers: Mapping[str, object]) -> list[str]:
        """Every problem of a set of answers, one Danish line each naming the question and the value."""
        known = {q.id: q for q in self.questions}
        found = [f"{key}: ukendt spørgsmål i version {self.version}" for key in answers if key not in known]
        for question_id, raw in answers.items():
            if question_id in known and (problem := known[question_id].problem(raw)):
                found.append(f"{known[question_id].text} ({question_id}): {problem}")
        return found

    def extended(self, question: Question) -> QuestionSet:
        """The next version: these questions and `question` last."""
        if question.id in self.ids():
            raise EntryError(f"der findes allerede et spørgsmål med id {question.id!r}")
        return QuestionSet(self.version + 1, (*self.questions, question))


@dataclass(frozen=True, slots=True)
class Hypothesis:
    number: int
    title: str
    question: str
    answers: tuple[str, ...]
    figure: str
    supports_from: float
    seed: str


@cache
def first_question_set() -> QuestionSet:
    """Version 1, as shipped."""
    return parse_question_set(read_yaml(QUESTIONS_FILE), QUESTIONS_FILE)


def parse_question_set(document: object, file: str = QUESTIONS_FILE) -> QuestionSet:
    """A question set from its document ({version, questions: [...]}); `DataFileError` lists every problem."""
    problems = Problems(file)
    version = problems.collect("version", value, as_mapping(document, "the file"), "version", int)
    questions: list[Question] = []
    for n, raw in enumerate(problems.collect("questions", list_section, document, "questions") or [], start=1):
        question = problems.collect(f"question {n}", parse_question, raw)
        if question is not None and question.id in {q.id for q in questions}:
            problems.add(f"question {n}", f"id {question.id!r} is used twice")
        elif question is not None:
            questions.append(question)
    problems.raise_if_any()
    return QuestionSet(cast(int, version), tuple(questions))


def parse_question(raw: object) -> Question:
    """One question from its mapping; `EntryError` says the first thing wrong with it."""
    entry = as_mapping(raw, "a question")
    check_fields(
        entry, required=("id", "section", "text", "kind"), optional=("choices", "bands", "min", "max", "prefill")
    )
    question_id, kind = value(entry, "id", str), value(entry, "kind", str)
    if not _ID.match(question_id):
        raise EntryError(f"id {question_id!r} should be lowercase letters, digits and _ (at most 40)")
    if kind not in KINDS:
        raise EntryError(f"kind {kind!r} should be one of {', '.join(KINDS)}")
    prefill = optional_value(entry, "prefill", str)
    if prefill is not None and prefill not in PREFILLS:
        raise EntryError(f"prefill {prefill!r} should be one of {', '.join(PREFILLS)}")
    question = Question(
        id=question_id,
        section=value(entry, "section", str),
        text=value(entry, "text", str),
        kind=kind,
        choices=_choices(entry.get("choices"), kind),
        bands=_bands(entry.get("bands"), kind),
        minimum=optional_value(entry, "min", int),
        maximum=optional_value(entry, "max", int),
        prefill=prefill,
    )
    if prefill == "cost_bracket" and question.codes() != tuple(code for code, _ in COST_BRACKETS):
        raise EntryError(f"a cost bracket question's choices should be {', '.join(c for c, _ in COST_BRACKETS)}")
    return question


def _choices(raw: object, kind: str) -> tuple[tuple[str, str], ...]:
    if kind not in ("choice", "multi"):
        if raw is not None:
            raise EntryError(f"a {kind} question has no choices")
        return ()
    pairs = raw if isinstance(raw, list) and all(isinstance(p, list) and len(p) == 2 for p in raw) else None
    choices = as_mapping({str(p[0]): p[1] for p in pairs} if pairs is not None else raw, "choices")
    if len(choices) < 2:
        raise EntryError("choices should name at least two options")
    for code, label in choices.items():
        if not _CODE.match(code) or not isinstance(label, str):
            raise EntryError(f"choice {code!r}: a code of letters, digits and _,.+- with a text label")
    return tuple((code, cast(str, label)) for code, label in choices.items())


def _bands(raw: object, kind: str) -> tuple[Band, ...]:
    if kind != "number":
        if raw is not None:
            raise EntryError(f"a {kind} question has no bands")
        return ()
    bands = []
    for item in as_list(raw, "bands"):
        band = as_mapping(item, "a band")
        check_fields(band, required=("code", "from"), optional=("to",))
        bands.append(Band(value(band, "code", str), value(band, "from", int), optional_value(band, "to", int)))
    if not bands:
        raise EntryError("a number question needs bands, the groups its aggregate counts")
    return tuple(bands)


def question_document(question_set: QuestionSet) -> dict[str, object]:
    """The set as a document `parse_question_set` reads back (for storing a version). Choices are written as
    [code, label] pairs: PostgreSQL's jsonb does not keep the order of an object's keys."""
    return {"version": question_set.version, "questions": [_question_entry(q) for q in question_set.questions]}


def _question_entry(question: Question) -> dict[str, object]:
    entry: dict[str, object] = {"id": question.id, "section": question.section, "text": question.text}
    entry["kind"] = question.kind
    if question.choices:
        entry["choices"] = [[code, label] for code, label in question.choices]  # a JSON object may lose the order
    if question.bands:
        entry["bands"] = [
            {"code": b.code, "from": b.low, **({"to": b.high} if b.high is not None else {})} for b in question.bands
        ]
    entry |= {k: v for k, v in (("min", question.minimum), ("max", question.maximum)) if v is not None}
    if question.prefill:
        entry["prefill"] = question.prefill
    return entry


@cache
def hypotheses() -> tuple[Hypothesis, ...]:
    """The ten hypotheses, checked against question set version 1."""
    return parse_hypotheses(read_yaml(HYPOTHESES_FILE), first_question_set())


def parse_hypotheses(document: object, question_set: QuestionSet) -> tuple[Hypothesis, ...]:
    problems = Problems(HYPOTHESES_FILE)
    found = []
    for n, raw in enumerate(problems.collect("hypotheses", list_section, document, "hypotheses") or [], start=1):
        hypothesis = problems.collect(f"hypothesis {n}", _hypothesis, raw, question_set)
        if hypothesis is not None:
            found.append(hypothesis)
    problems.raise_if_any()
    return tuple(found)


def _hypothesis(raw: object, question_set: QuestionSet) -> Hypothesis:
    entry = as_mapping(raw, "a hypothesis")
    fields = ("number", "title", "question", "answers", "figure", "supports_from", "seed")
    check_fields(entry, required=fields)
    question_id = value(entry, "question", str)
    if question_id not in question_set.ids():
        raise EntryError(f"question {question_id!r} is not in question set version {question_set.version}")
    question = question_set.question(question_id)
    if question.kind in ("multi", "text"):
        raise EntryError(f"question {question_id!r} is a {question.kind} question: a figure needs one answer each")
    answers = tuple(str(a) for a in as_list(entry.get("answers"), "answers"))
    if not answers or not set(answers) <= set(question.codes()):
        raise EntryError(f"answers {list(answers)} should be codes of {question_id}: {', '.join(question.codes())}")
    share = number(entry.get("supports_from"), "'supports_from'")
    if not 0 < share < 1:
        raise EntryError(f"'supports_from' should be a share between 0 and 1, found {share}")
    return Hypothesis(
        value(entry, "number", int),
        value(entry, "title", str),
        question_id,
        answers,
        value(entry, "figure", str),
        share,
        value(entry, "seed", str),
    )


def question_catalogue(question_set: QuestionSet) -> Sequence[tuple[str, str, str]]:
    """(question, kind, code) for every code an aggregate of this set counts, in the set's order."""
    return [(q.id, q.kind, code) for q in question_set.questions for code in q.codes()]
