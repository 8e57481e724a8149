"""A citizen's grants as a timeline: one bar per grant from its start to its end, drawn by
`dispo/ledger/_timeline.html` as an SVG with a text alternative.

The geometry is worked out here, in a pure function, so that it is tested without a browser: the template only
places what it is given. The view shows whole years, up to and including the year asked about; a grant that
goes on past the view (or has no end) ends in an arrow, one that began before it starts with one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Protocol

from dispo.domain.paragraphs import UnknownParagraph, label, paragraph

WIDTH = 960
LABEL_WIDTH = 190
RIGHT_MARGIN = 24
AXIS_HEIGHT = 34
ROW_HEIGHT = 30
BAR_HEIGHT = 18
MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
STATUS_LABELS = {"bevilget": "Bevilget", "forventet": "Forventet", "afsluttet": "Afsluttet"}


class TimelineGrant(Protocol):
    """What the timeline needs of a grant (a `store.models.Grant` has it)."""

    @property
    def grant_id(self) -> str: ...
    @property
    def paragraph(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date | None: ...


@dataclass(frozen=True)
class Entry:
    """A grant as the timeline names it."""

    grant_id: str
    short_label: str
    label: str
    status: str
    status_label: str
    start: date
    end: date | None


@dataclass(frozen=True)
class Bar(Entry):
    """A grant in view, with where its bar goes."""

    x: float
    width: float
    y: float
    began_before: bool
    goes_on: bool
    """The grant continues after the view: no end, or an end after it (drawn with an arrow)."""

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def height(self) -> int:
        return BAR_HEIGHT

    @property
    def text_y(self) -> float:
        """The baseline of the row's label, centred on the bar."""
        return self.y + BAR_HEIGHT / 2 + 4

    @property
    def arrow_top(self) -> float:
        return self.y - 3


@dataclass(frozen=True)
class Tick:
    x: float
    text: str
    text_x: float
    major: bool


@dataclass(frozen=True)
class Timeline:
    first: date
    last: date
    bars: list[Bar]
    ticks: list[Tick]
    marker_x: float | None
    """Where the as-of day is, if it is in view."""
    outside: list[Entry]
    """Grants outside the view (ended before it or starting after it): in the text alternative only."""
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def hidden(self) -> int:
        return len(self.outside)

    @property
    def height(self) -> int:
        return AXIS_HEIGHT + ROW_HEIGHT * max(len(self.bars), 1) + 8

    @property
    def label_x(self) -> int:
        return self.label_width - 10

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT_MARGIN

    @property
    def bottom(self) -> int:
        return self.height - 4


def _labels(code: str) -> tuple[str, str]:
    """The short label for the bar ("SEL § 108") and the full one; an unknown code stands for itself."""
    try:
        found = paragraph(code)
    except UnknownParagraph:
        return code, code
    return f"{found.law} § {found.section}", label(code)


def timeline(grants: Iterable[TimelineGrant], year: int, as_of: date | None = None, years: int = 3) -> Timeline:
    """The timeline of `grants` over whole years up to `year`: from the year the earliest grant starts, but at
    most `years` years back. Bars are ordered by start; an open end runs to the view's last day."""
    listed = sorted(grants, key=lambda g: (g.start, g.grant_id))
    earliest = min((g.start.year for g in listed), default=year)
    first, last = date(min(max(earliest, year - years + 1), year), 1, 1), date(year, 12, 31)
    span = (last - first).days + 1
    plot = WIDTH - RIGHT_MARGIN - LABEL_WIDTH

    def x_of(day: date) -> float:
        return LABEL_WIDTH + plot * (day - first).days / span

    def in_view(grant: TimelineGrant) -> bool:
        return grant.start <= last and (grant.end is None or grant.end >= first)

    shown = [g for g in listed if in_view(g)]
    bars = []
    for row, grant in enumerate(shown):
        begin, finish = max(grant.start, first), min(grant.end or last, last)
        bars.append(
            Bar(
                **asdict(_entry(grant)),
                x=x_of(begin),
                width=max(x_of(finish + timedelta(days=1)) - x_of(begin), 2.0),
                y=AXIS_HEIGHT + row * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                began_before=grant.start < first,
                goes_on=grant.end is None or grant.end > last,
            )
        )
    marker = x_of(as_of) if as_of is not None and first <= as_of <= last else None
    outside = [_entry(g) for g in listed if not in_view(g)]
    return Timeline(first, last, bars, _ticks(first, last, x_of), marker, outside)


def _entry(grant: TimelineGrant) -> Entry:
    short, full = _labels(grant.paragraph)
    status = STATUS_LABELS.get(grant.status, grant.status)
    return Entry(grant.grant_id, short, full, grant.status, status, grant.start, grant.end)


def _ticks(first: date, last: date, x_of: Callable[[date], float]) -> list[Tick]:
    """A tick at each new year, labelled in the middle of its year; with one year in view, at each month."""
    if first.year == last.year:
        starts = [date(first.year, m, 1) for m in range(1, 13)]
        ends = [*starts[1:], last + timedelta(days=1)]
        return [
            Tick(x_of(s), MONTHS[s.month - 1], (x_of(s) + x_of(e)) / 2, s.month == 1)
            for s, e in zip(starts, ends, strict=True)
        ]
    return [
        Tick(x_of(date(y, 1, 1)), str(y), (x_of(date(y, 1, 1)) + x_of(date(y, 12, 31))) / 2, True)
        for y in range(first.year, last.year + 1)
    ]
