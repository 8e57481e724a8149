"""The seed's question guides as data, their conditions, and answers typed the Danish way."""

from __future__ import annotations

import pytest

from dispo.domain.datafile import DataFileError
from dispo.domain.question_guides import (
    AnswerKind,
    AnswerProblem,
    Effect,
    Reason,
    asked,
    guide_for,
    open_questions,
    parse_answer,
    parse_question_guides,
    question_guides,
)


def test_there_is_a_guide_for_adults_and_one_for_children() -> None:
    guides = question_guides()
    assert set(guides) == {"voksne", "boern"}
    assert guide_for("boern").label == "Spørgeguide for børn og unge"
    assert guide_for("voksne") is guides["voksne"]


def test_the_childrens_guide_asks_the_seeds_children_questions() -> None:
    texts = [q.text for q in guide_for("boern").for_reason(Reason.EXPECTED)]
    assert "Ved barnepige til ældre børn – vurderes det fortsat relevant?" in texts
    assert "Unge på vej til 18 år – refusionssag?" in texts
    assert "Aflastning – indeholder den kørsel?" in texts
    assert "Passer forventet opstartsdato fortsat?" in texts
    assert "Er der planer om familierådslagning?" in texts  # the general section is asked of every case


def test_the_adults_guide_asks_about_own_payment_and_respirator_schemes() -> None:
    new = {q.id: q for q in guide_for("voksne").for_reason(Reason.NEW)}
    assert new["v-ny-egenbetaling"].effect == Effect.NEW_GRANT_OWN_PAYMENT
    assert new["v-ny-fra"].kind == AnswerKind.DATE
    assert "v-gen-respirator" in new
    assert not any(q.section == "stopper" for q in new.values())


def test_follow_up_questions_appear_with_the_answer_they_depend_on() -> None:
    stopping = guide_for("voksne").for_reason(Reason.STOPPING)
    before = [q.id for q in asked(stopping, {})]
    assert "v-stop-til" not in before
    assert "v-stop-til" in [q.id for q in asked(stopping, {"v-stop-forlaenges": "ja"})]
    after_no = [q.id for q in asked(stopping, {"v-stop-forlaenges": "nej", "v-stop-helt": "ja"})]
    assert {"v-stop-helt", "v-stop-kontrakter", "v-stop-efterudgifter"} <= set(after_no)
    assert "v-stop-til" not in after_no


def test_open_questions_are_the_asked_required_ones_without_an_answer() -> None:
    stopping = guide_for("voksne").for_reason(Reason.STOPPING)
    assert [q.id for q in open_questions(stopping, {})] == ["v-stop-forlaenges"]
    assert [q.id for q in open_questions(stopping, {"v-stop-forlaenges": "ja"})] == ["v-stop-til"]
    assert open_questions(stopping, {"v-stop-forlaenges": "ja", "v-stop-til": "2025-12-31"}) == ()


@pytest.mark.parametrize(
    ("kind", "typed", "canonical"),
    [
        (AnswerKind.YES_NO, " Ja ", "ja"),
        (AnswerKind.YES_NO, "nej", "nej"),
        (AnswerKind.DATE, "01-10-2025", "2025-10-01"),
        (AnswerKind.DATE, "2025-10-01", "2025-10-01"),
        (AnswerKind.DATE, "1.10.2025", "2025-10-01"),
        (AnswerKind.AMOUNT, "1.234,50", "1234.50"),
        (AnswerKind.AMOUNT, "1234,5", "1234.50"),
        (AnswerKind.AMOUNT, "300.000", "300000.00"),
        (AnswerKind.AMOUNT, "12.000 kr.", "12000.00"),
        (AnswerKind.AMOUNT, "1234.50", "1234.50"),
        (AnswerKind.TEXT, "  eksternt ", "eksternt"),
    ],
)
def test_answers_typed_the_danish_way_are_read(kind: AnswerKind, typed: str, canonical: str) -> None:
    assert parse_answer(kind, typed) == canonical


@pytest.mark.parametrize(
    ("kind", "typed", "message"),
    [
        (AnswerKind.YES_NO, "måske", "Svar ja eller nej, ikke «måske»."),
        (AnswerKind.DATE, "31-02-2025", "«31-02-2025» er ikke en dato. Skriv datoen som dd-mm-åååå, fx 01-10-2025."),
        (AnswerKind.DATE, "i morgen", "«i morgen» er ikke en dato. Skriv datoen som dd-mm-åååå, fx 01-10-2025."),
        (AnswerKind.AMOUNT, "12a", "«12a» er ikke et beløb. Skriv kroner med tal, fx 1.234,50."),
        (AnswerKind.AMOUNT, "NaN", "«NaN» er ikke et beløb. Skriv kroner med tal, fx 1.234,50."),
        (AnswerKind.AMOUNT, "-5", "Beløbet kan ikke være negativt."),
        (AnswerKind.TEXT, "  ", "Skriv et svar, eller lad spørgsmålet stå åbent til næste gennemgang."),
    ],
)
def test_an_answer_of_the_wrong_kind_is_refused_with_what_was_expected(
    kind: AnswerKind, typed: str, message: str
) -> None:
    with pytest.raises(AnswerProblem) as refused:
        parse_answer(kind, typed)
    assert str(refused.value) == message


def _document(*questions: dict[str, object]) -> dict[str, object]:
    sections = {"ny": "Ny", "eksisterende": "Eksisterende", "stopper": "Stopper", "generelt": "Generelt"}
    guide = {"label": "X", "sections": sections, "questions": list(questions)}
    return {"guides": {"voksne": guide, "boern": {**guide, "questions": []}}}


def test_an_effect_on_the_wrong_kind_of_answer_is_refused() -> None:
    question = {"id": "x", "section": "ny", "kind": "text", "text": "Fra hvornår?", "effect": "new_grant_start"}
    with pytest.raises(DataFileError, match="x: effect new_grant_start needs kind date in section ny"):
        parse_question_guides(_document(question))


def test_a_condition_must_name_an_earlier_yes_no_question() -> None:
    later = {"id": "b", "section": "ny", "kind": "text", "text": "?", "when": {"question": "a", "answer": "ja"}}
    first = {"id": "a", "section": "ny", "kind": "yes_no", "text": "?"}
    with pytest.raises(DataFileError, match="b: when names 'a', which is not an earlier yes/no question"):
        parse_question_guides(_document(later, first))
    assert parse_question_guides(_document(first, later))["voksne"].question("b").when == ("a", "ja")


def test_a_question_id_used_twice_is_refused() -> None:
    twice = {"id": "a", "section": "ny", "kind": "yes_no", "text": "?"}
    document = _document(twice)
    document["guides"]["boern"]["questions"] = [twice]  # type: ignore[index]
    with pytest.raises(DataFileError, match="question id 'a' is used twice"):
        parse_question_guides(document)
