"""Charts as inline SVG, drawn on the server: no chart library, no JavaScript, nothing fetched from a CDN.

DESIGN.md §3 asks that actuals are drawn solid, plan and budget outlined and forecasts hatched, so a reader
tells what is booked from what is expected without reading the legend. Every chart is an `<svg role="img">`
whose <title> and <desc> a screen reader announces; the page shows the chart's figures beside it as a table,
which is where the exact kroner are (the labels in a chart are rounded to be read at a glance).

Colours keep at least 3:1 against white (WCAG 1.4.11 for graphics) and text at least 4.5:1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Literal

from dispo.services.exports import danish_number

Style = Literal["solid", "hatched", "outlined"]
Format = Callable[[float], str]

BLUE = "#0b5394"
"""Actuals and forecasts: 7.3:1 on white."""
RED = "#a61b1b"
"""Over budget (merforbrug), as `td.over` in the tables: 7.0:1 on white."""
AMBER = "#a04800"
"""Budget lines: 5.6:1 on white, drawn with a white halo so it stays visible on a filled area."""
INK = "#1d2430"
MUTED = "#4a5568"
GRID = "#d5dae1"
FONT = 13
CHAR = 0.53 * FONT
"""The average width of a character, to fit labels without measuring text in a browser."""
NO_DATA = "Ingen data"


@dataclass(frozen=True)
class Series:
    """One named row of values, drawn in one style and colour."""

    name: str
    values: Sequence[float]
    style: Style = "solid"
    colour: str = BLUE


@dataclass(frozen=True)
class Marker:
    """A vertical line across a line chart at `position` (in points: 0 is the first, 1.5 halfway between the
    second and third), e.g. the as-of date."""

    position: float
    label: str


def kroner_short(value: float) -> str:
    """Kroner as a chart label: whole kroner below a million, then millions with one decimal (2,5 mio.; 50 mio.)."""
    if abs(value) >= 1_000_000:
        return f"{_trim(danish_number(value / 1_000_000, 1))} mio."
    return danish_number(value, 0)


def one_decimal(value: float) -> str:
    """A count such as årsværk with one decimal (40,7), a whole number without it (1.500)."""
    return _trim(danish_number(value, 1))


def _trim(text: str) -> str:
    return text.removesuffix(",0")


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[float],
    fmt: Format = kroner_short,
    width: int = 520,
) -> str:
    """Horizontal bars, one per label, from a zero line (negative values to its left)."""
    return stacked_bar_chart(chart_id, title, desc, labels, [Series(title, values)], fmt, width)


def stacked_bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Format = kroner_short,
    width: int = 520,
) -> str:
    """Horizontal bars whose series are stacked: positive parts to the right of zero, negative to the left.

    Each row is labelled with its total. A legend names the series when there is more than one.
    """
    if not labels or not series:
        return _empty(chart_id, title, desc, width)
    rows = [[s.values[i] for s in series] for i in range(len(labels))]
    low, high = min([0.0, *(sum(v for v in r if v < 0) for r in rows)]), max([0.0, *(_positive(r) for r in rows)])
    label_width = min(max(len(t) for t in labels) * CHAR + 16, width * 0.55)
    value_width = max(len(fmt(sum(r))) for r in rows) * CHAR + 12
    left = label_width + (value_width if low < 0 else 8)
    right = width - (value_width if high > 0 else 16)
    room = max(len(fmt(low)), len(fmt(high))) * CHAR + 28
    ticks = nice_ticks(low, high, max(2, min(6, int((right - left) / room))))
    top, row_height, bar = (34 if len(series) > 1 else 10), 30, 20
    height = top + len(labels) * row_height + 26
    scale = Scale(ticks[0], ticks[-1], left, right)
    parts = [_grid_x(ticks, scale, top, height - 26, fmt)]
    for i, (label, row) in enumerate(zip(labels, rows, strict=True)):
        y = top + i * row_height + (row_height - bar) / 2
        parts.append(svg_text(label_width - 8, y + bar / 2, _fit(label, label_width - 8), "end", INK, full=label))
        parts += _stack(chart_id, row, series, scale, y, bar)
        total = sum(row)
        end = scale(_positive(row)) + 6 if total >= 0 else scale(sum(v for v in row if v < 0)) - 6
        parts.append(svg_text(end, y + bar / 2, fmt(total), "start" if total >= 0 else "end", INK))
    if ticks[0] < 0:
        parts.append(svg_line(scale(0.0), top - 4, scale(0.0), height - 26, INK, 1.5))
    if len(series) > 1:
        parts.append(_legend(chart_id, series, 8, 14, lines=False))
    return svg_document(chart_id, title, desc, width, height, series, "".join(parts))


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Format = kroner_short,
    marker: Marker | None = None,
    width: int = 1200,
    height: int = 340,
) -> str:
    """Points over `labels`, one line per series: a solid or hatched series fills the area under its line,
    an outlined one (a plan, a budget) is a line with hollow points. Series are drawn in the order given,
    so put the one that should stay visible on top last."""
    if not labels or not series:
        return _empty(chart_id, title, desc, width)
    values = [v for s in series for v in s.values]
    ticks = nice_ticks(min(0.0, *values), max(0.0, *values))
    left = max(len(fmt(t)) for t in ticks) * CHAR + 16
    top, bottom = 40, height - 28
    band = (width - left - 16) / len(labels)
    scale = Scale(ticks[0], ticks[-1], bottom, top)

    def x(position: float) -> float:
        return left + (position + 0.5) * band

    parts = [_grid_y(ticks, scale, left, width - 16, fmt)]
    parts += [svg_text(x(i), bottom + 18, label, "middle", MUTED) for i, label in enumerate(labels)]
    for n, s in enumerate(series):
        points = [(x(i), scale(v)) for i, v in enumerate(s.values)]
        parts.append(_series_line(chart_id, n, s, points, scale(0.0)))
    if marker is not None:
        at = x(max(-0.5, min(len(labels) - 0.5, marker.position)))
        anchor = "start" if at < width / 2 else "end"
        parts.append(svg_line(at, top - 6, at, bottom, MUTED, 1.5, dash="4 3"))
        parts.append(svg_text(at + (6 if anchor == "start" else -6), top + 4, marker.label, anchor, MUTED))
    parts.append(_legend(chart_id, series, left, 16, lines=True))
    return svg_document(chart_id, title, desc, width, height, series, "".join(parts))


class Scale:
    """Maps a value in [low, high] linearly onto [start, end] in SVG units."""

    def __init__(self, low: float, high: float, start: float, end: float) -> None:
        self.low, self.span, self.start, self.length = low, (high - low) or 1.0, start, end - start

    def __call__(self, value: float) -> float:
        return self.start + (value - self.low) / self.span * self.length


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis values covering [low, high] in about `count` steps of 1, 2, 2.5 or 5 times a power of ten
    (2.5 only from 25 up, so that every value shows exactly with at most one decimal)."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 2.5, 5, 10) if power >= 10 else (1, 2, 5, 10)  # 0,25 would not show with one decimal
    step = next(m * power for m in steps if m * power >= raw)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(i * step, 10) + 0.0 for i in range(first, last + 1)]


def _positive(row: Sequence[float]) -> float:
    return sum(v for v in row if v > 0)


def _stack(
    chart_id: str, row: Sequence[float], series: Sequence[Series], scale: Scale, y: float, bar: float
) -> list[str]:
    """The parts of one stacked bar, each a rect from where the previous part of the same sign ended."""
    rects, above, below = [], 0.0, 0.0
    for n, (value, s) in enumerate(zip(row, series, strict=True)):
        start = above if value >= 0 else below
        end = start + value
        if value >= 0:
            above = end
        else:
            below = end
        x0, x1 = sorted((scale(start), scale(end)))
        tip = f"{s.name}: {danish_number(value, 0)}"
        rects.append(
            f'<rect class="bar series-{n}" x="{x0:.2f}" y="{y:.2f}" width="{x1 - x0:.2f}" height="{bar}" '
            f"{_paint(chart_id, s, n)}><title>{escape(tip)}</title></rect>"
        )
    return rects


def _series_line(chart_id: str, n: int, s: Series, points: list[tuple[float, float]], zero: float) -> str:
    path = " ".join(f"{px:.2f},{py:.2f}" for px, py in points)
    if s.style == "outlined":
        dots = "".join(
            f'<circle cx="{px:.2f}" cy="{py:.2f}" r="4" fill="#fff" stroke="{s.colour}" stroke-width="2"/>'
            for px, py in points
        )
        return (
            f'<g class="series-{n} outlined"><polyline points="{path}" fill="none" stroke="#fff" stroke-width="6"/>'
            f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2.5"/>{dots}</g>'
        )
    area = f"{points[0][0]:.2f},{zero:.2f} {path} {points[-1][0]:.2f},{zero:.2f}"
    fill = f"url(#{chart_id}-hatch-{n})" if s.style == "hatched" else s.colour
    dash = ' stroke-dasharray="6 3"' if s.style == "hatched" else ""
    return (
        f'<g class="series-{n} {s.style}"><polygon points="{area}" fill="{fill}"/>'
        f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2"{dash}/></g>'
    )


def _paint(chart_id: str, s: Series, n: int) -> str:
    """Fill and stroke for a shape of series `s`: solid, hatched (the chart's pattern) or outlined."""
    if s.style == "hatched":
        return f'fill="url(#{chart_id}-hatch-{n})" stroke="{s.colour}" stroke-width="1.5"'
    if s.style == "outlined":
        return f'fill="#fff" stroke="{s.colour}" stroke-width="2"'
    return f'fill="{s.colour}"'


def _legend(chart_id: str, series: Sequence[Series], x: float, y: float, lines: bool) -> str:
    """One swatch and name per series in a row; an outlined series in a line chart shows as a line."""
    items = []
    for n, s in enumerate(series):
        if lines and s.style == "outlined":
            swatch = (
                f'<line x1="{x:.2f}" y1="{y:.2f}" x2="{x + 22:.2f}" y2="{y:.2f}" stroke="{s.colour}" '
                f'stroke-width="2.5"/><circle cx="{x + 11:.2f}" cy="{y:.2f}" r="4" fill="#fff" '
                f'stroke="{s.colour}" stroke-width="2"/>'
            )
        else:
            swatch = f'<rect x="{x + 3:.2f}" y="{y - 7:.2f}" width="16" height="14" {_paint(chart_id, s, n)}/>'
        items.append(swatch + svg_text(x + 28, y, s.name, "start", INK))
        x += 28 + len(s.name) * CHAR + 24
    return f'<g class="legend">{"".join(items)}</g>'


def _grid_x(ticks: Sequence[float], scale: Scale, top: float, bottom: float, fmt: Format) -> str:
    lines = [svg_line(scale(t), top - 4, scale(t), bottom, GRID, 1) for t in ticks]
    labels = [svg_text(scale(t), bottom + 16, fmt(t), "middle", MUTED) for t in ticks]
    return f'<g class="axis">{"".join(lines + labels)}</g>'


def _grid_y(ticks: Sequence[float], scale: Scale, left: float, right: float, fmt: Format) -> str:
    lines = [svg_line(left, scale(t), right, scale(t), INK if t == 0 else GRID, 1) for t in ticks]
    labels = [svg_text(left - 8, scale(t), fmt(t), "end", MUTED) for t in ticks]
    return f'<g class="axis">{"".join(lines + labels)}</g>'


def svg_line(x1: float, y1: float, x2: float, y2: float, colour: str, width: float, dash: str = "") -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}" stroke="{colour}" '
        f'stroke-width="{width}"{dashes}/>'
    )


def svg_text(x: float, y: float, text: str, anchor: str, colour: str, full: str | None = None) -> str:
    """A label centred vertically on `y`; `full` (the untruncated text) shows on hover."""
    hover = f"<title>{escape(full)}</title>" if full is not None and full != text else ""
    return (
        f'<text x="{x:.2f}" y="{y:.2f}" text-anchor="{anchor}" dominant-baseline="central" '
        f'fill="{colour}">{hover}{escape(text)}</text>'
    )


def _fit(text: str, width: float) -> str:
    """The text, cut with an ellipsis where it would not fit in `width`."""
    room = max(int(width / CHAR), 4)
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def _patterns(chart_id: str, series: Sequence[Series]) -> str:
    """A diagonal hatch per hatched series, in its colour on a light tint of it."""
    return "".join(
        f'<pattern id="{chart_id}-hatch-{n}" patternUnits="userSpaceOnUse" width="7" height="7" '
        f'patternTransform="rotate(45)"><rect width="7" height="7" fill="{_tint(s.colour)}"/>'
        f'<line x1="0" y1="0" x2="0" y2="7" stroke="{s.colour}" stroke-width="3"/></pattern>'
        for n, s in enumerate(series)
        if s.style == "hatched"
    )


def _tint(colour: str) -> str:
    """The colour mixed with 85 % white."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * 0.85):02x}" for c in rgb)


def svg_document(
    chart_id: str, title: str, desc: str, width: float, height: float, series: Sequence[Series], body: str
) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="system-ui, \'Segoe UI\', \'DejaVu Sans\', sans-serif" '
        f'font-size="{FONT}"><title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc><defs>{_patterns(chart_id, series)}</defs>'
        f"{body}</svg>"
    )


def _empty(chart_id: str, title: str, desc: str, width: float) -> str:
    """The chart's frame with "Ingen data" where the figures would be."""
    body = f'<rect x="0.5" y="0.5" width="{width - 1:.0f}" height="79" fill="#fff" stroke="{GRID}"/>' + svg_text(
        width / 2, 40, NO_DATA, "middle", MUTED
    )
    return svg_document(chart_id, title, f"{desc} {NO_DATA}.".strip(), width, 80, [], body)
