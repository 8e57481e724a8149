"""The controller's monthly cycle (the seed's "Controllerrollen i dag") generated for a year from a few settings.

The seed shows one month of it (March 2023): the committee meets on the first Tuesday (7 March); then come two
case reviews (15 and 21 March), the controllers' follow-up (23), the follow-up meetings with the authority (27),
a joint follow-up meeting (28), a meeting to qualify the figures (29) and the deadline for the agenda at noon
(30 March) — the agenda of the committee's next meeting, on 4 April. Counted back from that meeting in working
days the steps lie 14 and 10, 8, 6, 5, 4 and 3 working days before it; those are the default lead times, and
with them `cycle_events` gives exactly the seed's March.

Counting in working days (not calendar days) keeps the cycle on working days across Easter, Christmas and the
other closed days of `dispo.domain.holidays`; a committee meeting that falls on a closed day moves to the next
working day.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum

from dispo.domain.holidays import closed_days_of, is_working_day

LAST_WEEK = -1
"""`committee_week` for the month's last such weekday."""
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag")
MAX_LEAD = 40
"""Longest lead time allowed, in working days: about two months, so a cycle never overtakes the one before."""


class EventKind(StrEnum):
    """The steps of the cycle, in the order they happen; the values are the iCalendar UIDs' words."""

    CASE_REVIEW = "sagsgennemgang"
    CONTROLLER_FOLLOW_UP = "controlleropfoelgning"
    FOLLOW_UP_MEETINGS = "opfoelgningsmoeder"
    JOINT_MEETING = "faellesmoede"
    QUALIFICATION_MEETING = "opsamlingsmoede"
    AGENDA_DEADLINE = "dagsorden"
    COMMITTEE_MEETING = "udvalgsmoede"


LABELS = {
    EventKind.CASE_REVIEW: "Sagsgennemgang",
    EventKind.CONTROLLER_FOLLOW_UP: "Controllere laver opfølgning",
    EventKind.FOLLOW_UP_MEETINGS: "Opfølgningsmøder – myndighed",
    EventKind.JOINT_MEETING: "Fællesmøde opfølgning",
    EventKind.QUALIFICATION_MEETING: "Mulighed for kvalificering – opsamlingsmøde",
    EventKind.AGENDA_DEADLINE: "Dagsorden udsendes – deadline",
    EventKind.COMMITTEE_MEETING: "Udvalgsmøde",
}

SHORT_LABELS = {
    EventKind.CASE_REVIEW: "Sags\u00adgennemgang",
    EventKind.CONTROLLER_FOLLOW_UP: "Controller\u00adopfølgning",
    EventKind.FOLLOW_UP_MEETINGS: "Opfølgnings\u00admøder",
    EventKind.JOINT_MEETING: "Fællesmøde",
    EventKind.QUALIFICATION_MEETING: "Opsamlings\u00admøde",
    EventKind.AGENDA_DEADLINE: "Dagsorden",
    EventKind.COMMITTEE_MEETING: "Udvalgs\u00admøde",
}
"""The labels a day of a month grid has room for, with soft hyphens where a narrow day may break them."""


@dataclass(frozen=True)
class CycleSettings:
    """When the committee meets and how many working days before each meeting the steps leading to it lie.

    A lead time of None leaves that step out; `case_review_leads` may hold several review days."""

    committee_weekday: int = 1
    committee_week: int = 1
    no_meeting_months: tuple[int, ...] = (7,)
    case_review_leads: tuple[int, ...] = (14, 10)
    controller_follow_up_lead: int | None = 8
    follow_up_meetings_lead: int | None = 6
    joint_meeting_lead: int | None = 5
    qualification_meeting_lead: int | None = 4
    agenda_deadline_lead: int | None = 3
    agenda_deadline_time: time = field(default=time(12, 0))

    def leads(self) -> list[tuple[EventKind, int]]:
        """Each step before the meeting with its lead time, longest lead first."""
        single = [
            (EventKind.CONTROLLER_FOLLOW_UP, self.controller_follow_up_lead),
            (EventKind.FOLLOW_UP_MEETINGS, self.follow_up_meetings_lead),
            (EventKind.JOINT_MEETING, self.joint_meeting_lead),
            (EventKind.QUALIFICATION_MEETING, self.qualification_meeting_lead),
            (EventKind.AGENDA_DEADLINE, self.agenda_deadline_lead),
        ]
        steps = [(EventKind.CASE_REVIEW, lead) for lead in self.case_review_leads]
        steps += [(kind, lead) for kind, lead in single if lead is not None]
        return sorted(steps, key=lambda step: -step[1])


def settings_problems(settings: CycleSettings) -> dict[str, str]:
    """Danish messages, per setting, for settings that cannot make a calendar; empty when all is well."""
    found: dict[str, str] = {}
    if not 0 <= settings.committee_weekday <= 4:
        found["committee_weekday"] = "Udvalget mødes på en hverdag: vælg mandag til fredag."
    if settings.committee_week not in (1, 2, 3, 4, LAST_WEEK):
        found["committee_week"] = "Vælg 1., 2., 3., 4. eller sidste uge i måneden."
    if any(not 1 <= month <= 12 for month in settings.no_meeting_months):
        found["no_meeting_months"] = "Måneder uden udvalgsmøde angives som tal fra 1 til 12, fx 7 for juli."
    if len(set(settings.no_meeting_months)) == 12:
        found["no_meeting_months"] = "Udvalget skal mødes mindst én måned om året."
    names = {
        "case_review_leads": settings.case_review_leads,
        "controller_follow_up_lead": (settings.controller_follow_up_lead,),
        "follow_up_meetings_lead": (settings.follow_up_meetings_lead,),
        "joint_meeting_lead": (settings.joint_meeting_lead,),
        "qualification_meeting_lead": (settings.qualification_meeting_lead,),
        "agenda_deadline_lead": (settings.agenda_deadline_lead,),
    }
    for name, leads in names.items():
        if any(lead is not None and not 1 <= lead <= MAX_LEAD for lead in leads):
            found[name] = f"Antal arbejdsdage før udvalgsmødet skal være mellem 1 og {MAX_LEAD}."
    return found


@dataclass(frozen=True)
class CycleEvent:
    """One step of the cycle on its day, and the committee meeting it leads to (the meeting itself for one)."""

    day: date
    kind: EventKind
    meeting: date
    at: time | None = None

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def short_label(self) -> str:
        return SHORT_LABELS[self.kind]


def _nth_weekday(year: int, month: int, weekday: int, week: int) -> date:
    """The `week`th `weekday` of the month (0 = Monday), or the last one for `LAST_WEEK`."""
    days_in_month = monthrange(year, month)[1]
    first = (weekday - date(year, month, 1).weekday()) % 7 + 1
    day = first + 7 * (week - 1) if week != LAST_WEEK else first + 7 * ((days_in_month - first) // 7)
    return date(year, month, day)


def _next_working_day(day: date, closed: frozenset[date]) -> date:
    while not is_working_day(day, closed):
        day += timedelta(days=1)
    return day


def working_days_before(day: date, count: int, closed: frozenset[date]) -> date:
    """The working day that lies `count` working days before `day` (`day` itself not counted)."""
    found = 0
    while found < count:
        day -= timedelta(days=1)
        found += is_working_day(day, closed)
    return day


def committee_meetings(year: int, settings: CycleSettings) -> list[date]:
    """The committee's meetings in `year`: the chosen weekday and week of every month with a meeting, moved to
    the next working day when that is a closed day."""
    closed = closed_days_of((year, year + 1))
    months = [m for m in range(1, 13) if m not in settings.no_meeting_months]
    return [
        _next_working_day(_nth_weekday(year, m, settings.committee_weekday, settings.committee_week), closed)
        for m in months
    ]


def cycle_events(year: int, settings: CycleSettings) -> list[CycleEvent]:
    """Every event of the cycle that falls in `year`, by day: the year's committee meetings and the steps
    leading to each meeting of this year and the next (December's steps lead to January's meeting)."""
    closed = closed_days_of((year - 1, year, year + 1))
    meetings = committee_meetings(year, settings) + committee_meetings(year + 1, settings)[:2]
    events = [CycleEvent(m, EventKind.COMMITTEE_MEETING, m) for m in meetings]
    for meeting in meetings:
        for kind, lead in settings.leads():
            at = settings.agenda_deadline_time if kind == EventKind.AGENDA_DEADLINE else None
            events.append(CycleEvent(working_days_before(meeting, lead, closed), kind, meeting, at))
    order = list(EventKind)
    in_year = [e for e in events if e.day.year == year]
    return sorted(in_year, key=lambda e: (e.day, e.at or time.min, order.index(e.kind)))
