"""The controller's calendar: settings stored per year, and the events as an iCalendar file (RFC 5545) that a
strict reader accepts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from django.core.exceptions import ValidationError

from dispo.domain.cycle_calendar import CycleEvent, CycleSettings, EventKind, cycle_events
from dispo.services.calendar import (
    cycle_settings,
    escape_text,
    event_table,
    events,
    fold,
    month_grid,
    save_settings,
    to_ics,
)

NOW = datetime(2025, 1, 2, 8, 30, tzinfo=UTC)


def unfold(ics: str) -> list[str]:
    """The content lines of an iCalendar text, checking the physical lines on the way: each ends in CRLF,
    holds at most 75 octets, and a continuation starts with one space."""
    assert ics.endswith("\r\n")
    physical = ics[:-2].split("\r\n")
    assert "\n" not in "".join(physical)
    lines: list[str] = []
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, line
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def components(lines: list[str]) -> list[dict[str, str]]:
    """The VEVENTs as property → value, checking that every BEGIN has its END."""
    stack: list[str] = []
    found: list[dict[str, str]] = []
    for line in lines:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                found.append({})
        elif name == "END":
            assert stack.pop() == value
        elif stack[-1] == "VEVENT":
            assert name not in found[-1], f"{name} twice"
            found[-1][name] = value
    assert stack == []
    return found


def test_the_seeds_march_as_icalendar_events() -> None:
    march = [e for e in cycle_events(2023, CycleSettings()) if e.day.month == 3]
    lines = unfold(to_ics(2023, march, now=NOW))
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert any(line.startswith("PRODID:") for line in lines)
    parsed = components(lines)
    assert len(parsed) == 10
    assert all(e["DTSTAMP"] == "20250102T083000Z" for e in parsed)
    assert len({e["UID"] for e in parsed}) == 10
    agenda = [e for e in parsed if e["SUMMARY"].startswith("Dagsorden") and "20230330" in e["UID"]]
    assert agenda[0]["DTSTART;TZID=Europe/Copenhagen"] == "20230330T120000"
    committee = next(e for e in parsed if e["SUMMARY"] == "Udvalgsmøde")
    assert (committee["DTSTART;VALUE=DATE"], committee["DTEND;VALUE=DATE"]) == ("20230307", "20230308")
    review = next(e for e in parsed if e["SUMMARY"] == "Sagsgennemgang")
    assert (
        review["DESCRIPTION"] == "Led i forberedelsen af udvalgsmødet 04-04-2023\\, jf. controllerens kalender i dispo."
    )


def test_text_is_escaped_and_long_lines_fold_between_characters() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    long = "SUMMARY:" + "æøå" * 40
    folded = fold(long)
    assert folded.replace("\r\n ", "") == long
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))


def test_the_uid_of_an_event_stays_the_same_when_the_file_is_made_again() -> None:
    event = [CycleEvent(date(2025, 5, 6), EventKind.COMMITTEE_MEETING, date(2025, 5, 6))]
    first = components(unfold(to_ics(2025, event, now=NOW)))[0]["UID"]
    again = components(unfold(to_ics(2025, event, now=datetime(2025, 3, 1, tzinfo=UTC))))[0]["UID"]
    assert first == again == "20250506-udvalgsmoede-20250506@dispo-999"


@pytest.mark.django_db
def test_settings_are_stored_per_year_and_bad_ones_change_nothing() -> None:
    assert cycle_settings(2025) == CycleSettings()
    wednesdays = CycleSettings(committee_weekday=2, case_review_leads=(10, 12), agenda_deadline_time=time(10, 0))
    save_settings(2025, wednesdays, "karen")
    stored = cycle_settings(2025)
    assert (stored.committee_weekday, stored.case_review_leads, stored.agenda_deadline_time) == (2, (12, 10), time(10))
    assert cycle_settings(2026) == CycleSettings()
    with pytest.raises(ValidationError):
        save_settings(2025, CycleSettings(committee_weekday=6), "karen")
    assert cycle_settings(2025).committee_weekday == 2
    # The first Wednesday of May 2025 is the 7th.
    assert date(2025, 5, 7) in {e.day for e in events(2025) if e.kind == EventKind.COMMITTEE_MEETING}


def test_a_month_is_laid_out_in_weeks_from_monday() -> None:
    weeks = month_grid(2023, 3, [CycleEvent(date(2023, 3, 7), EventKind.COMMITTEE_MEETING, date(2023, 3, 7))])
    assert weeks[0][:2] == [None, None]  # 1 March 2023 is a Wednesday
    first = weeks[0][2]
    assert first is not None
    assert first[0] == date(2023, 3, 1)
    assert len(weeks) == 5
    tuesday = weeks[1][1]
    assert tuesday is not None
    assert (tuesday[0], [e.label for e in tuesday[1]]) == (date(2023, 3, 7), ["Udvalgsmøde"])
    assert all(len(week) == 7 for week in weeks)


def test_the_event_table_has_a_row_per_event_with_danish_weekdays() -> None:
    table = event_table([CycleEvent(date(2023, 3, 30), EventKind.AGENDA_DEADLINE, date(2023, 4, 4), time(12))])
    assert table.rows() == [(date(2023, 3, 30), "tor", "12.00", "Dagsorden udsendes – deadline", date(2023, 4, 4))]
