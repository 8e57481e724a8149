"""A saved staircase model takes effect everywhere a step is shown, on the hand-worked ledger of
support/world.py as of 2025-06-30; a follow-up made before it keeps the steps it was made with.

The shipped adult disability model puts § 85 on step 3 and § 108 on step 5. In 2025: g2 (§ 85) costs
183 days × 10 h × 350 kr. / 7 = 91,500 kr. (183/365 årsværk, citizen c2); g1 and g3 (§ 108) cost 364,000 +
92,000 = 456,000 kr. (1 + 46/365 årsværk, citizen c1). The saved version has three steps — "Forebyggelse",
"Støtte i eget hjem", "Botilbud" — with § 85 on step 1 and § 108 on step 3.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from support.world import write_world

from dispo.cli.main import cli
from dispo.services import current, dashboard, staircases
from dispo.services.followups.report import staircases as report_staircases
from dispo.services.followups.snapshot import create_followup, grant_table
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.services.reports import forecast_table

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 6, 30)
NEW_STEPS = ["Forebyggelse", "Støtte i eget hjem", "Botilbud"]
DEFAULT_NAMES = [
    "Generelle forebyggende tiltag",
    "Forebyggende tiltag med visitation",
    "Hjemmebaserede indsatser",
    "Midlertidige botilbud",
    "Varige eller længerevarende botilbud",
]


@pytest.fixture
def world(tmp_path: Path) -> None:
    import_ledger(Ledger.from_folder(write_world(tmp_path / "world")), user="test", reason="Import")


def save_three_steps() -> None:
    staircases.save_model(
        "voksen_handicap", NEW_STEPS, {"SEL85": "1", "SEL108": "3"}, "admin", "Færre trin i styringen"
    )


def by_step(table: pl.DataFrame) -> dict[int | None, tuple[float, float]]:
    """The disability group's rows of a step table: step → (forecast, årsværk)."""
    rows = table.filter(pl.col("target_group") == "handicap").iter_rows(named=True)
    return {r["step"]: (r["forecast"], r["fte"]) for r in rows}


def test_the_report_by_step_follows_the_saved_model(world: None) -> None:
    before = forecast_table(current.ledger(), 2025, AS_OF, "step", steps=staircases.step_table())
    assert by_step(before) == {3: pytest.approx((91_500, 183 / 365)), 5: pytest.approx((456_000, 1 + 46 / 365))}
    save_three_steps()
    after = forecast_table(current.ledger(), 2025, AS_OF, "step", steps=staircases.step_table())
    assert by_step(after) == {1: pytest.approx((91_500, 183 / 365)), 3: pytest.approx((456_000, 1 + 46 / 365))}


def test_a_ledger_read_from_files_stands_on_the_shipped_steps(world: None, tmp_path: Path) -> None:
    save_three_steps()
    files = Ledger.from_folder(write_world(tmp_path / "files"))
    assert set(by_step(forecast_table(files, 2025, AS_OF, "step"))) == {3, 5}


def test_saving_a_model_renews_the_cached_frames(world: None) -> None:
    steps = dict(current.grant_frame(2025, AS_OF).select("grant_id", "step").iter_rows())
    assert (steps["g1"], steps["g2"], steps["g3"]) == (5, 3, 5)
    save_three_steps()
    steps = dict(current.grant_frame(2025, AS_OF).select("grant_id", "step").iter_rows())
    assert (steps["g1"], steps["g2"], steps["g3"]) == (3, 1, 3)


def test_the_overview_staircase_has_the_saved_steps_and_names(world: None) -> None:
    save_three_steps()
    model = staircases.effective_model("voksen_handicap")
    table = dashboard.staircase(current.grant_frame(2025, AS_OF), "handicap", model.steps)
    rows = [(r["step"], r["name"], r["forecast"], r["citizens"]) for r in table.iter_rows(named=True)]
    # Every step of the saved model, the empty middle one with zeros; nothing left off the staircase.
    assert rows == [
        (1, "Forebyggelse", pytest.approx(91_500), 1),
        (2, "Støtte i eget hjem", 0, 0),
        (3, "Botilbud", pytest.approx(456_000), 1),
    ]


def test_dispo_forecast_by_step_from_the_database_follows_the_saved_model(world: None) -> None:
    save_three_steps()
    args = ["forecast", "--year", "2025", "--as-of", "2025-06-30", "--by", "step", "--format", "csv"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["target_group"] == "handicap"]
    assert {r["step"]: float(r["forecast"]) for r in rows} == {"1": 91_500.0, "3": 456_000.0}


def report_rows(followup_steps: pl.DataFrame) -> list[tuple[int, str, float]]:
    return [(r["step"], r["name"], r["cost"]) for r in followup_steps.iter_rows(named=True)]


def test_a_follow_up_keeps_the_steps_and_names_it_was_made_with(world: None) -> None:
    user = User.objects.create_user("karen")
    march = create_followup(date(2025, 3, 31), user)
    save_three_steps()
    april = create_followup(date(2025, 4, 30), user)
    march_steps = dict(grant_table(march).select("grant_id", "step").iter_rows())
    april_steps = dict(grant_table(april).select("grant_id", "step").iter_rows())
    assert (march_steps["g2"], april_steps["g2"]) == (3, 1)
    # March, made before the save: five steps with the shipped names, § 85 on 3 and § 108 (364,000 + 92,000)
    # on 5. April, made after it: the saved three steps.
    (march_table,) = report_staircases(march)
    assert report_rows(march_table.steps) == [
        (1, DEFAULT_NAMES[0], 0.0),
        (2, DEFAULT_NAMES[1], 0.0),
        (3, DEFAULT_NAMES[2], pytest.approx(91_500)),
        (4, DEFAULT_NAMES[3], 0.0),
        (5, DEFAULT_NAMES[4], pytest.approx(456_000)),
    ]
    (april_table,) = report_staircases(april)
    assert report_rows(april_table.steps) == [
        (1, "Forebyggelse", pytest.approx(91_500)),
        (2, "Støtte i eget hjem", 0.0),
        (3, "Botilbud", pytest.approx(456_000)),
    ]


def test_the_model_in_effect_at_a_moment_is_the_newest_version_saved_by_then(world: None) -> None:
    save_three_steps()
    first = staircases.effective_model("voksen_handicap").version
    assert first is not None
    staircases.save_model("voksen_handicap", ["Et trin"], {"SEL108": "1"}, "admin", "Ét trin")
    assert [s.name for s in staircases.effective_model("voksen_handicap").steps] == ["Et trin"]
    assert [s.name for s in staircases.effective_model("voksen_handicap", at=first.saved_at).steps] == NEW_STEPS
    before_any = first.saved_at.replace(year=2000)
    assert [s.name for s in staircases.effective_model("voksen_handicap", at=before_any).steps] == DEFAULT_NAMES
