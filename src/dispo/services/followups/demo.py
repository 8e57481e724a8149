"""Follow-ups for the demo municipality, so the list, the series and the committee report have content.

The demo is made in one go, today, but its follow-ups stand at the past month-ends. Freezing today's ledger at
each of them would show only payments that differ from the grants from one month to the next. So each month's
follow-up is replayed from the ledger as it was known on its month-end (`engine.knowledge.as_known_on` with the
imported known.csv): the grants decided after it are left out, ends registered after it are not yet known, and
only the payments booked by then count. Consecutive follow-ups then differ as real ones do: new grants, ended
grants, expected grants registered, payments. The total line of each says in its comment that it is replayed.
"""

from __future__ import annotations

import calendar
from datetime import date

import polars as pl
from django.contrib.auth.models import User

from dispo.engine.knowledge import as_known_on
from dispo.services import current
from dispo.services.followups.report import PART_LABELS, changed_parts, largest_changes
from dispo.services.followups.snapshot import approve, comment_line, create_followup
from dispo.services.ledger import Ledger
from dispo.store.followups.models import FollowUp
from dispo.store.knowledge.loading import load_known

COMMENTED = 3
"""How many of each follow-up's largest changes get a comment."""


def month_ends(today: date) -> list[date]:
    """The last day of every month of `today`'s year before `today`'s month."""
    return [date(today.year, m, calendar.monthrange(today.year, m)[1]) for m in range(1, today.month)]


def ledger_known_on(ledger: Ledger, known: pl.DataFrame, day: date) -> Ledger:
    """`ledger` as it stood on `day`: its grants, payments and rates as `as_known_on` leaves them (the grants
    in the canonical columns), every other table as it is."""
    seen = as_known_on(ledger["grants"], ledger["payments"], ledger["rates"], known, day)
    return Ledger(
        {
            **ledger.tables,
            "grants": seen.grants.select(ledger["grants"].columns).collect(),
            "payments": seen.payments.collect(),
            "rates": seen.rates.collect(),
        }
    )


def replay_note(day: date) -> str:
    return (
        f"Demo: opfølgningen er genskabt bagefter ud fra bevillinger, ophør og betalinger, "
        f"som de var registreret pr. {day:%d-%m-%Y}."
    )


def seed_demo_followups(today: date, username: str = "controller") -> list[FollowUp]:
    """A follow-up at the end of each earlier month of the year, made by `username` from the ledger as known on
    that day: all approved except the newest, a draft; each with a comment on its largest changes and one on
    its total saying it is replayed. Does nothing when the year has follow-ups.

    An expected grant without a known date counts as known all along (`engine.knowledge`): the ledger keeps no
    day it was registered. The demo's known.csv gives every grant a date, so none falls under that rule."""
    if FollowUp.objects.filter(year=today.year).exists():
        return []
    user = User.objects.get(username=username)
    ledger, known = current.ledger(), load_known()
    made = []
    ends = month_ends(today)
    for n, day in enumerate(ends):
        followup = create_followup(day, user, ledger=ledger_known_on(ledger, known, day))
        _comment(followup, user)
        made.append(approve(followup, user) if n < len(ends) - 1 else followup)
    return made


def _comment(followup: FollowUp, user: User) -> None:
    """The replay note on the total line, and on each of the largest changes the part that moved it most."""
    comment_line(followup.lines.get(level="total"), replay_note(followup.as_of), user)
    for line in largest_changes(list(followup.lines.all()), COMMENTED):
        parts = changed_parts(line)
        if parts:
            part, _ = max(parts, key=lambda p: abs(p[1]))
            comment_line(line, f"Demo: ændringen skyldes især {PART_LABELS[part].lower()}.", user)
