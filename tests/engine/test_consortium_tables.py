"""The consortium's tables on the hand-worked three-municipality consortium of tests/data/screening.

Odense (461, Syddanmark): 10 screened, 20,000 aged 18-66, 160 in residential care.
Gentofte (157, Hovedstaden): 6 screened, 30,000 aged 18-66, 300 in residential care.
Esbjerg (561, Syddanmark): 12 screened, 10,000 aged 18-66, residential care hidden; 5 of its 12 hidden in the
age and provider-type cells.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dispo.engine.consortium import (
    ALL,
    ANSWER_SCHEMA,
    TOTAL_SCHEMA,
    answer_shares,
    fit,
    hypothesis_figures,
    municipality_table,
    position,
    region_table,
)

DATA = Path(__file__).parent.parent / "data" / "screening"
MUNICIPALITIES = pl.DataFrame(
    {
        "municipality": ["461", "157", "561"],
        "name": ["Odense", "Gentofte", "Esbjerg"],
        "region_name": ["Region Syddanmark", "Region Hovedstaden", "Region Syddanmark"],
        "socio_economic_index": [1.15, 0.52, 1.08],
    }
)


def consortium() -> tuple[pl.DataFrame, pl.DataFrame]:
    """The three files as the engine's totals and answers (read straight from the CSV, no validation)."""
    rows = pl.concat(
        [
            pl.read_csv(path, schema_overrides={"municipality": pl.String, "answer": pl.String})
            for path in sorted(DATA.glob("*.csv"))
        ]
    )
    totals = (
        rows.filter(pl.col("record") == "total")
        .pivot("question", index="municipality", values="count")
        .select(list(TOTAL_SCHEMA))
        .cast(TOTAL_SCHEMA)  # type: ignore[arg-type]
    )
    answers = rows.filter(pl.col("record") == "answer").select(list(ANSWER_SCHEMA)).cast(ANSWER_SCHEMA)  # type: ignore[arg-type]
    return totals, answers


def test_each_municipality_has_its_cases_per_1000_and_its_residential_figures() -> None:
    totals, _ = consortium()
    table = {r["name"]: r for r in municipality_table(totals, MUNICIPALITIES).to_dicts()}
    assert table["Odense"]["per_1000"] == pytest.approx(10 / 20_000 * 1000)  # 0.5
    assert table["Odense"]["residential_per_1000"] == pytest.approx(160 / 20_000 * 1000)  # 8.0
    assert table["Odense"]["share_of_residential"] == pytest.approx(10 / 160)  # 6.25 %
    assert table["Gentofte"]["per_1000"] == pytest.approx(6 / 30_000 * 1000)  # 0.2
    assert table["Gentofte"]["residential_per_1000"] == pytest.approx(300 / 30_000 * 1000)  # 10.0
    assert table["Gentofte"]["share_of_residential"] == pytest.approx(6 / 300)  # 2 %
    assert table["Esbjerg"]["per_1000"] == pytest.approx(12 / 10_000 * 1000)  # 1.2
    assert table["Esbjerg"]["residential_care"] is None
    assert table["Esbjerg"]["residential_per_1000"] is None
    assert table["Esbjerg"]["share_of_residential"] is None


def test_regions_and_the_total_are_ratios_of_sums_and_leave_hidden_residential_counts_out() -> None:
    totals, _ = consortium()
    table = {r["region_name"]: r for r in region_table(totals, MUNICIPALITIES).to_dicts()}
    south, capital, overall = table["Region Syddanmark"], table["Region Hovedstaden"], table[ALL]
    assert (south["municipalities"], south["screened"], south["inhabitants_18_66"]) == (2, 22, 30_000)
    assert south["per_1000"] == pytest.approx(22 / 30_000 * 1000)  # 0.733
    # Esbjerg hides its residential count: Odense alone gives the region's residential figures.
    assert south["residential_per_1000"] == pytest.approx(160 / 20_000 * 1000)  # 8.0
    assert south["share_of_residential"] == pytest.approx(10 / 160)
    assert capital["per_1000"] == pytest.approx(0.2)
    assert (overall["municipalities"], overall["screened"], overall["inhabitants_18_66"]) == (3, 28, 60_000)
    assert overall["per_1000"] == pytest.approx(28 / 60_000 * 1000)  # 0.467
    assert overall["residential_per_1000"] == pytest.approx((160 + 300) / (20_000 + 30_000) * 1000)  # 9.2
    assert overall["share_of_residential"] == pytest.approx((10 + 6) / (160 + 300))  # 3.5 %
    assert list(table) == ["Region Hovedstaden", "Region Syddanmark", ALL]


def test_answer_shares_are_of_all_screened_with_the_hidden_cells_on_their_own_line() -> None:
    totals, answers = consortium()
    groups = MUNICIPALITIES.select("municipality", group=pl.lit(ALL))
    codes = ["privat", "egen_kommune", "anden_kommune", "region", "ubesvaret"]
    shares = {r["answer"]: r for r in answer_shares(answers, totals, groups, "provider_type", codes).to_dicts()}
    assert shares["privat"]["count"] == 5 + 6  # Odense and Gentofte
    assert shares["privat"]["share"] == pytest.approx(11 / 28)
    assert shares["egen_kommune"]["share"] == pytest.approx(7 / 28)
    assert shares["region"]["share"] == pytest.approx(5 / 28)
    assert shares["anden_kommune"]["count"] == 0
    assert shares["skjult"]["count"] == 28 - (11 + 7 + 5)  # Esbjerg's 5
    assert sum(r["share"] for r in shares.values()) == pytest.approx(1.0)


def test_answer_shares_per_region_keep_each_regions_own_denominator() -> None:
    totals, answers = consortium()
    groups = MUNICIPALITIES.select("municipality", group="region_name")
    table = answer_shares(answers, totals, groups, "age", ["18-25", "26-35", "ubesvaret"])
    south = {r["answer"]: r for r in table.filter(pl.col("group") == "Region Syddanmark").to_dicts()}
    assert south["18-25"]["count"] == 5 + 7
    assert south["18-25"]["share"] == pytest.approx(12 / 22)
    assert south["26-35"]["share"] == pytest.approx(5 / 22)
    assert south["skjult"]["count"] == 22 - 17
    capital = {r["answer"]: r["share"] for r in table.filter(pl.col("group") == "Region Hovedstaden").to_dicts()}
    assert capital["26-35"] == pytest.approx(1.0)


def test_the_fitted_line_against_the_socio_economic_index_is_least_squares_with_its_r2() -> None:
    totals, _ = consortium()
    table = municipality_table(totals, MUNICIPALITIES)
    found = fit(table["socio_economic_index"], table["per_1000"])
    assert found is not None
    # x = 1.15, 0.52, 1.08 (mean 2.75/3); y = 0.5, 0.2, 1.2 (mean 1.9/3)
    xs, ys = [1.15, 0.52, 1.08], [0.5, 0.2, 1.2]
    mx, my = sum(xs) / 3, sum(ys) / 3
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))  # 0.2333
    sxx = sum((x - mx) ** 2 for x in xs)  # 0.2385
    syy = sum((y - my) ** 2 for y in ys)  # 0.5267
    assert found.slope == pytest.approx(sxy / sxx)  # 0.978
    assert found.intercept == pytest.approx(my - sxy / sxx * mx)
    assert found.r2 == pytest.approx(sxy**2 / (sxx * syy))  # 0.434
    assert found.n == 3


def test_the_fitted_line_against_population_by_hand() -> None:
    # x = 20,000, 30,000, 10,000 (mean 20,000); y = 10, 6, 12 (mean 28/3)
    # Sxy = 0 × 2/3 + 10,000 × (-10/3) + (-10,000) × 8/3 = -60,000; Sxx = 2 × 10⁸; slope = -0.0003
    # intercept = 28/3 + 0.0003 × 20,000 = 15.333; Syy = 4/9 + 100/9 + 64/9 = 168/9
    # r² = 60,000² / (2 × 10⁸ × 168/9) = 0.9643
    found = fit(pl.Series([20_000, 30_000, 10_000]), pl.Series([10, 6, 12]))
    assert found is not None
    assert found.slope == pytest.approx(-0.0003)
    assert found.intercept == pytest.approx(28 / 3 + 6)
    assert found.r2 == pytest.approx(60_000**2 / (2e8 * 168 / 9))


def test_no_line_through_fewer_than_three_points_or_without_spread() -> None:
    assert fit(pl.Series([1.0, 2.0]), pl.Series([1.0, 2.0])) is None
    assert fit(pl.Series([1.0, 1.0, 1.0]), pl.Series([1.0, 2.0, 3.0])) is None


def test_each_hypothesis_gets_a_lower_and_upper_bound_and_a_reading() -> None:
    totals, answers = consortium()
    hypotheses = pl.DataFrame(
        {
            "number": [1, 2, 6, 7],
            "question": ["provider_type", "only_possible", "court_sentence", "acting_obligation"],
            "answer": ["privat", "ja", "ja", "nej"],
            "supports_from": [0.5, 0.5, 0.25, 0.1],
        }
    )
    found = {r["number"]: r for r in hypothesis_figures(answers, totals, hypotheses).to_dicts()}
    # 1: 11 private of the 23 whose provider type is shown (Esbjerg hides 5): 47.8 % < 50 % weakens it, but the
    # share of all 28 lies in [11/28, 16/28] around 50 %, so the hidden cells could turn it: not certain.
    assert (found[1]["counted"], found[1]["answered"], found[1]["screened"], found[1]["hidden"]) == (11, 23, 28, 5)
    assert found[1]["estimate"] == pytest.approx(11 / 23)
    assert (found[1]["low"], found[1]["high"]) == (pytest.approx(11 / 28), pytest.approx(16 / 28))
    assert (found[1]["reading"], found[1]["certain"]) == ("svækker", False)
    # 2: all 28 say the offer was the only possible one.
    assert found[2]["estimate"] == pytest.approx(1.0)
    assert (found[2]["reading"], found[2]["certain"]) == ("støtter", True)
    # 6: all 28 answered "nej" to a sentence: nothing hidden, 0 % < 25 %.
    assert (found[6]["counted"], found[6]["hidden"], found[6]["high"]) == (0, 0, 0.0)
    assert (found[6]["reading"], found[6]["certain"]) == ("svækker", True)
    # 7: no municipality shows the acting obligation: all 28 hidden, no estimate, 0-100 %.
    assert (found[7]["hidden"], found[7]["low"], found[7]["high"], found[7]["estimate"]) == (28, 0.0, 1.0, None)
    assert (found[7]["reading"], found[7]["certain"]) == ("uafklaret", False)


def test_a_municipalitys_position_is_its_rank_from_the_top_with_the_spread() -> None:
    totals, _ = consortium()
    table = municipality_table(totals, MUNICIPALITIES)
    odense = position(table, "per_1000", "461")  # values 0.5, 0.2, 1.2
    assert (odense["value"], odense["rank"], odense["n"]) == (pytest.approx(0.5), 2, 3)
    assert (odense["low"], odense["median"], odense["high"]) == (
        pytest.approx(0.2),
        pytest.approx(0.5),
        pytest.approx(1.2),
    )
    esbjerg = position(table, "residential_per_1000", "561")  # hidden: no value, not ranked
    assert (esbjerg["value"], esbjerg["rank"], esbjerg["n"]) == (None, None, 2)
