"""A synthetic consortium: screenings drawn for a handful of municipalities and written as their aggregate files.

Everything is invented and says so: the answers are drawn (with a fixed seed) from shares near the seed study's
findings (two thirds aged 18-35, about 80 % in long-term residential care, 29 % private, knapt 20 % with a
sentence, …), the inhabitants aged 18-66 are round stand-ins, and the files go through the same counting and
suppression as a real export, so the consortium pages, the demo and the tests read what a coordinator would get.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from dispo.domain.screening import QuestionSet, first_question_set
from dispo.services.screening.aggregate import answer_rows, build_aggregate, to_csv

CONSORTIUM = {
    "461": 135_000,
    "561": 72_000,
    "479": 34_000,
    "157": 44_000,
    "153": 23_000,
    "219": 33_000,
    "265": 58_000,
    "330": 49_000,
    "860": 38_000,
    "661": 37_000,
}
"""Municipality code → inhabitants aged 18-66 (round synthetic stand-ins of the right size)."""
WEIGHTS: Mapping[str, Mapping[str, float]] = {
    "sex": {"K": 0.35, "M": 0.65},
    "cost_development": {"steget_meget": 15, "steget": 45, "uaendret": 30, "faldet": 5, "ved_ikke": 5},
    "cost_bracket": {"2,0-2,5": 38, "2,5-3,0": 22, "3,0-3,5": 13, "3,5-4,0": 9, "4-6": 12, "6-10": 5, "over_10": 1},
    "target_group": {
        "udviklingshaemning": 30,
        "autisme_udviklingshaemning": 23,
        "autisme": 15,
        "sindslidelse": 11,
        "hjerneskade": 8,
        "fysisk_handicap": 4,
        "misbrug": 3,
        "andet": 6,
    },
    "known_before_18": {"ja": 82, "nej": 14, "ved_ikke": 4},
    "behaviour_decisive": {"ja": 82, "nej": 15, "ved_ikke": 3},
    "use_of_force": {"ja": 30, "nej": 62, "ved_ikke": 8},
    "criminal_behaviour": {"ja": 20, "nej": 75, "ved_ikke": 5},
    "provider_type": {"privat": 29, "egen_kommune": 25, "anden_kommune": 18, "region": 28},
    "paragraph": {"SEL108": 72, "ABL105": 8, "SEL107": 10, "SEL85": 5, "andet": 5},
    "long_term_residential": {"ja": 80, "nej": 20},
    "supplementary_rate": {"ja": 47, "nej": 45, "ved_ikke": 8},
    "places_in_offer": {"1": 8, "2-3": 12, "4-7": 15, "8_plus": 62, "ved_ikke": 3},
    "offers_5_years": {"1": 58, "2": 30, "3-4": 9, "5_plus": 2, "ved_ikke": 1},
    "only_possible": {"ja": 52, "nej": 15, "ved_ikke": 33},
    "court_sentence": {"ja": 19, "nej": 78, "ved_ikke": 3},
    "sentence_kind": {"behandlingsdom": 40, "anbringelsesdom": 20, "foranstaltningsdom": 30, "andet": 10},
    "appeals_board": {"ja": 10, "nej": 85, "ved_ikke": 5},
    "appeals_effect": {"oeget": 17, "ingen": 60, "reduceret": 5, "ved_ikke": 18},
    "acting_obligation": {"ja": 98, "nej": 2},
    "relatives": {"godt_involveret": 54, "vanskeligt": 11, "ikke_involveret": 25, "ved_ikke": 10},
    "politicians": {"ja": 11, "nej": 85, "ved_ikke": 4},
    "treatment_psychiatry": {"ja": 32, "delvist": 12, "nej": 14, "ved_ikke": 42},
    "special_places": {"afproevet": 1, "ansoegt_afslag": 1, "nej": 80, "ved_ikke": 18},
    "viso": {"ja": 20, "nej": 70, "ved_ikke": 10},
    "welfare_technology": {"ja": 36, "nej": 50, "ved_ikke": 14},
    "temporary_staff": {"ja_meget": 5, "ja_lidt": 5, "nej": 30, "ved_ikke": 60},
    "room_for_action": {"ja": 40, "nej": 40, "ved_ikke": 20},
    "day_offer": {"ja": 60, "nej": 35, "ved_ikke": 5},
}
PICKED: Mapping[str, Mapping[str, float]] = {
    "known_how": {"anbringelse": 0.34, "stoette_foraeldre": 0.11, "aflastning": 0.2, "specialundervisning": 0.3},
    "behaviour_kind": {"udadreagerende": 0.7, "selvskadende": 0.3, "seksuel": 0.1, "kriminel": 0.12, "andet": 0.2},
}
"""Multiple choices: the chance of each option being picked."""
ONLY_IF = {
    "known_how": ("known_before_18", "ja"),
    "behaviour_kind": ("behaviour_decisive", "ja"),
    "sentence_kind": ("court_sentence", "ja"),
    "appeals_effect": ("appeals_board", "ja"),
}
"""Follow-up questions answered only after the answer that opens them."""
AGE_BANDS = ((18, 25, 33), (26, 35, 34), (36, 45, 12), (46, 55, 9), (56, 66, 10), (67, 80, 2))
SKIPPED = 0.03
"""The chance that a question is left unanswered."""


def _pick(rng: np.random.Generator, weights: Mapping[str, float]) -> str:
    codes = list(weights)
    chances = np.array([weights[c] for c in codes], dtype=float)
    return str(codes[int(rng.choice(len(codes), p=chances / chances.sum()))])


def draw_answers(rng: np.random.Generator, questions: QuestionSet) -> dict[str, Any]:
    """One synthetic registration's answers (the notes left empty)."""
    answers: dict[str, Any] = {}
    for question in questions.questions:
        opener = ONLY_IF.get(question.id)
        if (opener and answers.get(opener[0]) != opener[1]) or rng.random() < SKIPPED:
            continue
        if question.id == "age":
            low, high, _ = AGE_BANDS[int(rng.choice(len(AGE_BANDS), p=_shares([w for *_, w in AGE_BANDS])))]
            answers["age"] = int(rng.integers(low, high + 1))
        elif question.id in PICKED:
            answers[question.id] = [code for code, p in PICKED[question.id].items() if rng.random() < p]
        elif question.id in WEIGHTS:
            answers[question.id] = _pick(rng, WEIGHTS[question.id])
    return answers


def _shares(weights: list[float]) -> list[float]:
    total = sum(weights)
    return [w / total for w in weights]


def consortium_files(year: int, seed: int = 1, members: Mapping[str, int] = CONSORTIUM) -> dict[str, str]:
    """File name → the aggregate file of each member, drawn with `seed`: about 0.51 expensive cases and 8.16
    citizens in residential care per 1,000 inhabitants aged 18-66, as the study found on average."""
    rng = np.random.default_rng(seed)
    questions = first_question_set()
    files = {}
    for code, people in members.items():
        screened = max(5, int(rng.poisson(0.51 * people / 1000 * rng.uniform(0.6, 1.4))))
        residential = int(rng.poisson(8.16 * people / 1000))
        answers = answer_rows(((str(n), draw_answers(rng, questions)) for n in range(screened)), questions)
        aggregate = build_aggregate(code, year, questions, answers, screened, people, residential)
        files[f"screening-{code}-{year}.csv"] = to_csv(aggregate)
    return files
