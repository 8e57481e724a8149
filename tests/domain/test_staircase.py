"""The staircase models: their steps in order, with the Danish names the UI shows."""

from __future__ import annotations

import pytest

from dispo.domain.datafile import DataFileError
from dispo.domain.staircase import Step, parse_staircases, staircase_models


def test_there_are_four_models_two_for_adults_and_two_for_children() -> None:
    assert set(staircase_models()) == {"voksen_handicap", "psykiatri", "boern", "boern_handicap"}


def test_the_adult_staircase_climbs_from_general_prevention_to_long_term_residential_care() -> None:
    steps = staircase_models()["voksen_handicap"].steps
    assert [step.number for step in steps] == [1, 2, 3, 4, 5]
    assert steps[0] == Step(1, "Generelle forebyggende tiltag")
    assert steps[3].name == "Midlertidige botilbud"
    assert steps[4].name == "Varige eller længerevarende botilbud"


def test_psychiatry_uses_the_adult_steps() -> None:
    assert staircase_models()["psykiatri"].steps == staircase_models()["voksen_handicap"].steps


def test_the_childrens_staircases_have_the_common_six_steps_ending_in_an_institution() -> None:
    for name in ("boern", "boern_handicap"):
        steps = staircase_models()[name].steps
        assert len(steps) == 6
        assert steps[3].name == "Anbringelse i netværk"
        assert steps[5].name == "Anbringelse på institution"


def test_every_model_has_a_danish_label() -> None:
    assert staircase_models()["boern_handicap"].label == "Børn med handicap"


def test_steps_with_a_gap_are_refused() -> None:
    document = {"models": {"x": {"label": "X", "steps": [{"number": 1, "name": "a"}, {"number": 3, "name": "b"}]}}}
    with pytest.raises(DataFileError, match=r"model x: steps must be numbered 1\.\.2"):
        parse_staircases(document)


def test_an_unknown_field_in_a_step_is_refused() -> None:
    document = {"models": {"x": {"label": "X", "steps": [{"number": 1, "name": "a", "colour": "red"}]}}}
    with pytest.raises(DataFileError, match="unknown field"):
        parse_staircases(document)
