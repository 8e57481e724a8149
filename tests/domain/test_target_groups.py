"""The target groups: the codes of the canonical CSV, their Danish labels, side and staircase model."""

from __future__ import annotations

import pytest

from dispo.domain.datafile import DataFileError
from dispo.domain.staircase import staircase_models
from dispo.domain.target_groups import parse_target_groups, target_groups


def test_the_target_groups_are_the_codes_of_the_canonical_grants_file() -> None:
    assert list(target_groups()) == ["handicap", "psykiatri", "misbrug", "hjemloese", "boern", "boern_handicap"]


def test_each_target_group_has_the_danish_label_of_its_area() -> None:
    labels = {code: group.label for code, group in target_groups().items()}
    assert labels == {
        "handicap": "Voksenhandicap",
        "psykiatri": "Socialpsykiatri",
        "misbrug": "Misbrug",
        "hjemloese": "Hjemløse",
        "boern": "Børn og unge",
        "boern_handicap": "Børn med handicap",
    }


def test_adults_and_children_are_on_staircases_of_their_own_side() -> None:
    for group in target_groups().values():
        assert group.staircase_model in staircase_models()
        assert group.group == ("boern" if group.code.startswith("boern") else "voksne")
    assert target_groups()["handicap"].staircase_model == "voksen_handicap"
    assert target_groups()["boern_handicap"].staircase_model == "boern_handicap"


def test_an_unknown_staircase_model_is_refused() -> None:
    document = {"target_groups": {"x": {"label": "X", "group": "voksne", "staircase_model": "aeldre"}}}
    with pytest.raises(DataFileError, match="unknown staircase model 'aeldre'"):
        parse_target_groups(document)


def test_a_group_other_than_voksne_or_boern_is_refused() -> None:
    document = {"target_groups": {"x": {"label": "X", "group": "aeldre", "staircase_model": "psykiatri"}}}
    with pytest.raises(DataFileError, match="should be one of voksne, boern"):
        parse_target_groups(document)
