"""A scatter chart with a fitted line and its r², as inline SVG in the style of `charts` (no JavaScript).

The seed's consortium study sets each municipality's expensive cases against its population and against a
socio-economic index, with the least-squares line and r² printed on the chart; this draws the same. Each point
carries its municipality's name and values as a tooltip; the page shows the figures in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from dispo.engine.consortium import Fit
from dispo.services.exports import danish_number
from dispo.web.charts import BLUE, CHAR, FONT, GRID, INK, MUTED, RED, Format, Scale, nice_ticks, svg_line


def scatter_chart(
    chart_id: str,
    title: str,
    desc: str,
    points: Sequence[tuple[str, float, float]],
    fitted: Fit | None,
    x_label: str,
    y_label: str,
    x_fmt: Format,
    y_fmt: Format,
    width: int = 560,
    height: int = 360,
) -> str:
    """Points (name, x, y) on linear axes from round ticks, the fitted line across the x range, and a legend
    line with the line's equation and r²."""
    if not points:
        return _frame(chart_id, title, desc, width, 80, _label(width / 2, 40, "Ingen data", "middle", MUTED))
    xs, ys = [p[1] for p in points], [p[2] for p in points]
    x_ticks, y_ticks = nice_ticks(min(xs), max(xs)), nice_ticks(min(0.0, *ys), max(ys))
    left = max(len(y_fmt(t)) for t in y_ticks) * CHAR + 40
    # The last x label is centred on the right edge of the plot: leave room for its half.
    top, bottom, right = 36, height - 48, width - max(20, len(x_fmt(x_ticks[-1])) * CHAR / 2 + 6)
    sx, sy = Scale(x_ticks[0], x_ticks[-1], left, right), Scale(y_ticks[0], y_ticks[-1], bottom, top)
    parts = [
        svg_line(sx(t), top, sx(t), bottom, GRID, 1) + _label(sx(t), bottom + 16, x_fmt(t), "middle", MUTED)
        for t in x_ticks
    ]
    parts += [
        svg_line(left, sy(t), right, sy(t), GRID, 1) + _label(left - 8, sy(t), y_fmt(t), "end", MUTED) for t in y_ticks
    ]
    parts.append(_label((left + right) / 2, height - 10, x_label, "middle", INK))
    parts.append(
        f'<text x="14" y="{(top + bottom) / 2:.2f}" text-anchor="middle" fill="{INK}" '
        f'transform="rotate(-90 14 {(top + bottom) / 2:.2f})">{escape(y_label)}</text>'
    )
    if fitted is not None:
        x0, x1 = x_ticks[0], x_ticks[-1]
        y0, y1 = fitted.intercept + fitted.slope * x0, fitted.intercept + fitted.slope * x1
        parts.append(
            f'<line class="fit" x1="{sx(x0):.2f}" y1="{sy(y0):.2f}" x2="{sx(x1):.2f}" y2="{sy(y1):.2f}" '
            f'stroke="{RED}" stroke-width="2" stroke-dasharray="7 4"/>'
        )
    for name, x, y in points:
        tip = f"{name}: {x_fmt(x)}; {y_fmt(y)}"
        parts.append(
            f'<circle cx="{sx(x):.2f}" cy="{sy(y):.2f}" r="5" fill="{BLUE}" fill-opacity="0.8" stroke="#fff">'
            f"<title>{escape(tip)}</title></circle>"
        )
    parts.append(_legend(fitted, left))
    return _frame(chart_id, title, desc, width, height, "".join(parts))


def fit_text(fitted: Fit | None) -> str:
    """The fitted line in words: y = a + b·x, r² (or why there is none)."""
    if fitted is None:
        return "Ingen linje: der skal mindst 3 kommuner med forskellige værdier til"
    sign = "+" if fitted.slope >= 0 else "−"
    return (
        f"Tendenslinje y = {danish_number(fitted.intercept, 3)} {sign} {danish_number(abs(fitted.slope), 6)}·x, "
        f"r² = {danish_number(fitted.r2, 2)} ({fitted.n} kommuner)"
    )


def _legend(fitted: Fit | None, left: float) -> str:
    swatch = (
        f'<line x1="{left:.2f}" y1="16" x2="{left + 24:.2f}" y2="16" stroke="{RED}" stroke-width="2" '
        'stroke-dasharray="7 4"/>'
    )
    return f'<g class="legend">{swatch}{_label(left + 32, 16, fit_text(fitted), "start", INK)}</g>'


def _label(x: float, y: float, text: str, anchor: str, colour: str) -> str:
    return (
        f'<text x="{x:.2f}" y="{y:.2f}" text-anchor="{anchor}" dominant-baseline="central" fill="{colour}">'
        f"{escape(text)}</text>"
    )


def _frame(chart_id: str, title: str, desc: str, width: float, height: float, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="system-ui, \'Segoe UI\', \'DejaVu Sans\', sans-serif" '
        f'font-size="{FONT}"><title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>{body}</svg>'
    )
