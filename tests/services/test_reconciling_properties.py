"""Invariants of the ottetals-kontrol and the quality score on generated settlement and finance lines."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from dispo.services import reconciling
from dispo.services.data_quality import measure
from dispo.services.source_lines import LINE, Window

Q1 = Window(date(2025, 1, 1), date(2025, 3, 31))
COUNTS = ("only_in_a", "only_in_b", "differs_from_a", "differs_from_b", "equal_a", "equal_b")

line = st.tuples(
    st.sampled_from(["x", "y", "z", None]),
    st.sampled_from(["SEL108", "SEL85", None]),
    st.sampled_from(["p1", "p2"]),
    st.integers(1, 3),
    st.integers(-5, 50).map(lambda k: k * 1000.0),
    st.booleans(),
)


def frame(rows: list[tuple[str | None, str | None, str, int, float, bool]]) -> pl.DataFrame:
    records = [
        {
            "row": i + 2,
            "citizen": citizen,
            "paragraph": paragraph,
            "account_function": {"SEL108": "5.38.50", "SEL85": "5.38.38"}.get(paragraph or ""),
            "provider": provider,
            "start": date(2025, month, 1),
            "end": pl.Series([date(2025, month, 1)]).dt.month_end().item(),
            "month": f"2025-0{month}",
            "amount": amount,
            "problem": problem,
        }
        for i, (citizen, paragraph, provider, month, amount, problem) in enumerate(rows)
    ]
    return pl.DataFrame(records, schema={**LINE, "problem": pl.Boolean})


def counts(summary: pl.DataFrame) -> dict[str, tuple[int, ...]]:
    return {r["paragraph"]: tuple(r[c] for c in COUNTS) for r in summary.iter_rows(named=True)}


@settings(max_examples=40, deadline=None)
@given(st.lists(line, max_size=12), st.lists(line, max_size=12))
def test_swapping_the_sides_swaps_the_counts(a: list, b: list) -> None:  # type: ignore[type-arg]
    left, right = frame(a), frame(b)
    forward = counts(reconciling.compare("settlement", left, "settlement", right, Q1).summary)
    backward = counts(reconciling.compare("settlement", right, "settlement", left, Q1).summary)
    assert backward == {k: (v[1], v[0], v[3], v[2], v[5], v[4]) for k, v in forward.items()}


@settings(max_examples=40, deadline=None)
@given(st.lists(line, max_size=12))
def test_a_source_against_itself_is_all_equal(a: list) -> None:  # type: ignore[type-arg]
    lines = reconciling.compare("settlement", frame(a), "settlement", frame(a), Q1).lines
    assert lines["category"].str.starts_with("equal").all()


@settings(max_examples=40, deadline=None)
@given(st.lists(line, max_size=12), st.sets(st.sampled_from(["x", "y", "z"])))
def test_the_score_is_the_share_of_clean_lines(a: list, known: set[str]) -> None:  # type: ignore[type-arg]
    lines = frame(a)
    quality = measure("settlement", lines, lines.height, 0, known)
    assert 0 <= quality.clean_rows <= lines.height
    assert 0.0 <= quality.score <= 100.0
    if lines.height:
        assert quality.score == 100.0 * quality.clean_rows / lines.height
