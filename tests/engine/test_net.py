"""From gross to net, with hand-worked cases at the 2022 thresholds (860,000 / 1,680,000 / 2,120,000)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from support.frames import frame, grants, payments, rates

from dispo.domain.reimbursement import SdeRule
from dispo.engine.catalogue import paragraph_table
from dispo.engine.forecast import forecast_months
from dispo.engine.net import NetRules, net_by_grant

RULE_2022 = SdeRule(2022, "voksne", (860_000, 1_680_000, 2_120_000), (0.25, 0.5, 0.75), "test", False)
RULES = NetRules(municipality="999", vat_rate=0.05, adults=RULE_2022, children=RULE_2022)
PROVIDERS = frame(
    "providers",
    [
        {"provider_id": "priv", "name": "Privat bosted", "provider_type": "privat"},
        {"provider_id": "own", "name": "Eget bosted", "provider_type": "egen"},
    ],
)


def net(g: pl.DataFrame, citizens: list[dict[str, object]]) -> dict[str, dict[str, float]]:
    months = forecast_months(g, payments(), rates(), 2022, date(2022, 12, 31))
    result = net_by_grant(months, g, PROVIDERS, frame("citizens", citizens), paragraph_table(), RULES).collect()
    return {r["grant_id"]: r for r in result.iter_rows(named=True)}


ADULT = {"citizen_id": "c1", "cpr": "610280-1234", "birth_date": date(1980, 2, 1)}


def test_an_expensive_private_place_nets_own_payment_vat_and_sde() -> None:
    # 10,000 kr./day all 2022 = 3,650,000; own payment 5,000 × 12 = 60,000; VAT 5 % = 182,500.
    # Every month is above the third monthly threshold, so the year's reimbursement is
    # 12 × (0.25 × 68,333.33 + 0.5 × 36,666.67) + 0.75 × (3,407,500 − 2,120,000) = 425,000 + 965,625.
    g = grants(
        {
            "grant_id": "g1",
            "paragraph": "SEL108",
            "provider_id": "priv",
            "price_basis": "dag",
            "rate": 10_000,
            "start": date(2022, 1, 1),
            "own_payment": 5_000,
        }
    )
    row = net(g, [ADULT])["g1"]
    assert row["gross"] == pytest.approx(3_650_000)
    assert row["own_payment"] == pytest.approx(60_000)
    assert row["vat_compensation"] == pytest.approx(182_500)
    assert row["other_municipality"] == 0
    assert row["sde_reimbursement"] == pytest.approx(1_390_625, abs=0.05)
    assert row["net"] == pytest.approx(3_650_000 - 60_000 - 182_500 - 1_390_625, abs=0.05)


def test_a_grant_another_municipality_pays_nets_to_nothing() -> None:
    g = grants(
        {
            "grant_id": "g1",
            "paragraph": "SEL108",
            "provider_id": "priv",
            "price_basis": "dag",
            "rate": 10_000,
            "start": date(2022, 1, 1),
            "own_payment": 5_000,
            "paying_municipality": "561",
        }
    )
    row = net(g, [ADULT])["g1"]
    assert row["other_municipality"] == pytest.approx(3_590_000)
    assert (row["vat_compensation"], row["sde_reimbursement"]) == (0, 0)
    assert row["net"] == pytest.approx(0)


def test_the_reimbursement_is_shared_between_a_citizens_grants_by_their_expense() -> None:
    # Own places, no VAT: 6,000 + 3,000 kr./day = 9,000 × 365 = 3,285,000 for one citizen.
    # Reimbursement 425,000 + 0.75 × (3,285,000 − 2,120,000) = 1,298,750, shared 2:1.
    g = grants(
        {
            "grant_id": "a",
            "paragraph": "SEL108",
            "provider_id": "own",
            "price_basis": "dag",
            "rate": 6_000,
            "start": date(2022, 1, 1),
        },
        {
            "grant_id": "b",
            "paragraph": "SEL85",
            "provider_id": "own",
            "price_basis": "dag",
            "rate": 3_000,
            "start": date(2022, 1, 1),
        },
    )
    rows = net(g, [ADULT])
    assert rows["a"]["sde_reimbursement"] + rows["b"]["sde_reimbursement"] == pytest.approx(1_298_750, abs=0.05)
    assert rows["a"]["sde_reimbursement"] == pytest.approx(2 * rows["b"]["sde_reimbursement"])


def test_a_paragraph_outside_the_scheme_gets_no_reimbursement() -> None:
    g = grants(
        {
            "grant_id": "g1",
            "paragraph": "SUL141",
            "provider_id": "own",
            "price_basis": "dag",
            "rate": 10_000,
            "start": date(2022, 1, 1),
        }
    )
    assert net(g, [ADULT])["g1"]["sde_reimbursement"] == 0


def test_after_67_only_a_citizen_covered_the_month_before_stays_covered() -> None:
    # Turns 67 on 15 July 2022. Covered: June's expense (30 × 10,000) is above 71,666.67, so all 12 months
    # count: 1,390,625 − the VAT/own-payment parts do not apply here (own place): 425,000 + 0.75 × 1,530,000.
    covered = grants(
        {
            "grant_id": "g1",
            "paragraph": "SEL108",
            "provider_id": "own",
            "price_basis": "dag",
            "rate": 10_000,
            "start": date(2022, 1, 1),
        }
    )
    senior = {"citizen_id": "c1", "cpr": "751255-1234", "birth_date": date(1955, 7, 15)}
    assert net(covered, [senior])["g1"]["sde_reimbursement"] == pytest.approx(
        425_000 + 0.75 * (3_650_000 - 2_120_000), abs=0.05
    )
    # Not covered: nothing in June, so August–December do not count; Jan–May (151 days) do:
    # 5 × 35,416.67 + 0.75 × (1,510,000 − 5 × 176,666.67) = 177,083.33 + 469,999.99 = 647,083.33.
    gap = grants(
        {
            "grant_id": "g1",
            "paragraph": "SEL108",
            "provider_id": "own",
            "price_basis": "dag",
            "rate": 10_000,
            "start": date(2022, 1, 1),
            "end": date(2022, 5, 31),
        },
        {
            "grant_id": "g2",
            "paragraph": "SEL108",
            "provider_id": "own",
            "price_basis": "dag",
            "rate": 10_000,
            "start": date(2022, 8, 1),
        },
    )
    rows = net(gap, [senior])
    assert rows["g2"]["sde_reimbursement"] == 0
    assert rows["g1"]["sde_reimbursement"] == pytest.approx(
        5 * 35_416.6667 + 0.75 * (1_510_000 - 5 * 176_666.6667), abs=0.05
    )


def test_siblings_are_reimbursed_as_one_household() -> None:
    # Two children, 5,000 kr./day each at an own institution: 1,825,000 each, 3,650,000 together.
    # Alone each would get 0.25 × (1,680,000 − 860,000) + 0.5 × (1,825,000 − 1,680,000) = 277,500 at most;
    # as one household: 425,000 + 0.75 × (3,650,000 − 2,120,000) = 1,572,500, shared equally.
    g = grants(
        {
            "grant_id": "a",
            "citizen_id": "k1",
            "paragraph": "BL46",
            "target_group": "boern",
            "provider_id": "own",
            "price_basis": "dag",
            "rate": 5_000,
            "start": date(2022, 1, 1),
        },
        {
            "grant_id": "b",
            "citizen_id": "k2",
            "paragraph": "BL46",
            "target_group": "boern",
            "provider_id": "own",
            "price_basis": "dag",
            "rate": 5_000,
            "start": date(2022, 1, 1),
        },
    )
    children = [
        {"citizen_id": "k1", "cpr": "710112-4001", "birth_date": date(2012, 1, 11), "household_id": "h1"},
        {"citizen_id": "k2", "cpr": "720314-4002", "birth_date": date(2014, 3, 12), "household_id": "h1"},
    ]
    rows = net(g, children)
    assert rows["a"]["sde_reimbursement"] == pytest.approx(1_572_500 / 2, abs=0.05)
    assert rows["b"]["sde_reimbursement"] == pytest.approx(1_572_500 / 2, abs=0.05)
