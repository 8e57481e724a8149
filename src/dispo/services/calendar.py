"""The controller's calendar: the year's settings, its events, the follow-ups made, and the events as
iCalendar (RFC 5545).

The events come from `dispo.domain.cycle_calendar`; a year without stored settings uses the defaults, which
reproduce the seed's month. The iCalendar file is written here (it is small): text escaped, lines ended by CRLF
and folded at 75 octets, a stable UID per event so that a calendar that imports the file again updates its
events instead of doubling them, and the agenda deadline at its time in Danish local time (Europe/Copenhagen).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError

from dispo.domain.cycle_calendar import CycleEvent, CycleSettings, cycle_events, settings_problems
from dispo.domain.holidays import closed_days
from dispo.store.followups.models import FollowUp
from dispo.store.reviews.models import CalendarSettings

TIMEZONE = "Europe/Copenhagen"
VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TIMEZONE}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)
LINE_OCTETS = 75


def cycle_settings(year: int) -> CycleSettings:
    """The year's stored settings, or the defaults when none are stored."""
    stored = CalendarSettings.objects.filter(year=year).first()
    if stored is None:
        return CycleSettings()
    return CycleSettings(
        committee_weekday=stored.committee_weekday,
        committee_week=stored.committee_week,
        no_meeting_months=tuple(stored.no_meeting_months),
        case_review_leads=tuple(stored.case_review_leads),
        controller_follow_up_lead=stored.controller_follow_up_lead,
        follow_up_meetings_lead=stored.follow_up_meetings_lead,
        joint_meeting_lead=stored.joint_meeting_lead,
        qualification_meeting_lead=stored.qualification_meeting_lead,
        agenda_deadline_lead=stored.agenda_deadline_lead,
        agenda_deadline_time=stored.agenda_deadline_time,
    )


def save_settings(year: int, settings: CycleSettings, user: str) -> None:
    """Store the year's settings; `ValidationError` with a Danish message per setting, and nothing saved, when
    they cannot make a calendar."""
    problems = settings_problems(settings)
    if problems:
        raise ValidationError(problems)
    values: dict[str, Any] = asdict(settings)
    values["no_meeting_months"] = sorted(set(settings.no_meeting_months))
    values["case_review_leads"] = sorted(set(settings.case_review_leads), reverse=True)
    CalendarSettings.objects.update_or_create(year=year, defaults={**values, "updated_by": user})


def events(year: int) -> list[CycleEvent]:
    return cycle_events(year, cycle_settings(year))


def event_table(items: Iterable[CycleEvent]) -> pl.DataFrame:
    """The events as a table for the page's list and its downloads (dates as dates, Danish text)."""
    rows = [
        {
            "day": e.day,
            "weekday": ("man", "tir", "ons", "tor", "fre", "lør", "søn")[e.day.weekday()],
            "time": e.at.strftime("%H.%M") if e.at else "",
            "label": e.label,
            "meeting": e.meeting,
        }
        for e in items
    ]
    schema = {"day": pl.Date, "weekday": pl.String, "time": pl.String, "label": pl.String, "meeting": pl.Date}
    return pl.DataFrame(rows, schema=schema)


def holiday_table(year: int) -> pl.DataFrame:
    days = closed_days(year)
    return pl.DataFrame({"day": list(days), "name": list(days.values())}, schema={"day": pl.Date, "name": pl.String})


def escape_text(text: str) -> str:
    """A TEXT value as RFC 5545 §3.3.11 writes it: backslash, semicolon, comma and newline escaped."""
    escaped = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded so that no line exceeds 75 octets (RFC 5545 §3.1): CRLF and one space before each
    continuation, never splitting a UTF-8 character."""
    parts: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _event_lines(event: CycleEvent, stamp: str, municipality: str) -> list[str]:
    meeting = event.meeting.strftime("%d-%m-%Y")
    description = (
        f"Udvalgsmøde {meeting}."
        if event.kind == "udvalgsmoede"
        else f"Led i forberedelsen af udvalgsmødet {meeting}, jf. controllerens kalender i dispo."
    )
    if event.at is None:
        when = [
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}",
            "TRANSP:TRANSPARENT",
        ]
    else:
        when = [f"DTSTART;TZID={TIMEZONE}:{datetime.combine(event.day, event.at):%Y%m%dT%H%M%S}"]
    return [
        "BEGIN:VEVENT",
        f"UID:{event.day:%Y%m%d}-{event.kind}-{event.meeting:%Y%m%d}@dispo-{municipality}",
        f"DTSTAMP:{stamp}",
        *when,
        f"SUMMARY:{escape_text(event.label)}",
        f"DESCRIPTION:{escape_text(description)}",
        "END:VEVENT",
    ]


def to_ics(year: int, items: Iterable[CycleEvent], now: datetime | None = None) -> str:
    """The events as an iCalendar file (CRLF line ends, folded lines), named after the municipality."""
    municipality = django_settings.MUNICIPALITY
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//dispo//Controllerens kalender//DA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(f'Controllerens kalender {year}, {django_settings.MUNICIPALITY_NAME}')}",
        f"X-WR-TIMEZONE:{TIMEZONE}",
        *VTIMEZONE,
    ]
    for event in items:
        lines += _event_lines(event, stamp, municipality)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


Cell = tuple[date, list[CycleEvent], list[FollowUp]]


def followups_by_day(year: int) -> dict[date, list[FollowUp]]:
    """The follow-ups made with an as-of date in the year, by that date: the calendar shows what the cycle
    produced beside what it planned."""
    by_day: dict[date, list[FollowUp]] = {}
    for followup in FollowUp.objects.filter(as_of__year=year).order_by("as_of"):
        by_day.setdefault(followup.as_of, []).append(followup)
    return by_day


def month_grid(
    year: int, month: int, items: Iterable[CycleEvent], followups: Mapping[date, list[FollowUp]] | None = None
) -> list[list[Cell | None]]:
    """The month as weeks of seven days (Monday first; None outside the month), each day with its events and
    the follow-ups as of that day."""
    by_day: dict[date, list[CycleEvent]] = {}
    for event in items:
        by_day.setdefault(event.day, []).append(event)
    made = followups or {}
    first = date(year, month, 1)
    cells: list[Cell | None] = [None] * first.weekday()
    day = first
    while day.month == month:
        cells.append((day, by_day.get(day, []), made.get(day, [])))
        day += timedelta(days=1)
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def parse_leads(text: str) -> tuple[int, ...]:
    """Lead times typed as "14, 10" (commas or spaces)."""
    parts = [p for p in text.replace(",", " ").split() if p]
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise ValidationError({"case_review_leads": "Skriv antal arbejdsdage som hele tal, fx 14, 10."}) from None
