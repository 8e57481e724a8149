"""The synthetic world: reproducible, canonical, consistent, and calibrated to DESIGN.md §8."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dispo.domain import cpr as cprs
from dispo.engine.schema import TABLES
from dispo.services.synth import write_municipalities, write_world
from dispo.services.synth.calibration import (
    ADULT_STEPS,
    BUDGET_RATIO,
    BUDGET_TARGETS,
    HANDICAP_COST,
    MIO,
    STEP_TARGETS,
    cost_targets,
)
from dispo.services.synth.sizes import municipalities

TODAY = date(2026, 9, 30)
"""The seed's September: the staircase figures of DESIGN.md §8 are as of then."""
YEAR = TODAY.year
SEED = 7
TOLERANCE = 0.15

Tables = dict[str, pl.DataFrame]


def read(out: Path) -> Tables:
    return {name: pl.read_csv(out / f"{name}.csv", schema=schema) for name, schema in TABLES.items()}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_world("demo", SEED, out, today=TODAY)
    return out


@pytest.fixture(scope="module")
def demo(demo_dir: Path) -> Tables:
    return read(demo_dir)


def active_in_year() -> pl.Expr:
    return (pl.col("start") <= date(YEAR, 12, 31)) & (pl.col("end").is_null() | (pl.col("end") >= date(YEAR, 1, 1)))


# --- files ------------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_files_and_another_seed_other_files(demo_dir: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    counts = write_world("demo", SEED, again, today=TODAY)
    write_world("demo", SEED + 1, other, today=TODAY)
    for name in TABLES:
        assert (again / f"{name}.csv").read_bytes() == (demo_dir / f"{name}.csv").read_bytes(), name
    assert (other / "grants.csv").read_bytes() != (demo_dir / "grants.csv").read_bytes()
    assert (other / "payments.csv").read_bytes() != (demo_dir / "payments.csv").read_bytes()
    assert counts == {name: read(again)[name].height for name in TABLES}


def test_every_file_has_the_canonical_columns_in_order(demo_dir: Path) -> None:
    for name, schema in TABLES.items():
        header = (demo_dir / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == list(schema), name


def test_demo_size(demo: Tables) -> None:
    assert 3000 <= demo["grants"].height <= 6000
    assert 20 <= demo["caseworkers"].height <= 30
    assert set(demo["grants"]["target_group"]) == {
        "handicap",
        "psykiatri",
        "misbrug",
        "hjemloese",
        "boern",
        "boern_handicap",
    }
    assert set(demo["providers"]["provider_type"]) == {"egen", "anden_kommune", "region", "privat"}
    assert set(demo["grants"]["price_basis"]) == {"dag", "time", "maaned", "aar", "engang"}
    assert set(demo["grants"]["status"]) == {"bevilget", "afsluttet", "forventet"}


def test_the_world_passes_the_canonical_checks(demo_dir: Path) -> None:
    from dispo.services.ledger import Ledger

    Ledger.from_folder(demo_dir).check()


def test_today_defaults_to_the_real_today(tmp_path: Path) -> None:
    write_world("demo", 1, tmp_path)
    payments = pl.read_csv(tmp_path / "payments.csv", schema=TABLES["payments"])
    assert payments["booked_on"].max() <= date.today()  # type: ignore[operator]
    assert payments["service_month"].min() == f"{date.today().year - 2}-01"


def test_unknown_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown world size 'huge'"):
        write_world("huge", 1, tmp_path, today=TODAY)


# --- consistency ------------------------------------------------------------------------------------------


def test_references_resolve(demo: Tables) -> None:
    grants = demo["grants"]

    def missing(column: str, table: str, key: str) -> set[str]:
        return set(grants[column].drop_nulls()) - set(demo[table][key])

    assert grants["grant_id"].is_unique().all()
    assert demo["citizens"]["citizen_id"].is_unique().all()
    assert missing("citizen_id", "citizens", "citizen_id") == set()
    assert missing("provider_id", "providers", "provider_id") == set()
    assert missing("caseworker_id", "caseworkers", "caseworker_id") == set()
    assert missing("unit_id", "units", "unit_id") == set()
    assert set(demo["caseworkers"]["unit_id"]) <= set(demo["units"]["unit_id"])
    assert set(demo["units"]["parent_id"].drop_nulls()) <= set(demo["units"]["unit_id"])
    assert set(demo["budgets"]["unit_id"]) <= set(demo["units"]["unit_id"])
    assert set(demo["payments"]["grant_id"]) <= set(grants["grant_id"])
    assert set(demo["rates"]["grant_id"]) <= set(grants["grant_id"])
    assert set(demo["citizens"]["citizen_id"]) == set(grants["citizen_id"])


def test_periods_statuses_and_probabilities(demo: Tables) -> None:
    grants = demo["grants"]
    assert grants.filter(pl.col("end") < pl.col("start")).height == 0
    assert grants.filter((pl.col("status") == "afsluttet") & ~(pl.col("end") < TODAY)).height == 0
    assert grants.filter((pl.col("status") == "bevilget") & (pl.col("end") < TODAY)).height == 0
    expected = grants.filter(pl.col("status") == "forventet")
    assert expected.height > 0
    assert expected["probability"].is_between(0.0, 1.0, closed="right").all()
    assert (expected["start"] > TODAY).all()
    assert grants.filter(pl.col("status") != "forventet")["probability"].is_null().all()
    assert grants.filter(pl.col("price_basis") == "time")["hours_per_week"].is_between(1, 20).all()
    assert grants.filter(pl.col("price_basis") != "time")["hours_per_week"].is_null().all()
    assert (grants["rate"] >= 0).all()
    # Some run on after today, with and without a planned end; the world covers three years.
    running = grants.filter(pl.col("status") == "bevilget")
    assert running["end"].is_null().any()
    assert (running["end"] > TODAY).any()
    assert (grants["end"].drop_nulls() >= date(YEAR - 2, 1, 1)).all()


def test_inter_municipal_grants_exist(demo: Tables) -> None:
    grants = demo["grants"]
    assert (grants["acting_municipality"] == "999").mean() > 0.95  # type: ignore[operator]
    assert grants.filter(pl.col("paying_municipality") != "999").height > 0
    assert grants.filter(pl.col("acting_municipality") != "999").height > 0


def test_payments_are_booked_by_today_and_never_for_expected_grants(demo: Tables) -> None:
    payments = demo["payments"].join(demo["grants"], on="grant_id")
    assert payments["booked_on"].max() <= TODAY  # type: ignore[operator]
    assert payments.filter(pl.col("status") == "forventet").height == 0
    assert payments["service_month"].str.contains(r"^\d{4}-(0[1-9]|1[0-2])$").all()
    assert payments["service_month"].min() >= f"{YEAR - 2}-01"  # type: ignore[operator]
    assert (payments["amount"] < 0).any()  # corrections
    # Booked months cover the year to date: most running grants have a payment for August.
    running = demo["grants"].filter((pl.col("status") == "bevilget") & (pl.col("start") < date(YEAR, 8, 1)))
    august = set(demo["payments"].filter(pl.col("service_month") == f"{YEAR}-08")["grant_id"])
    assert len(august & set(running["grant_id"])) > 0.8 * running.height


def test_rates_change_on_new_year_by_the_price_index(demo: Tables) -> None:
    rates = demo["rates"].join(demo["grants"].select("grant_id", "start", "rate"), on="grant_id", suffix="_grant")
    assert (rates["valid_from"].dt.day() == 1).all()
    assert (rates["valid_from"].dt.month() == 1).all()
    assert (rates["valid_from"] > rates["start"]).all()
    assert rates["valid_from"].max() <= TODAY  # type: ignore[operator]
    step = rates.sort("grant_id", "valid_from").with_columns(
        previous=pl.col("rate").shift(1).over("grant_id"), year=pl.col("valid_from").dt.year()
    )
    increase = step.drop_nulls("previous").filter(pl.col("previous") > 100)
    assert ((increase["rate"] / increase["previous"]).is_between(1.015, 1.045)).all()


def test_cpr_numbers_are_substitute_numbers_of_the_birth_date(demo: Tables) -> None:
    citizens = demo["citizens"]
    assert citizens["cpr"].is_unique().all()
    assert citizens["cpr"].str.contains(r"^\d{6}-\d{4}$").all()
    for number, born, sex in citizens.select("cpr", "birth_date", "sex").iter_rows():
        assert cprs.is_substitute(number)
        assert cprs.birth_date(number) == born
        assert int(number[-1]) % 2 == (1 if sex == "M" else 0)


def test_ages_fit_the_target_groups(demo: Tables) -> None:
    grants = demo["grants"].join(demo["citizens"], on="citizen_id")
    age_at_start = (pl.col("start") - pl.col("birth_date")).dt.total_days() / 365.25
    children = grants.filter(pl.col("target_group").is_in(["boern", "boern_handicap"]))
    adults = grants.filter(~pl.col("target_group").is_in(["boern", "boern_handicap"]))
    assert children.select(age_at_start.is_between(0, 18, closed="left").all()).item()
    assert adults.select((age_at_start >= 18).all()).item()
    age_today = (pl.lit(TODAY) - pl.col("birth_date")).dt.total_days() / 365.25
    assert adults.select((age_today <= 91).all()).item()
    households = demo["citizens"]["household_id"].drop_nulls()
    assert households.len() > 0
    assert households.value_counts()["count"].max() == 2


def test_expensive_cases_are_mostly_young_adults_in_long_term_care(demo: Tables) -> None:
    current = demo["rates"].filter(pl.col("valid_from") == date(YEAR, 1, 1)).select("grant_id", r=pl.col("rate"))
    grants = demo["grants"].join(current, on="grant_id", how="left").with_columns(pl.coalesce("r", "rate"))
    dear = grants.filter(
        (pl.col("status") == "bevilget") & (pl.col("price_basis") == "dag") & (pl.col("r") * 365 > 2_000_000)
    ).join(demo["citizens"], on="citizen_id")
    assert 15 <= dear.height <= 60  # about 0.51 per 1,000 aged 18-66
    young = dear.filter(~pl.col("target_group").is_in(["boern", "boern_handicap"])).select(
        ((pl.lit(TODAY) - pl.col("birth_date")).dt.total_days() / 365.25 < 36).mean()
    )
    assert young.item() > 0.5


# --- calibration (DESIGN.md §8) ---------------------------------------------------------------------------


def test_calibration_targets_add_up() -> None:
    for step, target in STEP_TARGETS.items():
        split = sum(cost for paragraph, cost in HANDICAP_COST.items() if ADULT_STEPS[paragraph] == step)
        assert split == pytest.approx(target.cost)
    targets = cost_targets()
    for paragraph, budget in BUDGET_TARGETS.items():
        cost = targets.get(("handicap", paragraph), 0.0) + targets.get(("psykiatri", paragraph), 0.0)
        assert cost * BUDGET_RATIO[paragraph] == pytest.approx(budget, rel=1e-3)


def staircase(demo: Tables) -> pl.DataFrame:
    steps = pl.DataFrame({"paragraph": list(ADULT_STEPS), "step": list(ADULT_STEPS.values())})
    return demo["grants"].filter(pl.col("target_group") == "handicap").join(steps, on="paragraph")


def test_the_disability_staircase_has_the_seeds_activity(demo: Tables) -> None:
    days = (
        pl.min_horizontal(pl.col("end").fill_null(date(YEAR, 12, 31)), pl.lit(date(YEAR, 12, 31)))
        - pl.max_horizontal(pl.col("start"), pl.lit(date(YEAR, 1, 1)))
    ).dt.total_days() + 1
    fte = pl.when(active_in_year() & (pl.col("price_basis") != "engang")).then(days).otherwise(0) / 365
    weight = pl.col("probability").fill_null(1.0)
    per_step = (
        staircase(demo)
        .group_by("step")
        .agg(
            (fte * weight).sum().alias("fte"),
            pl.col("citizen_id").filter(active_in_year()).n_unique().alias("citizens"),
        )
    )
    for step, fte, citizens in per_step.sort("step").iter_rows():
        target = STEP_TARGETS[step]
        assert fte == pytest.approx(target.fte, rel=TOLERANCE), f"step {step} årsværk"
        assert citizens == pytest.approx(target.citizens, rel=TOLERANCE), f"step {step} citizens"


@pytest.fixture(scope="module")
def forecast(demo: Tables) -> pl.DataFrame:
    from dispo.engine.forecast import forecast_grants

    return forecast_grants(demo["grants"], demo["payments"], demo["rates"], YEAR, TODAY)


def test_the_disability_staircase_has_the_seeds_expected_cost(demo: Tables, forecast: pl.DataFrame) -> None:
    per_step = (
        staircase(demo)
        .join(forecast, on="grant_id")
        .group_by("step")
        .agg(pl.col("forecast").sum(), pl.col("fte").sum())
        .sort("step")
    )
    assert per_step.height == 5
    for step, cost, fte in per_step.iter_rows():
        target = STEP_TARGETS[step]
        assert cost == pytest.approx(target.cost, rel=TOLERANCE), f"step {step} expected cost"
        assert fte == pytest.approx(target.fte, rel=TOLERANCE), f"step {step} årsværk (engine)"


def test_budgets_match_the_seed_and_the_worlds_cost(demo: Tables, forecast: pl.DataFrame) -> None:
    budgets = demo["budgets"]
    assert set(budgets["year"]) == {YEAR - 2, YEAR - 1, YEAR}
    assert budgets.select(pl.struct("year", "target_group", "paragraph").is_unique().all()).item()
    calibrated = pl.col("target_group").is_in(["handicap", "psykiatri"])
    budget = budgets.filter((pl.col("year") == YEAR) & calibrated).group_by("paragraph").agg(pl.col("amount").sum())
    cost = (
        demo["grants"]
        .filter(calibrated)
        .join(forecast, on="grant_id")
        .group_by("paragraph")
        .agg(pl.col("forecast").sum())
    )
    lines = dict(budget.iter_rows())
    costs = dict(cost.iter_rows())
    for paragraph, target in BUDGET_TARGETS.items():
        assert lines[paragraph] == pytest.approx(target, rel=TOLERANCE), paragraph
        assert lines[paragraph] == pytest.approx(costs[paragraph], rel=0.10), paragraph
    # every paragraph a target group uses this year has a budget line, close to its expected cost
    used = (
        demo["grants"].join(forecast, on="grant_id").group_by("target_group", "paragraph").agg(pl.col("forecast").sum())
    )
    lines_now = budgets.filter(pl.col("year") == YEAR).select("target_group", "paragraph", "amount")
    both = used.filter(pl.col("forecast") > 100_000).join(lines_now, on=["target_group", "paragraph"], how="left")
    assert both["amount"].null_count() == 0
    assert ((both["amount"] / both["forecast"]).is_between(0.85, 1.15)).all()
    assert sum(costs.values()) > 300 * MIO


# --- larger worlds ----------------------------------------------------------------------------------------


def test_a_small_national_world_keeps_municipalities_apart(tmp_path: Path) -> None:
    world = municipalities("national", fraction=0.004)
    counts = write_municipalities(world, 3, tmp_path, today=TODAY)
    tables = read(tmp_path)
    grants = tables["grants"]
    assert len(world) == 98
    assert counts["grants"] == grants.height
    assert grants["grant_id"].is_unique().all()
    assert tables["citizens"]["citizen_id"].is_unique().all()
    assert tables["citizens"]["cpr"].is_unique().all()
    assert tables["providers"]["provider_id"].is_unique().all()
    assert set(grants["citizen_id"]) <= set(tables["citizens"]["citizen_id"])
    assert set(grants["provider_id"].drop_nulls()) <= set(tables["providers"]["provider_id"])
    codes = {m.place.code for m in world}
    assert set(grants["grant_id"].str.slice(0, 3)) <= codes
    assert grants["grant_id"].str.slice(0, 3).n_unique() > 90
    assert tables["budgets"]["unit_id"].n_unique() > 90
    assert set(tables["budgets"]["unit_id"]) <= set(tables["units"]["unit_id"])


@pytest.mark.slow
def test_the_large_world_has_its_size(tmp_path: Path) -> None:
    began = time.perf_counter()
    counts = write_world("large", 1, tmp_path, today=TODAY)
    assert time.perf_counter() - began < 60
    assert 50_000 <= counts["grants"] <= 70_000
    assert counts["payments"] > 800_000
    assert counts["citizens"] < counts["grants"]
