"""The demo's follow-ups replayed from the ledger as it was known at each month-end, on the tiny ledger.

The tiny ledger of support/world.py with g1 ending 30 June 2025, and the days each grant became known:
- g1 decided 10-12-2024, its end (30-06-2025) registered 20-03-2025;
- g2 decided 10-02-2025 (1 April to 30 September, known from the decision);
- g3 registered as expected 05-03-2025; g4 ended in 2024.
The demo is made on 15 April 2025: follow-ups at 31 January, 28 February and 31 March.
- 31 January: only g1 is known, running until further notice: January booked 31,000 + February–December
  334 days × 1,000 = 365,000.
- 28 February: g1 as before (February booked 28,000 = computed); g2 is new: 183 days × 10 h × 350 / 7 =
  91,500. Total 456,500, change +91,500, all new.
- 31 March: g1's end is known: 31,000 + (28,000 − 1,000 booked 10 March) + 122 days (March–June) × 1,000 =
  180,000, computed 181 × 1,000 = 181,000; its change −185,000 is the end brought forward (181 − 365) × 1,000 =
  −184,000 and payments 180,000 − 181,000 = −1,000. g3 is expected: 92 days × 2,000 × 0.5 = +92,000.
  Total 180,000 + 91,500 + 92,000 = 363,500, change −93,000 = −184,000 + 92,000 − 1,000.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from django.contrib.auth.models import User
from support.world import write_world

from dispo.engine.changes import PARTS
from dispo.engine.knowledge import KNOWN
from dispo.services import current
from dispo.services.followups.demo import ledger_known_on, replay_note, seed_demo_followups
from dispo.services.followups.snapshot import CHANGE_FIELDS, frozen_grants, grant_table
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.store.followups.models import FollowUp, FollowUpLine
from dispo.store.knowledge.loading import save_known

pytestmark = pytest.mark.django_db
TODAY = date(2025, 4, 15)
JANUARY, FEBRUARY, MARCH = date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)
KNOWN_DATES = pl.DataFrame(
    {
        "grant_id": ["g1", "g2", "g3", "g4"],
        "known_on": [date(2024, 12, 10), date(2025, 2, 10), date(2025, 3, 5), date(2023, 12, 1)],
        "end_known_on": [date(2025, 3, 20), date(2025, 2, 10), None, date(2023, 12, 1)],
    },
    schema=KNOWN,
)


@pytest.fixture
def demo(tmp_path: Path) -> list[FollowUp]:
    folder = write_world(tmp_path / "world")
    grants = folder / "grants.csv"
    grants.write_text(grants.read_text().replace("dag,1000,,2025-01-01,,", "dag,1000,,2025-01-01,2025-06-30,"))
    import_ledger(Ledger.from_folder(folder), user="test", reason="Import")
    save_known(KNOWN_DATES)
    User.objects.create_user("controller")
    return seed_demo_followups(TODAY)


def total(followup: FollowUp) -> FollowUpLine:
    return followup.lines.get(level="total")


def parts(line: FollowUpLine) -> dict[str, float]:
    return {part: getattr(line, field) for part, field in CHANGE_FIELDS.items() if getattr(line, field)}


def test_each_month_end_freezes_only_the_grants_known_on_it(demo: list[FollowUp]) -> None:
    assert [(f.as_of, f.status) for f in demo] == [(JANUARY, "godkendt"), (FEBRUARY, "godkendt"), (MARCH, "kladde")]
    assert [grant_table(f)["grant_id"].to_list() for f in demo] == [["g1"], ["g1", "g2"], ["g1", "g2", "g3"]]
    # g1's end was registered on 20 March: until then it ran until further notice.
    assert [grant_table(f).filter(pl.col("grant_id") == "g1")["end"].item() for f in demo] == [
        None,
        None,
        date(2025, 6, 30),
    ]
    assert [total(f).forecast for f in demo] == pytest.approx([365_000.0, 456_500.0, 363_500.0])


def test_a_grant_decided_during_the_month_is_new_in_its_follow_up(demo: list[FollowUp]) -> None:
    february = total(demo[1])
    assert (february.previous_forecast, february.change) == pytest.approx((365_000.0, 91_500.0))
    assert parts(february) == pytest.approx({"new": 91_500.0})
    assert parts(demo[1].lines.get(level="paragraph", paragraph="SEL85")) == pytest.approx({"new": 91_500.0})


def test_an_end_registered_during_the_month_is_an_ended_grant_beside_the_expected_and_the_payments(
    demo: list[FollowUp],
) -> None:
    march = total(demo[2])
    assert demo[2].previous == demo[1]
    assert (march.previous_forecast, march.change) == pytest.approx((456_500.0, -93_000.0))
    assert parts(march) == pytest.approx({"ended": -184_000.0, "expected": 92_000.0, "payments": -1_000.0})


def test_every_line_of_every_replayed_follow_up_adds_up_to_its_change(demo: list[FollowUp]) -> None:
    lines = FollowUpLine.objects.filter(followup__in=demo[1:])
    assert lines.count() > 2
    for line in lines:
        assert sum(getattr(line, CHANGE_FIELDS[part]) for part in PARTS) == pytest.approx(line.change, abs=1e-6)


def test_the_follow_ups_say_they_are_replayed_and_why_the_largest_change_moved(demo: list[FollowUp]) -> None:
    assert [total(f).comment for f in demo] == [replay_note(f.as_of) for f in demo]
    assert all(f.replayed for f in demo)
    assert "pr. 31-03-2025" in total(demo[2]).comment
    sel108 = demo[2].lines.get(level="paragraph", paragraph="SEL108")
    assert sel108.comment == "Demo: ændringen skyldes især ophørte bevillinger."


def test_a_day_after_every_registration_replays_the_ledger_as_it_is(demo: list[FollowUp]) -> None:
    ledger = current.ledger()
    replayed = ledger_known_on(ledger, KNOWN_DATES, date(2025, 6, 30))
    assert frozen_grants(2025, date(2025, 6, 30), replayed).equals(frozen_grants(2025, date(2025, 6, 30)))


def test_a_follow_up_made_from_the_stored_ledger_given_explicitly_freezes_the_same_rows(demo: list[FollowUp]) -> None:
    assert frozen_grants(2025, MARCH, current.ledger()).equals(frozen_grants(2025, MARCH))
