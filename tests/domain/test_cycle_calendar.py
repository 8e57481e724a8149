"""The controller's monthly cycle and the closed days it counts around, with hand-worked dates."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispo.domain.cycle_calendar import (
    LAST_WEEK,
    CycleSettings,
    EventKind,
    committee_meetings,
    cycle_events,
    settings_problems,
    working_days_before,
)
from dispo.domain.holidays import closed_days, closed_days_of, easter_sunday, is_working_day


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2000, date(2000, 4, 23)),
        (2023, date(2023, 4, 9)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter_sunday_follows_the_gregorian_computus(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_the_closed_days_of_2025_are_the_holidays_and_the_administrations_days_off() -> None:
    # Easter 2025 is 20 April: skærtorsdag −3, langfredag −2, 2. påskedag +1, Kristi himmelfart +39 (29 May),
    # pinse +49 and +50 (8 and 9 June).
    assert dict(closed_days(2025)) == {
        date(2025, 1, 1): "Nytårsdag",
        date(2025, 4, 17): "Skærtorsdag",
        date(2025, 4, 18): "Langfredag",
        date(2025, 4, 20): "Påskedag",
        date(2025, 4, 21): "2. påskedag",
        date(2025, 5, 29): "Kristi himmelfartsdag",
        date(2025, 6, 5): "Grundlovsdag",
        date(2025, 6, 8): "Pinsedag",
        date(2025, 6, 9): "2. pinsedag",
        date(2025, 12, 24): "Juleaftensdag",
        date(2025, 12, 25): "Juledag",
        date(2025, 12, 26): "2. juledag",
        date(2025, 12, 31): "Nytårsaftensdag",
    }


def test_store_bededag_is_closed_until_2023_and_a_working_day_from_2024() -> None:
    # Fourth Friday after Easter: 9 April 2023 + 26 days = 5 May 2023; 31 March 2024 + 26 = 26 April 2024.
    assert closed_days(2023)[date(2023, 5, 5)] == "Store bededag"
    assert date(2024, 4, 26) not in closed_days(2024)
    assert is_working_day(date(2024, 4, 26), closed_days_of([2024]))


def test_working_days_are_counted_back_over_weekends_and_holidays() -> None:
    closed = closed_days_of([2025, 2026])
    # From Tuesday 22 April 2025 one working day back jumps Easter Monday, the weekend, Good Friday and
    # Maundy Thursday to Wednesday 16 April.
    assert working_days_before(date(2025, 4, 22), 1, closed) == date(2025, 4, 16)
    # From Tuesday 6 January 2026 three back: 5 Jan, 2 Jan, (1 Jan, 31 Dec closed) 30 Dec 2025.
    assert working_days_before(date(2026, 1, 6), 3, closed) == date(2025, 12, 30)


def test_the_default_settings_give_the_seeds_march_2023() -> None:
    # The seed: committee 7 March; case reviews 15 and 21; controllers' follow-up 23; follow-up meetings 27;
    # joint meeting 28; qualification 29; agenda deadline 30 March at noon — for the meeting of 4 April.
    march = [(e.day, e.kind, e.at) for e in cycle_events(2023, CycleSettings()) if e.day.month == 3]
    april_4 = [e for e in cycle_events(2023, CycleSettings()) if e.meeting == date(2023, 4, 4)]
    assert march[2:] == [
        (date(2023, 3, 7), EventKind.COMMITTEE_MEETING, None),
        (date(2023, 3, 15), EventKind.CASE_REVIEW, None),
        (date(2023, 3, 21), EventKind.CASE_REVIEW, None),
        (date(2023, 3, 23), EventKind.CONTROLLER_FOLLOW_UP, None),
        (date(2023, 3, 27), EventKind.FOLLOW_UP_MEETINGS, None),
        (date(2023, 3, 28), EventKind.JOINT_MEETING, None),
        (date(2023, 3, 29), EventKind.QUALIFICATION_MEETING, None),
        (date(2023, 3, 30), EventKind.AGENDA_DEADLINE, time(12, 0)),
    ]
    assert len(april_4) == 8
    # The first two of March lead to the 7 March meeting: 4 and 3 working days before it.
    assert march[:2] == [
        (date(2023, 3, 1), EventKind.QUALIFICATION_MEETING, None),
        (date(2023, 3, 2), EventKind.AGENDA_DEADLINE, time(12, 0)),
    ]


def test_the_cycle_before_the_may_2025_meeting_steps_around_easter() -> None:
    # Meeting Tuesday 6 May 2025. Back from it: 5 May (1), 2 (2), 1 (3), 30 Apr (4), 29 (5), 28 (6), 25 (7),
    # 24 (8), 23 (9), 22 (10); then 21 (2. påskedag), 18 (langfredag) and 17 (skærtorsdag) are closed: 16 (11),
    # 15 (12), 14 (13), 11 April (14).
    cycle = {(e.kind, e.day) for e in cycle_events(2025, CycleSettings()) if e.meeting == date(2025, 5, 6)}
    assert cycle == {
        (EventKind.CASE_REVIEW, date(2025, 4, 11)),
        (EventKind.CASE_REVIEW, date(2025, 4, 22)),
        (EventKind.CONTROLLER_FOLLOW_UP, date(2025, 4, 24)),
        (EventKind.FOLLOW_UP_MEETINGS, date(2025, 4, 28)),
        (EventKind.JOINT_MEETING, date(2025, 4, 29)),
        (EventKind.QUALIFICATION_MEETING, date(2025, 4, 30)),
        (EventKind.AGENDA_DEADLINE, date(2025, 5, 1)),
        (EventKind.COMMITTEE_MEETING, date(2025, 5, 6)),
    }


def test_a_year_holds_the_steps_towards_next_januarys_meeting_but_not_the_meeting() -> None:
    events = cycle_events(2025, CycleSettings())
    agenda = [e for e in events if e.kind == EventKind.AGENDA_DEADLINE and e.meeting == date(2026, 1, 6)]
    assert [e.day for e in agenda] == [date(2025, 12, 30)]
    assert all(e.day.year == 2025 for e in events)
    assert date(2026, 1, 6) not in {e.day for e in events}


def test_july_has_no_meeting_by_default_and_the_august_cycle_reaches_back_into_july() -> None:
    meetings = committee_meetings(2025, CycleSettings())
    assert len(meetings) == 11
    assert not [m for m in meetings if m.month == 7]
    # First Tuesday of August 2025 is the 5th; three working days back: 4 Aug, 1 Aug, 31 July.
    agenda = [e.day for e in cycle_events(2025, CycleSettings()) if e.meeting == date(2025, 8, 5)]
    assert date(2025, 7, 31) in agenda


def test_a_meeting_on_a_holiday_moves_to_the_next_working_day() -> None:
    # The first Monday of April 2026 is 2. påskedag (6 April): the meeting is on Tuesday 7 April.
    mondays = committee_meetings(2026, CycleSettings(committee_weekday=0))
    assert date(2026, 4, 7) in mondays
    assert date(2026, 4, 6) not in mondays


def test_the_last_thursday_of_the_month() -> None:
    settings = CycleSettings(committee_weekday=3, committee_week=LAST_WEEK, no_meeting_months=())
    meetings = committee_meetings(2025, settings)
    assert meetings[10] == date(2025, 11, 27)
    assert meetings[0] == date(2025, 1, 30)


def test_settings_that_cannot_make_a_calendar_are_refused_in_danish() -> None:
    problems = settings_problems(
        CycleSettings(committee_weekday=5, committee_week=5, case_review_leads=(0,), no_meeting_months=(13,))
    )
    assert problems == {
        "committee_weekday": "Udvalget mødes på en hverdag: vælg mandag til fredag.",
        "committee_week": "Vælg 1., 2., 3., 4. eller sidste uge i måneden.",
        "no_meeting_months": "Måneder uden udvalgsmøde angives som tal fra 1 til 12, fx 7 for juli.",
        "case_review_leads": "Antal arbejdsdage før udvalgsmødet skal være mellem 1 og 40.",
    }
    assert settings_problems(CycleSettings()) == {}


@given(
    year=st.integers(2000, 2060),
    weekday=st.integers(0, 4),
    week=st.sampled_from([1, 2, 3, 4, LAST_WEEK]),
    leads=st.lists(st.integers(1, 40), min_size=1, max_size=3),
)
def test_every_event_falls_on_a_working_day_before_its_meeting(
    year: int, weekday: int, week: int, leads: list[int]
) -> None:
    settings = CycleSettings(committee_weekday=weekday, committee_week=week, case_review_leads=tuple(leads))
    closed = closed_days_of([year - 1, year, year + 1])
    for event in cycle_events(year, settings):
        assert is_working_day(event.day, closed)
        assert event.day <= event.meeting
        assert event.day.year == year
