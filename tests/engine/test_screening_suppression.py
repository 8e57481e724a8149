"""Counting screening answers into cells and suppressing the cells under 5 (engine.screening)."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from dispo.engine.screening import (
    ANSWER_SCHEMA,
    CATALOGUE_SCHEMA,
    MIN_CELL,
    answer_cells,
    bracket_of,
    ledger_facts,
    shown_cells,
    shown_count,
    suppress,
)

CATALOGUE = pl.DataFrame(
    [
        ("q", "choice", "a"),
        ("q", "choice", "b"),
        ("q", "choice", "c"),
        ("m", "multi", "x"),
        ("m", "multi", "y"),
    ],
    schema=CATALOGUE_SCHEMA,
    orient="row",
)


def answers(rows: list[tuple[int, str, str]]) -> pl.DataFrame:
    return pl.DataFrame([(str(i), q, a) for i, q, a in rows], schema=ANSWER_SCHEMA, orient="row")


def cells_of(frame: pl.DataFrame) -> dict[tuple[str, str], tuple[int, bool]]:
    return {(r["question"], r["answer"]): (r["count"], r["shown"]) for r in frame.to_dicts()}


def test_a_small_cell_is_hidden_and_so_is_the_next_smallest_so_it_cannot_be_recovered_from_the_total() -> None:
    # 15 screened; q: a 6, b 7, c 1, no answer 1 → c and "ubesvaret" are under 5 (together 2), so the smallest
    # other cell (a, 6) is hidden too: the hidden cells add up to 8, and neither small one can be derived.
    rows = [(i, "q", "a") for i in range(6)] + [(i, "q", "b") for i in range(6, 13)] + [(13, "q", "c")]
    found = cells_of(suppress(answer_cells(answers(rows), CATALOGUE, 15), 15))
    assert found[("q", "a")] == (6, False)
    assert found[("q", "b")] == (7, True)
    assert found[("q", "c")] == (1, False)
    assert found[("q", "ubesvaret")] == (1, False)


def test_small_cells_adding_up_to_five_or_more_need_no_complementary_cell() -> None:
    # 16 screened: a 10, b 3, c 3 → b and c hidden (together 6 ≥ 5), a stays.
    rows = [(i, "q", "a") for i in range(10)] + [(i, "q", "b") for i in range(10, 13)]
    rows += [(i, "q", "c") for i in range(13, 16)]
    found = cells_of(suppress(answer_cells(answers(rows), CATALOGUE, 16), 16))
    assert found[("q", "a")] == (10, True)
    assert (found[("q", "b")], found[("q", "c")]) == ((3, False), (3, False))
    assert found[("q", "ubesvaret")] == (0, False)


def test_a_multiple_choice_option_shows_only_when_neither_side_is_under_five() -> None:
    # 15 screened, 10 answered m: x chosen by 10 (5 did not), y by 3, "ubesvaret" 5 (10 answered).
    rows = [(i, "m", "x") for i in range(10)] + [(i, "m", "y") for i in range(3)]
    found = cells_of(suppress(answer_cells(answers(rows), CATALOGUE, 15), 15))
    assert found[("m", "x")] == (10, True)
    assert found[("m", "y")] == (3, False)
    assert found[("m", "ubesvaret")] == (5, True)
    # 12 screened: x by 10 leaves 2 who did not choose it — that would show a group of 2.
    found = cells_of(suppress(answer_cells(answers(rows[:10]), CATALOGUE, 12), 12))
    assert found[("m", "x")] == (10, False)


def test_a_single_count_under_five_is_withheld() -> None:
    assert [shown_count(n) for n in (None, 0, 4, 5, 812)] == [None, None, None, 5, 812]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", None]),
            st.lists(st.sampled_from(["x", "y"]), unique=True),
        ),
        min_size=MIN_CELL,
        max_size=60,
    )
)
def test_no_shown_cell_is_under_five_and_no_hidden_cell_can_be_recovered(
    people: list[tuple[str | None, list[str]]],
) -> None:
    """For any registrations: every shown count is at least 5; a partition's hidden cells are none or at least
    two non-empty ones adding up to 5 or more; a multiple-choice count leaves no group of 1-4 on either side."""
    rows = [(i, "q", one) for i, (one, _) in enumerate(people) if one is not None]
    rows += [(i, "m", pick) for i, (_, picks) in enumerate(people) for pick in picks]
    screened = len(people)
    cells = suppress(answer_cells(answers(rows), CATALOGUE, screened), screened)
    shown = shown_cells(answers(rows), CATALOGUE, screened)
    assert shown["count"].min() is None or shown["count"].min() >= MIN_CELL  # type: ignore[operator]
    partition = cells.filter(pl.col("question") == "q")
    assert partition["count"].sum() == screened
    hidden = partition.filter(~pl.col("shown") & (pl.col("count") > 0))
    assert hidden.height == 0 or (hidden.height >= 2 and hidden["count"].sum() >= MIN_CELL)
    for count in cells.filter((pl.col("question") == "m") & pl.col("shown"))["count"]:
        assert count >= MIN_CELL
        assert not 0 < screened - count < MIN_CELL


def test_ledger_facts_take_the_offer_from_the_most_expensive_grant_and_the_age_on_the_day() -> None:
    grants = pl.DataFrame(
        {
            "grant_id": ["g1", "g2", "g3", "g4"],
            "citizen_id": ["c1", "c1", "c2", "c3"],
            "paragraph": ["SEL108", "SEL85", "SEL107", "BL66"],
            "paragraph_group": ["voksne", "voksne", "voksne", "boern"],
            "gross": [1_800_000.0, 400_000.0, 1_900_000.0, 3_000_000.0],
            "provider_type": ["privat", "egen", "region", "privat"],
            "acting_municipality": ["999", "999", "461", "999"],
        }
    )
    citizens = pl.DataFrame(
        {
            "citizen_id": ["c1", "c2", "c3"],
            "birth_date": [date(1990, 7, 1), date(1980, 1, 1), date(2012, 1, 1)],
            "sex": ["K", "M", "M"],
        }
    )
    found = ledger_facts(grants, citizens, "999", date(2025, 6, 30), ("SEL108", "ABL105"), 2_000_000.0).to_dicts()
    # c1: 1.8 + 0.4 = 2.2 mio. > 2 mio.; main offer g1 (private § 108); 34 on 30 June 2025 (35 on 1 July).
    # c2: 1.9 mio. is not over 2 mio.; c3 is a child.
    assert found == [
        {
            "citizen_id": "c1",
            "gross": 2_200_000.0,
            "age": 34,
            "sex": "K",
            "provider_type": "privat",
            "paragraph": "SEL108",
            "long_term_residential": True,
            "acting_obligation": True,
        }
    ]


def test_the_bracket_of_an_expense_holds_its_upper_limit() -> None:
    brackets = (("2,0-2,5", 2_000_000.0), ("2,5-3,0", 2_500_000.0), ("over_10", 10_000_000.0))
    frame = pl.DataFrame({"gross": [2_000_000.0, 2_000_000.01, 2_500_000.0, 2_500_001.0, 12_000_000.0]})
    found = frame.select(bracket=bracket_of(pl.col("gross"), brackets))["bracket"].to_list()
    assert found == [None, "2,0-2,5", "2,0-2,5", "2,5-3,0", "over_10"]
