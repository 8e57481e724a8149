"""Follow-ups for the demo municipality, so the list, the series and the committee report have content."""

from __future__ import annotations

import calendar
from datetime import date

from django.contrib.auth.models import User

from dispo.services.followups.report import PART_LABELS, changed_parts, largest_changes
from dispo.services.followups.snapshot import approve, comment_line, create_followup
from dispo.store.followups.models import FollowUp

COMMENTED = 3
"""How many of each follow-up's largest changes get a comment."""


def month_ends(today: date) -> list[date]:
    """The last day of every month of `today`'s year before `today`'s month."""
    return [date(today.year, m, calendar.monthrange(today.year, m)[1]) for m in range(1, today.month)]


def seed_demo_followups(today: date, username: str = "controller") -> list[FollowUp]:
    """A follow-up at the end of each earlier month of the year, made by `username`: all approved except the
    newest, a draft; each with a comment on its largest changes. Does nothing when the year has follow-ups."""
    if FollowUp.objects.filter(year=today.year).exists():
        return []
    user = User.objects.get(username=username)
    made = []
    ends = month_ends(today)
    for n, day in enumerate(ends):
        followup = create_followup(day, user)
        for line in largest_changes(list(followup.lines.all()), COMMENTED):
            parts = changed_parts(line)
            if parts:
                part, _ = max(parts, key=lambda p: abs(p[1]))
                comment_line(line, f"Demo: ændringen skyldes især {PART_LABELS[part].lower()}.", user)
        made.append(approve(followup, user) if n < len(ends) - 1 else followup)
    return made
