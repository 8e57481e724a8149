"""Registering, changing and ending grants through the services, and the rates they propose.

The figures are those of the tiny world in `support.world` (year 2025, as of 2025-06-30): g1 SEL108 at
1,000 kr./day from 2025-01-01 (forecast 364,000, 1 årsværk), g2 SEL85 10 h × 350 kr. 2025-04-01–09-30
(91,500), g3 an expected SEL108 at 2,000 kr./day from 2025-10-01 with probability 0.5 (92,000).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.exceptions import ValidationError
from support.world import write_world

from dispo.services import current
from dispo.services.grants import (
    RateProposal,
    average_rate,
    change_grant,
    change_rows,
    create_grant,
    end_grant,
    grant_problems,
    propose_rate,
)
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.services.providers import add_rate, change_rate_end, valid_rate
from dispo.store.models import Citizen, Grant, GrantChange, Provider, ProviderRate

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 6, 30)


@pytest.fixture
def world(tmp_path: Path) -> None:
    import_ledger(Ledger.from_folder(write_world(tmp_path)), user="test", reason="Import")


def forecast(grant_id: str) -> float:
    frame = current.grant_frame(2025, AS_OF).filter(pl.col("grant_id") == grant_id)
    return float(frame["forecast"].sum())


def rate_of(proposal: RateProposal | ProviderRate | None) -> Decimal:
    assert proposal is not None
    return proposal.rate


def expected_sel108(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "paragraph": "SEL108",
        "target_group": "handicap",
        "provider": Provider.objects.get(provider_id="p1"),
        "price_basis": "dag",
        "rate": Decimal("1500"),
        "start": date(2025, 10, 1),
        "end": date(2025, 12, 31),
        "status": "forventet",
        "probability": Decimal("0.5"),
        "acting_municipality": "999",
        "paying_municipality": "999",
    }
    return {**values, **overrides}


def test_a_new_expected_grant_counts_its_days_weighted_by_probability_at_once(world: None) -> None:
    current.grant_frame(2025, AS_OF)  # cached before the write: the write must still show
    grant = create_grant(Citizen.objects.get(citizen_id="c2"), expected_sel108(), "Forventet visitation", "anna")
    # 1 October – 31 December = 92 days × 1,500 kr. × 0.5 = 69,000.
    assert forecast(grant.grant_id) == pytest.approx(69_000)


def test_a_new_grant_starts_its_history_with_who_why_and_every_value(world: None) -> None:
    grant = create_grant(Citizen.objects.get(citizen_id="c2"), expected_sel108(), "Forventet visitation", "anna")
    change = GrantChange.objects.get(grant=grant)
    assert (change.changed_by, change.reason) == ("anna", "Forventet visitation")
    assert change.fields["rate"] == [None, 1500.0]
    assert change.fields["start"] == [None, "2025-10-01"]
    assert change.fields["provider"] == [None, "Bostedet Egely"]


def test_registered_grants_are_numbered_after_the_municipality(world: None) -> None:
    citizen = Citizen.objects.get(citizen_id="c2")
    first = create_grant(citizen, expected_sel108(), "Første", "anna")
    second = create_grant(citizen, expected_sel108(), "Anden", "anna")
    assert (first.grant_id, second.grant_id) == ("999-R000001", "999-R000002")


def test_an_expected_grant_without_a_probability_counts_whole(world: None) -> None:
    grant = create_grant(Citizen.objects.get(citizen_id="c2"), expected_sel108(probability=None), "Sikker", "anna")
    assert grant.probability == Decimal(1)
    # 92 days × 1,500 kr. × 1 = 138,000.
    assert forecast(grant.grant_id) == pytest.approx(138_000)


def test_a_decided_grant_keeps_no_probability(world: None) -> None:
    values = expected_sel108(status="bevilget", probability=Decimal("0.5"))
    grant = create_grant(Citizen.objects.get(citizen_id="c2"), values, "Bevilget på møde", "anna")
    assert grant.probability is None
    assert forecast(grant.grant_id) == pytest.approx(138_000)


def test_a_new_grant_without_a_reason_is_refused_and_nothing_is_saved(world: None) -> None:
    with pytest.raises(ValidationError, match="begrundelse"):
        create_grant(Citizen.objects.get(citizen_id="c2"), expected_sel108(), " ", "anna")
    assert Grant.objects.count() == 4


def test_an_unknown_paragraph_is_refused_with_the_closest_codes(world: None) -> None:
    with pytest.raises(ValidationError) as refused:
        create_grant(Citizen.objects.get(citizen_id="c2"), expected_sel108(paragraph="SEL1088"), "Fejl", "anna")
    assert refused.value.message_dict["paragraph"] == [
        "Ukendt paragraf «SEL1088». Vælg en paragraf fra kataloget. Mente du SEL108, SEL110 eller SEL109?"
    ]


def test_ending_a_decided_grant_marks_it_ended_and_drops_the_rest_of_the_year(world: None) -> None:
    grant = Grant.objects.get(grant_id="g1")
    change = end_grant(grant, date(2025, 8, 31), "Flyttet til andet tilbud", "anna")
    assert change is not None
    assert change.fields == {"end": [None, "2025-08-31"], "status": ["bevilget", "afsluttet"]}
    # 364,000 less September–December: 30 + 31 + 30 + 31 = 122 days × 1,000 = 242,000.
    assert forecast("g1") == pytest.approx(242_000)


def test_the_history_of_an_ending_reads_in_danish(world: None) -> None:
    change = end_grant(Grant.objects.get(grant_id="g1"), date(2025, 8, 31), "Flyttet", "anna")
    assert change is not None
    assert change_rows(change) == [("Slut", "–", "31-08-2025"), ("Status", "Bevilget", "Afsluttet")]


def test_ending_an_expected_grant_keeps_it_expected_and_weighted(world: None) -> None:
    end_grant(Grant.objects.get(grant_id="g3"), date(2025, 10, 31), "Kun en måned", "anna")
    assert Grant.objects.get(grant_id="g3").status == "forventet"
    # October only: 31 days × 2,000 kr. × 0.5 = 31,000 (was 92,000).
    assert forecast("g3") == pytest.approx(31_000)


def test_ending_before_the_start_is_refused(world: None) -> None:
    with pytest.raises(ValidationError) as refused:
        end_grant(Grant.objects.get(grant_id="g2"), date(2025, 3, 31), "Fejl", "anna")
    assert "Slutdatoen ligger før startdatoen 01-04-2025" in refused.value.message_dict["end"][0]


def test_changing_the_provider_keeps_both_names_in_the_history(world: None) -> None:
    grant = Grant.objects.get(grant_id="g2")
    change = change_grant(grant, {"provider": Provider.objects.get(provider_id="p1")}, "Nyt tilbud", "anna")
    assert change is not None
    assert change.fields == {"provider": ["Støttecentret", "Bostedet Egely"]}


def test_a_grant_under_a_repealed_paragraph_can_still_be_ended(world: None) -> None:
    Grant.objects.filter(grant_id="g2").update(paragraph="SEL52", target_group="boern")
    assert end_grant(Grant.objects.get(grant_id="g2"), date(2025, 6, 30), "Ophørt", "anna") is not None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rate": Decimal(-1)}, "rate", "Taksten kan ikke være negativ."),
        ({"probability": Decimal("1.5")}, "probability", "Sandsynligheden skal ligge mellem 0 og 1 (fx 0,5 for 50 %)."),
        ({"price_basis": "time", "hours_per_week": None}, "hours_per_week", "En timetakst kræver timer pr. uge."),
        ({"hours_per_week": Decimal(200)}, "hours_per_week", "En uge har 168 timer; angiv timer pr. uge."),
        ({"own_payment": Decimal(-5)}, "own_payment", "Egenbetalingen kan ikke være negativ."),
        ({"paying_municipality": "12"}, "paying_municipality", "Kommunekoden er tre cifre, fx 999."),
        ({"start": None}, "start", "Angiv en startdato."),
        (
            {"target_group": "boern"},
            "target_group",
            "SEL § 108 Længerevarende botilbud bruges ikke under målgruppen Børn og unge, men under: "
            "Voksenhandicap, Socialpsykiatri.",
        ),
        (
            {"paragraph": "SEL52", "target_group": "boern"},
            "paragraph",
            "SEL § 52 Foranstaltninger for børn og unge gælder kun til 31-12-2023, "
            "afløst af BL § 32 Støttende indsatser.",
        ),
    ],
)
def test_values_a_grant_cannot_hold_are_named_in_danish(
    world: None, changes: dict[str, Any], field: str, message: str
) -> None:
    assert grant_problems(expected_sel108(**changes), changed=changes)[field] == message


def test_the_average_price_is_the_decided_grants_forecast_per_arsvaerk(world: None) -> None:
    # Decided SEL108 grants under handicap: g1 alone, 364,000 kr. over 1 årsværk (g3 is only expected).
    per_year = average_rate("SEL108", "handicap", "aar", None, 2025, AS_OF)
    per_month = average_rate("SEL108", "handicap", "maaned", None, 2025, AS_OF)
    per_day = average_rate("SEL108", "handicap", "dag", None, 2025, AS_OF)
    per_hour = average_rate("SEL108", "handicap", "time", Decimal(10), 2025, AS_OF)
    assert rate_of(per_year) == Decimal("364000")
    assert rate_of(per_month) == Decimal("30333.3333")  # 364,000 / 12
    assert rate_of(per_day) == Decimal("997.2603")  # 364,000 / 365
    assert rate_of(per_hour) == Decimal("698.0822")  # 997.2603 × 7 days / 10 hours
    assert per_day is not None
    assert per_day.explanation == (
        "Gennemsnitspris for SEL § 108 Længerevarende botilbud under Voksenhandicap 2025: "
        "364.000 kr. / 1,00 årsværk = 364.000 kr. pr. år, dvs. 997,26 kr. pr. dag."
    )


def test_there_is_no_average_price_without_decided_grants_or_for_a_one_off(world: None) -> None:
    assert average_rate("SEL107", "handicap", "dag", None, 2025, AS_OF) is None
    assert average_rate("SEL108", "handicap", "engang", None, 2025, AS_OF) is None


def test_the_providers_listed_rate_comes_before_the_average(world: None) -> None:
    p1 = Provider.objects.get(provider_id="p1")
    rate = {"paragraph": "SEL108", "price_basis": "dag", "rate": Decimal(1200), "valid_from": date(2025, 1, 1)}
    add_rate(p1, rate)
    proposal = propose_rate(expected_sel108(rate=None), p1, 2025, AS_OF)
    assert rate_of(proposal) == Decimal(1200)
    assert proposal is not None
    assert proposal.explanation == (
        "Bostedet Egelys takst for SEL § 108 Længerevarende botilbud: 1.200,00 kr. pr. dag (gyldig fra 01-01-2025)."
    )


def test_a_decided_grant_gets_no_average_price(world: None) -> None:
    assert propose_rate(expected_sel108(rate=None, status="bevilget"), None, 2025, AS_OF) is None


def test_a_rate_for_the_paragraph_wins_over_one_for_every_paragraph(world: None) -> None:
    p1 = Provider.objects.get(provider_id="p1")
    add_rate(p1, {"paragraph": "", "price_basis": "dag", "rate": Decimal(900), "valid_from": date(2025, 1, 1)})
    assert rate_of(valid_rate(p1, "SEL107", "dag", date(2025, 3, 1))) == Decimal(900)
    add_rate(p1, {"paragraph": "SEL107", "price_basis": "dag", "rate": Decimal(950), "valid_from": date(2025, 1, 1)})
    assert rate_of(valid_rate(p1, "SEL107", "dag", date(2025, 3, 1))) == Decimal(950)


def test_an_overlapping_rate_is_refused_and_a_following_one_accepted(world: None) -> None:
    p1 = Provider.objects.get(provider_id="p1")
    first = add_rate(p1, {"paragraph": "SEL108", "price_basis": "dag", "rate": Decimal(1000), "valid_from": AS_OF})
    following = {"paragraph": "SEL108", "price_basis": "dag", "rate": Decimal(1050), "valid_from": date(2026, 1, 1)}
    overlap = "Perioden overlapper takst 1.000,00 kr. pr. dag for SEL § 108 Længerevarende botilbud fra 30-06-2025"
    with pytest.raises(ValidationError, match=re.escape(overlap)):
        add_rate(p1, following)
    change_rate_end(first, date(2025, 12, 31))
    add_rate(p1, following)
    assert rate_of(valid_rate(p1, "SEL108", "dag", date(2026, 1, 1))) == Decimal(1050)
    assert rate_of(valid_rate(p1, "SEL108", "dag", date(2025, 12, 31))) == Decimal(1000)
