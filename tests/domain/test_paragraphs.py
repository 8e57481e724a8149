"""The paragraph catalogue: the facts each legal basis carries, and how a bad catalogue file is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dispo.domain.datafile import DataFileError
from dispo.domain.paragraphs import (
    UnknownParagraph,
    catalogue,
    categories,
    label,
    paragraph,
    parse_catalogue,
)
from dispo.domain.staircase import staircase_models

# The adults' categories and default steps that the synthetic data is generated with (agreed across the team).
ADULT_LAYOUT = {
    "Tidlig forebyggende": (1, ["SEL82a", "SEL82b", "SEL82c", "SEL82d"]),
    "Forebyggende indsatser": (2, ["SEL103", "SEL104"]),
    "Individuelle/gruppebaserede indsatser": (
        3,
        ["SEL83", "SEL83a", "SEL84", "SEL85", "SEL95", "SEL96", "SEL97", "SEL99", "SEL100", "SEL102"],
    ),
    "Midlertidige botilbud": (4, ["SEL107", "SEL109", "SEL110"]),
    "Varige eller længerevarende botilbud": (5, ["SEL108", "ABL105"]),
}


@pytest.mark.parametrize(("category", "step", "codes"), [(c, s, codes) for c, (s, codes) in ADULT_LAYOUT.items()])
def test_adult_paragraphs_sit_in_their_follow_up_category_and_staircase_step(
    category: str, step: int, codes: list[str]
) -> None:
    for code in codes:
        found = paragraph(code)
        assert (found.group, found.category) == ("voksne", category), code
        assert found.steps["voksen_handicap"] == step, code
        assert found.steps["psykiatri"] == step, code


def test_substance_abuse_treatment_has_its_own_category_and_no_disability_step() -> None:
    for code in ("SEL101", "SEL101a", "SUL141"):
        found = paragraph(code)
        assert found.category == "Misbrugsbehandling"
        assert found.steps["voksen_handicap"] is None


def test_categories_come_in_the_order_of_the_follow_up_table_adults_first() -> None:
    assert categories()[:6] == [*ADULT_LAYOUT, "Misbrugsbehandling"]
    assert set(categories()) == {p.category for p in catalogue().values()}


def test_a_label_names_the_law_the_section_and_the_danish_title() -> None:
    assert label("SEL108") == "SEL § 108 Længerevarende botilbud"
    assert label("SEL82b") == "SEL § 82 b Individuel tidsbegrænset socialpædagogisk støtte"
    assert label("ABL105").startswith("ABL § 105 Botilbudslignende")
    assert label("BL32") == "BL § 32 Støttende indsatser"


def test_every_code_is_its_law_code_and_section_without_spaces() -> None:
    for code, found in catalogue().items():
        assert code == found.code == found.law + found.section.replace(" ", "")


def test_every_paragraph_names_its_public_source_and_a_step_for_every_staircase_model() -> None:
    for found in catalogue().values():
        assert found.source.strip()
        assert set(found.steps) == set(staircase_models())


def test_the_residential_offers_are_booked_on_their_account_functions() -> None:
    assert paragraph("SEL108").account_function == "5.38.50"
    assert paragraph("SEL107").account_function == "5.38.52"
    assert paragraph("ABL105").account_function == "5.38.51"
    assert paragraph("SEL85").account_function == "5.38.38"


def test_serviceloven_counts_for_the_reimbursement_scheme_and_the_health_act_does_not() -> None:
    assert paragraph("SEL108").sde
    assert paragraph("BL46").sde
    assert not paragraph("SUL141").sde


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("SEL11", "BL30"),
        ("SEL41", "BL86"),
        ("SEL42", "BL87"),
        ("SEL52", "BL32"),
        ("SEL58", "BL47"),
        ("SEL66", "BL43"),
        ("SEL76", "BL114"),
    ],
)
def test_childrens_serviceloven_paragraphs_before_2024_map_to_barnets_lov(old: str, new: str) -> None:
    replaced, successor = paragraph(old), paragraph(new)
    assert replaced.replaced_by == new
    assert replaced.valid_to == date(2023, 12, 31)
    assert successor.valid_from == date(2024, 1, 1)
    assert successor.law == "BL"
    assert replaced.steps == successor.steps


def test_a_placement_defaults_to_the_institution_step_of_both_childrens_staircases() -> None:
    for code in ("BL43", "BL46", "BL47"):
        assert paragraph(code).steps["boern"] == 6
        assert paragraph(code).steps["boern_handicap"] == 6


def test_the_catalogue_is_read_once() -> None:
    assert catalogue() is catalogue()


def test_an_unknown_code_is_refused_with_the_closest_codes_as_suggestions() -> None:
    with pytest.raises(UnknownParagraph) as refused:
        paragraph("SEL § 108")
    assert isinstance(refused.value, LookupError)
    assert refused.value.code == "SEL § 108"
    assert refused.value.suggestions[0] == "SEL108"
    assert "'SEL § 108'" in str(refused.value)
    assert "did you mean SEL108" in str(refused.value)


def test_a_code_far_from_every_code_gets_no_suggestion() -> None:
    with pytest.raises(UnknownParagraph, match="no code is close"):
        label("QQQ999")


# --- a bad catalogue file is refused whole, with every problem listed ---


def _entry(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "code": "SEL107",
        "law": "SEL",
        "section": "107",
        "title": "Midlertidige botilbud",
        "group": "voksne",
        "category": "Midlertidige botilbud",
        "account_function": "5.38.52",
        "sde": True,
        "target_groups": ["handicap"],
        "steps": {"voksen_handicap": 4},
        "valid_from": date(2006, 1, 1),
        "source": "SEL § 107",
    }
    entry.update(changes)
    return entry


def _document(*entries: dict[str, object]) -> dict[str, object]:
    return {
        "categories": [
            {"name": "Midlertidige botilbud", "group": "voksne"},
            {"name": "Anbringelser", "group": "boern"},
        ],
        "paragraphs": list(entries),
    }


def _problems(*entries: dict[str, object]) -> list[str]:
    with pytest.raises(DataFileError) as refused:
        parse_catalogue(_document(*entries))
    return list(refused.value.problems)


def test_a_valid_minimal_document_parses() -> None:
    parsed = parse_catalogue(_document(_entry()))
    assert parsed.categories == ("Midlertidige botilbud", "Anbringelser")
    assert parsed.paragraphs["SEL107"].steps["psykiatri"] is None


def test_an_unknown_field_is_named() -> None:
    (problem,) = _problems(_entry(colour="blue"))
    assert "paragraph SEL107" in problem
    assert "unknown field(s) colour" in problem


def test_a_duplicate_code_is_refused() -> None:
    (problem,) = _problems(_entry(), _entry())
    assert "duplicate code SEL107" in problem


def test_replaced_by_must_name_a_code_in_the_catalogue() -> None:
    (problem,) = _problems(_entry(valid_to=date(2023, 12, 31), replaced_by="BL999"))
    assert "replaced_by BL999 is not a code" in problem


def test_a_replaced_paragraph_must_end_the_day_before_its_successor_begins() -> None:
    successor = _entry(code="SEL108", section="108", valid_from=date(2024, 1, 1))
    gap = _entry(valid_to=date(2023, 6, 30), replaced_by="SEL108")
    (problem,) = _problems(gap, successor)
    assert "valid_to should be 2023-12-31, the day before SEL108 begins, found 2023-06-30" in problem
    parse_catalogue(_document(_entry(valid_to=date(2024, 1, 1) - timedelta(days=1), replaced_by="SEL108"), successor))


def test_a_step_outside_the_models_range_is_refused() -> None:
    (problem,) = _problems(_entry(steps={"voksen_handicap": 6}))
    assert "step 6 on the voksen_handicap staircase is outside its steps 1..5" in problem


def test_a_step_on_an_unknown_staircase_is_refused() -> None:
    (problem,) = _problems(_entry(steps={"aeldre": 1}))
    assert "unknown staircase model(s) aeldre" in problem


def test_a_code_that_does_not_spell_law_and_section_is_refused() -> None:
    (problem,) = _problems(_entry(code="SEL170"))
    assert "should be the law code and section without spaces: SEL107" in problem


def test_a_category_of_the_other_group_is_refused() -> None:
    (problem,) = _problems(_entry(category="Anbringelser"))
    assert "is not a voksne category" in problem


def test_a_target_group_of_the_other_side_is_refused() -> None:
    (problem,) = _problems(_entry(target_groups=["boern"]))
    assert "['boern']" in problem


def test_every_broken_entry_is_reported_not_only_the_first() -> None:
    problems = _problems(_entry(sde="yes"), _entry(code="SEL108", section="108", account_function="538"))
    assert len(problems) == 2
    assert "'sde' should be bool" in problems[0]
    assert "should look like 5.38.50" in problems[1]
