"""The screening's question set, cost brackets, hypotheses and the municipalities with their regions."""

from __future__ import annotations

import pytest

from dispo.domain.datafile import DataFileError
from dispo.domain.municipalities import UnknownMunicipality, municipalities, municipality, parse_municipalities
from dispo.domain.screening import (
    COST_BRACKETS,
    PREFILLS,
    cost_bracket,
    first_question_set,
    hypotheses,
    parse_hypotheses,
    parse_question_set,
    question_document,
)


def test_version_one_has_the_registration_sheet_and_the_studys_topics() -> None:
    questions = first_question_set()
    assert questions.version == 1
    assert questions.ids()[:4] == ("sex", "age", "cost_bracket", "cost_development")
    for topic in ("court_sentence", "appeals_board", "viso", "welfare_technology", "temporary_staff", "special_places"):
        assert topic in questions.ids()
    assert {q.prefill for q in questions.questions if q.prefill} == set(PREFILLS)


def test_a_stored_version_reads_back_as_the_same_set() -> None:
    questions = first_question_set()
    assert parse_question_set(question_document(questions)) == questions


def test_answers_reduce_to_the_codes_an_aggregate_counts() -> None:
    questions = first_question_set()
    assert questions.question("age").answer_codes(35) == ("26-35",)
    assert questions.question("age").answer_codes(67) == ("67+",)
    assert questions.question("known_how").answer_codes(["anbringelse", "andet"]) == ("anbringelse", "andet")
    assert questions.question("notes").answer_codes("Bor på Egely") == ()
    assert questions.question("court_sentence").codes() == ("ja", "nej", "ved_ikke")


def test_every_wrong_answer_is_named_with_its_question() -> None:
    problems = first_question_set().problems(
        {"sex": "X", "age": 17, "known_how": ["foo"], "court_sentence": ["ja"], "zz": 1}
    )
    assert problems == [
        "zz: ukendt spørgsmål i version 1",
        "Køn (sex): X er ikke et af svarene; forventet et af K, M",
        "Alder (age): 17 ligger uden for 18-120",
        "Hvis kendt før 18 år, hvordan? (known_how): foo er ikke et af svarene; forventet et af anbringelse, "
        "stoette_foraeldre, aflastning, specialundervisning, andet",
        "Har borgeren en dom? (court_sentence): ja er ikke et af svarene; forventet et af ja, nej, ved_ikke",
    ]


def test_a_cost_bracket_holds_its_upper_limit_and_two_million_is_not_expensive() -> None:
    # 2,000,000 is not over 2 mio.; 2,500,000 is still 2,0-2,5; 4,000,000 is 3,5-4,0 (the sheet's "4-6" starts above)
    assert [cost_bracket(a) for a in (2_000_000, 2_000_001, 2_500_000, 4_000_000, 4_000_001, 10_000_001)] == [
        None,
        "2,0-2,5",
        "2,0-2,5",
        "3,5-4,0",
        "4-6",
        "over_10",
    ]
    assert len(COST_BRACKETS) == 7


def test_a_question_set_with_problems_lists_them_all() -> None:
    document = {
        "version": 1,
        "questions": [
            {"id": "Bad", "section": "A", "text": "?", "kind": "choice", "choices": {"a": "A", "b": "B"}},
            {"id": "ok", "section": "A", "text": "?", "kind": "slider"},
            {"id": "n", "section": "A", "text": "?", "kind": "number"},
            {"id": "c", "section": "A", "text": "?", "kind": "choice", "choices": {"a": "A"}},
        ],
    }
    with pytest.raises(DataFileError) as error:
        parse_question_set(document)
    assert len(error.value.problems) == 4


def test_the_ten_hypotheses_name_questions_and_answers_of_version_one() -> None:
    found = hypotheses()
    assert [h.number for h in found] == list(range(1, 11))
    assert found[0].title == "Det skyldes de private"
    assert found[0].answers == ("privat",)
    with pytest.raises(DataFileError, match="notes"):
        parse_hypotheses(
            {
                "hypotheses": [
                    {
                        "number": 1,
                        "title": "t",
                        "question": "notes",
                        "answers": ["x"],
                        "figure": "f",
                        "supports_from": 0.5,
                        "seed": "s",
                    }
                ]
            },
            first_question_set(),
        )


def test_the_98_municipalities_are_in_five_regions() -> None:
    real = [m for m in municipalities().values() if not m.synthetic]
    assert len(real) == 98
    assert {m.region_name for m in real} == {
        "Region Nordjylland",
        "Region Midtjylland",
        "Region Syddanmark",
        "Region Hovedstaden",
        "Region Sjælland",
    }
    assert sum(m.region == "1083" for m in real) == 22
    assert municipality("461").name == "Odense"
    assert municipality("461").region_name == "Region Syddanmark"
    with pytest.raises(UnknownMunicipality):
        municipality("411")


def test_a_municipality_in_an_unknown_region_is_refused() -> None:
    document = {
        "regions": {"1081": "Region Nordjylland"},
        "municipalities": {"101": {"name": "København", "region": "1084", "socio_economic_index": 1.1}},
    }
    with pytest.raises(DataFileError, match="region '1084' should be one of 1081"):
        parse_municipalities(document)
