"""The waterfall chart of why expenses grow, drawn as inline SVG in the style of `dispo.web.charts`.

A waterfall reads left to right: the first year's expenses as a bar from zero, then each cause of the change as
a bar floating from where the previous one ended (up in blue, down in red), and the second year's expenses as a
bar from zero again. The parts add up, so the last floating bar ends exactly where the second year's bar does.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from dispo.services.exports import danish_number
from dispo.web.charts import (
    BLUE,
    CHAR,
    GRID,
    INK,
    MUTED,
    RED,
    Scale,
    Series,
    kroner_short,
    nice_ticks,
    svg_document,
    svg_line,
    svg_text,
)


def waterfall_chart(
    chart_id: str,
    title: str,
    desc: str,
    start: tuple[str, float],
    steps: Sequence[tuple[str, float]],
    end: tuple[str, float],
    width: int = 640,
    height: int = 300,
) -> str:
    """A vertical waterfall: `start` and `end` as (label, total) bars from zero, `steps` as (label, change)
    bars floating between them."""
    levels = [start[1]]
    for _, change in steps:
        levels.append(levels[-1] + change)
    low, high = min(0.0, *levels, end[1]), max(0.0, *levels, end[1])
    ticks = nice_ticks(low, high, 5)
    left = max(len(kroner_short(t)) for t in ticks) * CHAR + 16
    top, bottom = 24.0, height - 30.0
    y = Scale(ticks[-1], ticks[0], top, bottom)
    labels = [start[0], *(name for name, _ in steps), end[0]]
    slot = (width - left - 8) / len(labels)
    bar = min(64.0, slot * 0.6)
    parts = [svg_line(left, y(t), width - 8, y(t), INK if t == 0 else GRID, 1) for t in ticks]
    parts += [svg_text(left - 8, y(t), kroner_short(t), "end", MUTED) for t in ticks]
    bars = [(start[0], 0.0, start[1], BLUE, start[1])]
    bars += [
        (name, levels[i], levels[i + 1], BLUE if change >= 0 else RED, change) for i, (name, change) in enumerate(steps)
    ]
    bars.append((end[0], 0.0, end[1], BLUE, end[1]))
    for i, (name, frm, to, colour, value) in enumerate(bars):
        x = left + i * slot + (slot - bar) / 2
        y0, y1 = sorted((y(frm), y(to)))
        shown = kroner_short(value) if i in (0, len(bars) - 1) else _signed(value)
        tip = f"{name}: {danish_number(value, 0)} kr."
        parts.append(
            f'<rect class="bar" x="{x:.2f}" y="{y0:.2f}" width="{bar:.2f}" height="{max(y1 - y0, 1.0):.2f}" '
            f'fill="{colour}"><title>{escape(tip)}</title></rect>'
        )
        parts.append(svg_text(x + bar / 2, y0 - 9, shown, "middle", INK))
        parts.append(svg_text(x + bar / 2, bottom + 16, name, "middle", INK))
        if 0 < i < len(bars) - 1 or i == 0:
            parts.append(svg_line(x + bar, y(to), x + slot, y(to), MUTED, 1, dash="3 3"))
    series = [Series("Stigning", [], "solid", BLUE), Series("Fald", [], "solid", RED)]
    return svg_document(chart_id, title, desc, width, height, series, "".join(parts))


def _signed(value: float) -> str:
    return ("+" if value >= 0 else "−") + kroner_short(abs(value))
