"""The server-side SVG charts: well-formed, accessible, and drawn to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from dispo.web.charts import (
    NO_DATA,
    Marker,
    Series,
    bar_chart,
    kroner_short,
    line_chart,
    one_decimal,
    stacked_bar_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
UNIT = 0.02
"""Coordinates are written with two decimals: two of them may each be off by half of 0.01."""


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if "bar" in r.get("class", "").split()]


def widths(root: ET.Element) -> list[float]:
    return [float(r.get("width", "")) for r in bars(root)]


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def group(root: ET.Element, style: str) -> ET.Element:
    """The <g> that draws the series of this style."""
    return next(g for g in root.iter(f"{SVG}g") if style in g.get("class", "").split())


def test_a_chart_is_an_accessible_image_with_its_title_and_description() -> None:
    root = parse(bar_chart("c", "Udgift pr. trin", "Forventet udgift pr. trin.", ["Trin 1", "Trin 2"], [10.0, 20.0]))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-title c-desc"
    assert root.find(f"{SVG}title").text == "Udgift pr. trin"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Forventet udgift pr. trin."  # type: ignore[union-attr]


def test_bar_lengths_are_proportional_to_the_values() -> None:
    root = parse(bar_chart("c", "t", "d", ["a", "b", "c"], [400_000.0, 200_000.0, 100_000.0]))
    first, second, third = widths(root)
    assert first == pytest.approx(2 * second, abs=UNIT)
    assert first == pytest.approx(4 * third, abs=UNIT)


def test_a_zero_value_has_no_length_and_is_labelled_zero() -> None:
    root = parse(bar_chart("c", "t", "d", ["a", "b"], [0.0, 50.0]))
    assert widths(root)[0] == 0
    assert "0" in texts(root)


def test_a_negative_value_is_drawn_left_of_the_zero_line() -> None:
    root = parse(bar_chart("c", "t", "d", ["over", "under"], [-30_000.0, 60_000.0]))
    over, under = bars(root)
    # The negative bar ends where the positive one starts: at zero, and is half as long.
    assert float(over.get("x", "")) + float(over.get("width", "")) == pytest.approx(float(under.get("x", "")), abs=UNIT)
    assert float(over.get("width", "")) * 2 == pytest.approx(float(under.get("width", "")), abs=UNIT)
    assert "-30.000" in texts(root)


def test_only_zeros_still_make_a_chart() -> None:
    root = parse(bar_chart("c", "t", "d", ["a", "b"], [0.0, 0.0]))
    assert widths(root) == [0.0, 0.0]


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart("c", "Årsværk", "Årsværk pr. trin.", [], []),
        stacked_bar_chart("c", "Udgift", "Udgift pr. type.", [], [Series("Forbrug", [])]),
        line_chart("c", "Budget", "Budget pr. måned.", [], []),
    ],
)
def test_an_empty_series_says_ingen_data(svg: str) -> None:
    root = parse(svg)
    assert NO_DATA in texts(root)
    assert root.find(f"{SVG}desc").text.endswith("Ingen data.")  # type: ignore[union-attr]
    assert bars(root) == []


def test_stacked_parts_follow_each_other_and_the_row_is_labelled_with_its_total() -> None:
    series = [Series("Forbrug til dato", [180_000.0]), Series("Forventet resten af året", [276_000.0], "hatched")]
    root = parse(stacked_bar_chart("c", "t", "d", ["Privat"], series))
    actual, rest = bars(root)
    end = float(actual.get("x", "")) + float(actual.get("width", ""))
    assert end == pytest.approx(float(rest.get("x", "")), abs=UNIT)
    assert float(rest.get("width", "")) * 180 == pytest.approx(float(actual.get("width", "")) * 276, abs=276 * UNIT)
    # 180,000 + 276,000 = 456,000.
    assert "456.000" in texts(root)
    assert {"Forbrug til dato", "Forventet resten af året"} <= set(texts(root))


def test_actuals_are_solid_forecasts_hatched_and_budgets_outlined() -> None:
    series = [
        Series("Forventet", [1.0, 2.0], "hatched"),
        Series("Forbrug", [1.0, 1.5], "solid"),
        Series("Budget", [1.0, 2.0], "outlined", "#a04800"),
    ]
    root = parse(line_chart("c", "t", "d", ["jan", "feb"], series))
    pattern = root.find(f".//{SVG}pattern")
    assert pattern is not None
    assert pattern.get("id") == "c-hatch-0"
    area = group(root, "hatched").find(f"{SVG}polygon")
    assert area is not None
    assert area.get("fill") == "url(#c-hatch-0)"
    solid = group(root, "solid").find(f"{SVG}polygon")
    assert solid is not None
    assert solid.get("fill") == "#0b5394"
    outlined = group(root, "outlined")
    assert outlined.find(f"{SVG}polygon") is None
    assert {c.get("fill") for c in outlined.iter(f"{SVG}circle")} == {"#fff"}


def test_an_outlined_bar_has_no_fill() -> None:
    root = parse(stacked_bar_chart("c", "t", "d", ["a"], [Series("Plan", [5.0], "outlined"), Series("x", [1.0])]))
    assert bars(root)[0].get("fill") == "#fff"


def test_line_points_are_drawn_to_scale() -> None:
    root = parse(line_chart("c", "t", "d", ["a", "b", "c"], [Series("s", [0.0, 50.0, 100.0], "outlined")]))
    ys = [float(c.get("cy", "")) for c in root.iter(f"{SVG}circle")]
    # Equal steps in value are equal steps on the page, and a larger value is higher up (a smaller y).
    assert ys[0] - ys[1] == pytest.approx(ys[1] - ys[2], abs=UNIT)
    assert ys[0] > ys[2]


def test_the_marker_stands_at_its_position_between_the_points() -> None:
    root = parse(line_chart("c", "t", "d", ["a", "b"], [Series("s", [1.0, 2.0])], marker=Marker(0.5, "Opgjort pr.")))
    points = root.find(f".//{SVG}polyline").get("points", "").split()  # type: ignore[union-attr]
    first, second = (float(p.split(",")[0]) for p in points)
    dashed = next(line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray") == "4 3")
    assert float(dashed.get("x1", "")) == pytest.approx((first + second) / 2, abs=UNIT)
    assert "Opgjort pr." in texts(root)


def test_labels_are_escaped_so_the_svg_stays_well_formed() -> None:
    root = parse(bar_chart("c", "A & B <c>", "d < e", ["Tom & Jerry <i>"], [1.0]))
    assert "Tom & Jerry <i>" in texts(root)


def test_a_long_label_is_shortened_with_its_full_text_on_hover() -> None:
    label = "Varige eller længerevarende botilbud " * 3
    root = parse(bar_chart("c", "t", "d", [label], [1.0], width=400))
    shown = next(t for t in root.iter(f"{SVG}text") if t.find(f"{SVG}title") is not None)
    assert shown.find(f"{SVG}title").text == label  # type: ignore[union-attr]
    assert "".join(shown.itertext()).endswith("…")


def test_axis_values_are_round_and_cover_the_data() -> None:
    root = parse(bar_chart("c", "t", "d", ["a"], [456_000.0]))
    axis = [t for t in texts(root) if t not in ("a", "456.000")]
    assert axis[0] == "0"
    assert axis[-1] in ("500.000", "600.000")


@pytest.mark.parametrize(
    ("value", "text"),
    [(456_000.0, "456.000"), (2_500_000.0, "2,5 mio."), (50_000_000.0, "50 mio."), (-3_481_627.0, "-3,5 mio.")],
)
def test_kroner_are_shortened_to_millions_from_a_million(value: float, text: str) -> None:
    assert kroner_short(value) == text


def test_one_decimal_drops_a_trailing_zero() -> None:
    assert (one_decimal(1380.1), one_decimal(500.0), one_decimal(0.5)) == ("1.380,1", "500", "0,5")


def test_a_scatter_leaves_room_for_its_widest_x_label_at_the_right_edge() -> None:
    from dispo.engine.consortium import Fit
    from dispo.services.exports import danish_number
    from dispo.web.charts import CHAR
    from dispo.web.scatter import scatter_chart

    points = [("A", 22_000.0, 8.0), ("B", 60_000.0, 30.0), ("C", 135_000.0, 88.0)]
    svg = scatter_chart(
        "s",
        "Sager",
        "Sager mod indbyggere",
        points,
        Fit(0.00067, -7.6, 0.89, 3),
        "Indbyggere",
        "Sager",
        lambda v: danish_number(v, 0),
        lambda v: danish_number(v, 0),
    )
    root = parse(svg)
    width = float(root.get("width", "0"))
    labels = [t for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle" and t.text == "150.000"]
    assert labels, "the x axis ends on a round 150.000"
    assert float(labels[0].get("x", "0")) + len("150.000") * CHAR / 2 <= width
