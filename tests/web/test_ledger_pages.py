"""Registering grants, providers with their rates, and budgets in the browser's terms (Django's test client).

The world is `support.world` (year 2025, as of 2025-06-30). Its follow-up lines before any edit:
SEL108 budget 500,000, forecast 364,000 (g1) + 92,000 (g3, expected) = 456,000, diff 44,000;
SEL85 budget 100,000, forecast 91,500 (g2), diff 8,500.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.test import Client
from support.clients import logged_in

from dispo.services.providers import add_rate
from dispo.store.models import AuditEntry, Budget, BudgetChange, Grant, GrantChange, Provider, ProviderRate
from dispo.web.timeline import AXIS_HEIGHT, LABEL_WIDTH, RIGHT_MARGIN, WIDTH, timeline

pytestmark = pytest.mark.django_db
PERIOD = "?aar=2025&dato=2025-06-30"
PLOT = WIDTH - RIGHT_MARGIN - LABEL_WIDTH


def followup_line(client: Client, label: str) -> list[str]:
    """The cells of the follow-up row whose label starts with `label`: budget, forecast, diff, grants, …"""
    page = client.get("/" + PERIOD).content.decode()
    row = page[page.index(label) :].split("</tr>")[0]
    return [c.split(">")[-1] for c in row.split("</td>")[:-1]]


def expected_grant(**changes: str) -> dict[str, str]:
    """An expected SEL108 stay as the form posts it: 1,500 kr./day, 1 Oct – 31 Dec 2025, probability 0.5."""
    form = {
        "paragraph": "SEL108",
        "target_group": "handicap",
        "provider": "p1",
        "price_basis": "dag",
        "rate": "1.500",
        "hours_per_week": "",
        "start": "2025-10-01",
        "end": "2025-12-31",
        "status": "forventet",
        "probability": "0,5",
        "acting_municipality": "999",
        "paying_municipality": "999",
        "own_payment": "",
        "caseworker": "sb2",
        "unit": "u1",
        "reason": "Forventet visitation til botilbud efter sagsgennemgang",
    }
    return {**form, **changes}


def grant_form(grant: Grant, **changes: str) -> dict[str, str]:
    """The edit form of a stored grant as the browser posts it back, with `changes`."""

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    form = {
        "paragraph": grant.paragraph,
        "target_group": grant.target_group,
        "provider": grant.provider.provider_id if grant.provider else "",
        "price_basis": grant.price_basis,
        "rate": text(grant.rate),
        "hours_per_week": text(grant.hours_per_week),
        "start": grant.start.isoformat(),
        "end": grant.end.isoformat() if grant.end else "",
        "status": grant.status,
        "probability": text(grant.probability),
        "acting_municipality": grant.acting_municipality,
        "paying_municipality": grant.paying_municipality,
        "own_payment": text(grant.own_payment),
        "caseworker": grant.caseworker.caseworker_id if grant.caseworker else "",
        "unit": grant.unit.unit_id if grant.unit else "",
        "reason": "",
    }
    return {**form, **changes}


def field_error(page: str, field: str) -> str:
    """The message shown next to a field (the block the field's aria-describedby points at)."""
    match = re.search(rf'id="id_{field}_error"><p>(.*?)</p>', page)
    assert match is not None, f"no message next to {field}"
    return match.group(1).replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")


# --- registering a grant -------------------------------------------------------------------------------------


def test_a_new_expected_grant_shows_on_its_page_and_in_the_follow_up_at_once(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    assert followup_line(client, "SEL § 108")[:3] == ["500.000", "456.000", "44.000"]
    response = client.post("/registrering/borger/c2/ny-bevilling/" + PERIOD, expected_grant())
    assert response.status_code == 302
    assert response["Location"] == "/bevilling/999-R000001/" + PERIOD
    page = client.get(response["Location"]).content.decode()
    assert "Forventet visitation til botilbud efter sagsgennemgang" in page
    # 92 days (1 October – 31 December) × 1,500 kr. × 0.5 = 69,000.
    assert "69.000,00" in page
    # SEL108: 456,000 + 69,000 = 525,000 against 500,000: diff −25,000; grants 3; citizens 2.
    assert followup_line(client, "SEL § 108")[:4] == ["500.000", "525.000", "-25.000", "3"]


def test_the_new_grants_history_names_who_why_and_every_value(users: dict[str, str]) -> None:
    logged_in(users, "controller").post("/registrering/borger/c2/ny-bevilling/" + PERIOD, expected_grant())
    change = GrantChange.objects.get(grant__grant_id="999-R000001")
    assert change.changed_by == "controller"
    assert change.reason == "Forventet visitation til botilbud efter sagsgennemgang"
    assert change.fields["rate"] == [None, 1500.0]
    assert change.fields["probability"] == [None, 0.5]
    assert change.fields["caseworker"] == [None, "Bo Prøvesen"]


def test_an_expected_grant_without_a_rate_gets_the_average_price_per_day(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    form = expected_grant(rate="", provider="", end="", probability="")
    assert client.post("/registrering/borger/c2/ny-bevilling/" + PERIOD, form).status_code == 302
    grant = Grant.objects.get(grant_id="999-R000001")
    # Decided SEL108 under handicap: g1, 364,000 kr. over 1 årsværk; per day 364,000 / 365 = 997.2603.
    assert grant.rate == Decimal("997.2603")
    assert grant.probability == Decimal(1)
    # 1 October – 31 December: 92 days × 997.2603 = 91,747.9476 → 91.748 kr.; SEL108 456,000 + 91,748.
    assert followup_line(client, "SEL § 108")[1] == "547.748"
    assert "Takst: Gennemsnitspris for SEL § 108" in grant.changes.get().reason


def test_an_expected_grant_without_a_rate_gets_the_average_price_per_month(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    form = expected_grant(rate="", provider="", price_basis="maaned", probability="1")
    client.post("/registrering/borger/c2/ny-bevilling/" + PERIOD, form)
    # 364,000 / 12 = 30,333.3333 a month; October – December are 3 whole months = 90,999.9999 → 91.000.
    assert Grant.objects.get(grant_id="999-R000001").rate == Decimal("30333.3333")
    assert followup_line(client, "SEL § 108")[1] == "547.000"


def test_a_grant_without_a_rate_takes_the_providers_listed_rate(users: dict[str, str]) -> None:
    p1 = Provider.objects.get(provider_id="p1")
    add_rate(p1, {"paragraph": "SEL108", "price_basis": "dag", "rate": Decimal(1200), "valid_from": date(2025, 1, 1)})
    client = logged_in(users, "controller")
    client.post("/registrering/borger/c2/ny-bevilling/" + PERIOD, expected_grant(rate="", status="bevilget"))
    assert Grant.objects.get(grant_id="999-R000001").rate == Decimal(1200)
    # 92 days × 1,200 kr. = 110,400 → SEL108 456,000 + 110,400 = 566,400.
    assert followup_line(client, "SEL § 108")[1] == "566.400"


def test_a_decided_grant_without_a_rate_or_a_listed_rate_is_refused(users: dict[str, str]) -> None:
    page = logged_in(users, "controller").post(
        "/registrering/borger/c2/ny-bevilling/" + PERIOD, expected_grant(rate="", status="bevilget")
    )
    assert field_error(page.content.decode(), "rate") == (
        "Angiv en takst. Bostedet Egely har ingen takst for paragraffen og prisgrundlaget på startdatoen."
    )
    assert not Grant.objects.filter(grant_id="999-R000001").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"end": "2025-09-30"},
            "end",
            "Slutdatoen ligger før startdatoen 01-10-2025. Slut er bevillingens sidste dag.",
        ),
        ({"rate": "-10"}, "rate", "Taksten kan ikke være negativ."),
        ({"rate": "mange"}, "rate", "Skriv et tal, fx 1.234,50."),
        ({"probability": "1,5"}, "probability", "Sandsynligheden skal ligge mellem 0 og 1 (fx 0,5 for 50 %)."),
        ({"price_basis": "time"}, "hours_per_week", "En timetakst kræver timer pr. uge."),
        (
            {"paragraph": "SEL999"},
            "paragraph",
            "Ukendt paragraf «SEL999». Vælg en paragraf fra kataloget. Mente du SEL99, SEL97 eller SEL96?",
        ),
        ({"paragraph": ""}, "paragraph", "Vælg en paragraf."),
        (
            {"paragraph": "BL32"},
            "target_group",
            "BL § 32 Støttende indsatser bruges ikke under målgruppen Voksenhandicap, men under: Børn og unge, "
            "Børn med handicap.",
        ),
        (
            {"paragraph": "SEL52", "target_group": "boern"},
            "paragraph",
            "SEL § 52 Foranstaltninger for børn og unge gælder kun til 31-12-2023, "
            "afløst af BL § 32 Støttende indsatser.",
        ),
        ({"start": ""}, "start", "Angiv en startdato."),
        ({"start": "31-02-2025"}, "start", "Skriv datoen som dd-mm-åååå, fx 01-10-2025."),
        ({"paying_municipality": "12"}, "paying_municipality", "Kommunekoden er tre cifre, fx 999."),
        ({"own_payment": "-100"}, "own_payment", "Egenbetalingen kan ikke være negativ."),
        ({"provider": "p9"}, "provider", "Ukendt leverandør. Vælg en fra listen."),
        ({"reason": "  "}, "reason", "Skriv en begrundelse – hvorfor registreres ændringen?"),
    ],
)
def test_a_bad_value_is_refused_with_its_danish_message_next_to_the_field(
    users: dict[str, str], changes: dict[str, str], field: str, message: str
) -> None:
    response = logged_in(users, "controller").post(
        "/registrering/borger/c2/ny-bevilling/" + PERIOD, expected_grant(**changes)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert field_error(page, field) == message
    assert 'aria-invalid="true"' in page
    assert "Bevillingen er ikke gemt." in page
    assert Grant.objects.count() == 4


def test_a_danish_thousands_separator_and_decimal_comma_are_read(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    client.post("/registrering/borger/c2/ny-bevilling/" + PERIOD, expected_grant(rate="1.234,50", end="01-12-2025"))
    grant = Grant.objects.get(grant_id="999-R000001")
    assert (grant.rate, grant.end) == (Decimal("1234.5"), date(2025, 12, 1))


def test_the_new_grant_form_proposes_this_municipality_and_the_citizens_caseworker(users: dict[str, str]) -> None:
    page = logged_in(users, "controller").get("/registrering/borger/c2/ny-bevilling/" + PERIOD).content.decode()
    assert 'name="acting_municipality" value="999"' in page
    assert '<option value="sb2" selected>' in page
    assert AuditEntry.objects.filter(action="ny-bevilling", citizens=["c2"], username="controller").exists()


# --- changing and ending a grant -----------------------------------------------------------------------------


def test_extending_a_grant_raises_the_forecast_by_its_new_days(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    g2 = Grant.objects.get(grant_id="g2")
    form = grant_form(g2, end="2025-12-31", reason="Forlænget efter opfølgning")
    response = client.post("/registrering/bevilling/g2/ret/" + PERIOD, form)
    assert response["Location"] == "/bevilling/g2/" + PERIOD
    # 1 October – 31 December: 92 more days × 10 h × 350 kr. / 7 = 46,000: 91,500 → 137,500; diff −37,500.
    assert followup_line(client, "SEL § 85")[:3] == ["100.000", "137.500", "-37.500"]
    change = g2.changes.get(changed_by="controller")
    assert (change.reason, change.fields) == ("Forlænget efter opfølgning", {"end": ["2025-09-30", "2025-12-31"]})
    assert "Forlænget efter opfølgning" in client.get(response["Location"]).content.decode()


def test_an_edit_that_changes_nothing_is_not_saved(users: dict[str, str]) -> None:
    g2 = Grant.objects.get(grant_id="g2")
    page = logged_in(users, "controller").post("/registrering/bevilling/g2/ret/", grant_form(g2, reason="Intet"))
    assert "Ingen felter er ændret, så der er intet at gemme." in page.content.decode()
    assert not g2.changes.filter(changed_by="controller").exists()


def test_the_edit_page_shows_the_history_with_danish_field_names(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    g2 = Grant.objects.get(grant_id="g2")
    client.post("/registrering/bevilling/g2/ret/", grant_form(g2, rate="400", reason="Ny takst"))
    page = client.get("/registrering/bevilling/g2/ret/").content.decode()
    assert "Takst: 350 → 400" in page
    assert AuditEntry.objects.filter(action="ret-bevilling", citizens=["c2"]).exists()


def test_ending_a_grant_drops_the_rest_of_the_year_from_the_follow_up(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    response = client.post("/registrering/bevilling/g1/afslut/" + PERIOD, {"end": "2025-08-31", "reason": "Flyttet"})
    assert response["Location"] == "/bevilling/g1/" + PERIOD
    # September – December: 122 days × 1,000 kr. fall away: 456,000 → 334,000; diff 166,000.
    assert followup_line(client, "SEL § 108")[:3] == ["500.000", "334.000", "166.000"]
    g1 = Grant.objects.get(grant_id="g1")
    assert (g1.status, g1.end) == ("afsluttet", date(2025, 8, 31))
    change = g1.changes.get(changed_by="controller")
    assert change.fields == {"end": [None, "2025-08-31"], "status": ["bevilget", "afsluttet"]}


def test_ending_before_the_start_is_refused_next_to_the_date(users: dict[str, str]) -> None:
    page = logged_in(users, "controller").post(
        "/registrering/bevilling/g2/afslut/", {"end": "2025-03-01", "reason": "x"}
    )
    assert field_error(page.content.decode(), "end").startswith("Slutdatoen ligger før startdatoen 01-04-2025.")
    assert Grant.objects.get(grant_id="g2").end == date(2025, 9, 30)


def test_ending_without_a_reason_is_refused(users: dict[str, str]) -> None:
    page = logged_in(users, "controller").post("/registrering/bevilling/g2/afslut/", {"end": "2025-08-31"})
    assert field_error(page.content.decode(), "reason") == "Skriv en begrundelse – hvorfor registreres ændringen?"


# --- who may register ------------------------------------------------------------------------------------------


def test_a_caseworker_edits_the_grants_of_their_own_citizens_only(users: dict[str, str]) -> None:
    client = logged_in(users, "sagsbehandler2")
    assert client.get("/registrering/bevilling/g2/ret/").status_code == 200
    assert client.get("/registrering/borger/c2/ny-bevilling/").status_code == 200
    assert client.get("/registrering/bevilling/g1/ret/").status_code == 403
    assert client.post("/registrering/bevilling/g1/afslut/", {"end": "2025-08-31", "reason": "x"}).status_code == 403
    assert client.get("/registrering/borger/c1/ny-bevilling/").status_code == 403
    assert Grant.objects.get(grant_id="g1").end is None
    denied = AuditEntry.objects.filter(action="afvist-borger", username="sagsbehandler2")
    assert denied.count() == 3


def test_a_caseworkers_new_grant_is_theirs_by_default(users: dict[str, str]) -> None:
    page = logged_in(users, "sagsbehandler1").get("/registrering/borger/c1/ny-bevilling/").content.decode()
    assert '<option value="sb1" selected>' in page


@pytest.mark.parametrize("username", ["leder", "analytiker"])
def test_leaders_and_analysts_may_not_register_grants(users: dict[str, str], username: str) -> None:
    client = logged_in(users, username)
    assert client.get("/registrering/borger/c2/ny-bevilling/").status_code == 403
    assert (
        client.post("/registrering/bevilling/g2/ret/", grant_form(Grant.objects.get(grant_id="g2"))).status_code == 403
    )
    assert client.get("/registrering/bevilling/g2/afslut/").status_code == 403
    assert client.get("/registrering/takstforslag/").status_code == 403


def test_an_unknown_grant_or_citizen_is_not_found(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    assert client.get("/registrering/bevilling/nothing/ret/").status_code == 404
    assert client.get("/registrering/borger/nobody/ny-bevilling/").status_code == 404


# --- the rate proposal (htmx) ---------------------------------------------------------------------------------

PROPOSAL = (
    "/registrering/takstforslag/?dato=2025-06-30&provider=p1&paragraph=SEL108&price_basis=dag&start=2025-10-01"
    "&status=bevilget&target_group=handicap&hours_per_week="
)


def test_choosing_a_provider_fills_an_empty_rate_with_its_listed_rate(users: dict[str, str]) -> None:
    add_rate(
        Provider.objects.get(provider_id="p1"),
        {"paragraph": "SEL108", "price_basis": "dag", "rate": Decimal(1200), "valid_from": date(2025, 1, 1)},
    )
    page = logged_in(users, "controller").get(PROPOSAL + "&rate=&proposed_rate=").content.decode()
    assert 'name="rate" value="1200"' in page
    assert "Bostedet Egelys takst for SEL § 108 Længerevarende botilbud: 1.200,00 kr. pr. dag" in page


def test_a_rate_the_user_typed_is_kept_when_the_provider_changes(users: dict[str, str]) -> None:
    add_rate(
        Provider.objects.get(provider_id="p1"),
        {"paragraph": "SEL108", "price_basis": "dag", "rate": Decimal(1200), "valid_from": date(2025, 1, 1)},
    )
    client = logged_in(users, "controller")
    assert 'name="rate" value="1.450"' in client.get(PROPOSAL + "&rate=1.450&proposed_rate=1100").content.decode()
    # A rate dispo proposed before (1100.0000 from another provider) gives way to the new proposal.
    assert 'name="rate" value="1200"' in client.get(PROPOSAL + "&rate=1100&proposed_rate=1100.0000").content.decode()


def test_an_expected_grant_is_proposed_the_average_price(users: dict[str, str]) -> None:
    url = PROPOSAL.replace("provider=p1", "provider=").replace("status=bevilget", "status=forventet")
    page = logged_in(users, "controller").get(url + "&rate=&proposed_rate=").content.decode()
    # 364,000 kr. / 1 årsværk / 365 days = 997.2603 kr. a day.
    assert 'name="rate" value="997,2603"' in page


# --- providers and their rates ---------------------------------------------------------------------------------


def test_the_provider_list_is_searched_by_name(users: dict[str, str]) -> None:
    page = logged_in(users, "analytiker").get("/registrering/leverandoerer/?q=egely").content.decode()
    assert "Bostedet Egely" in page
    assert "Støttecentret" not in page
    assert "1 leverandør matcher «egely»." in page


def test_the_provider_page_lists_rates_and_the_grants_using_it_with_audit(users: dict[str, str]) -> None:
    add_rate(
        Provider.objects.get(provider_id="p1"),
        {"paragraph": "SEL108", "price_basis": "dag", "rate": Decimal(1000), "valid_from": date(2025, 1, 1)},
    )
    page = logged_in(users, "controller").get("/registrering/leverandoerer/p1/").content.decode()
    assert "1.000,00" in page
    assert "01-01-2025" in page
    assert "610265-XXXX" in page  # c1, whose g1 and g3 are at Bostedet Egely
    assert "610265-1234" not in page
    entry = AuditEntry.objects.get(action="leverandoer-bevillinger")
    assert (entry.username, entry.citizens) == ("controller", ["c1"])


def test_an_analyst_sees_the_rates_but_no_citizen(users: dict[str, str]) -> None:
    page = logged_in(users, "analytiker").get("/registrering/leverandoerer/p1/").content.decode()
    assert "2 bevillinger. Din rolle viser ikke oplysninger om de enkelte borgere." in page
    assert "610265" not in page
    assert "Tilføj takst" not in page
    assert not AuditEntry.objects.filter(action="leverandoer-bevillinger").exists()


def test_a_controller_adds_a_rate_and_an_overlapping_one_is_refused(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    rate = {"paragraph": "SEL108", "price_basis": "dag", "rate": "1.000", "valid_from": "2025-01-01", "valid_to": ""}
    assert client.post("/registrering/leverandoerer/p1/", rate).status_code == 302
    overlapping = {**rate, "rate": "1.100", "valid_from": "2025-07-01", "valid_to": "2025-12-31"}
    page = client.post("/registrering/leverandoerer/p1/", overlapping).content.decode()
    assert field_error(page, "valid_from") == (
        "Perioden overlapper takst 1.000,00 kr. pr. dag for SEL § 108 Længerevarende botilbud fra 01-01-2025 "
        "indtil videre. Én paragraf og ét prisgrundlag kan kun have én takst ad gangen: afslut den gældende takst "
        "dagen før, eller vælg en anden periode."
    )
    assert ProviderRate.objects.count() == 1
    # The same period for another price basis, or for every paragraph, is a different row of the list.
    assert client.post("/registrering/leverandoerer/p1/", {**overlapping, "price_basis": "maaned"}).status_code == 302
    assert client.post("/registrering/leverandoerer/p1/", {**overlapping, "paragraph": ""}).status_code == 302


def test_ending_a_rate_makes_room_for_the_next_one(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    old = add_rate(
        Provider.objects.get(provider_id="p1"),
        {"paragraph": "SEL108", "price_basis": "dag", "rate": Decimal(1000), "valid_from": date(2025, 1, 1)},
    )
    response = client.post(f"/registrering/leverandoerer/p1/takster/{old.pk}/ret/", {"valid_to": "2025-12-31"})
    assert response["Location"] == "/registrering/leverandoerer/p1/#takster"
    following = {"paragraph": "SEL108", "price_basis": "dag", "rate": "1.050", "valid_from": "2026-01-01"}
    assert client.post("/registrering/leverandoerer/p1/", following).status_code == 302
    assert ProviderRate.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rate": "-1"}, "rate", "Taksten kan ikke være negativ."),
        ({"valid_to": "2024-12-31"}, "valid_to", "Sidste gyldige dag ligger før første gyldige dag 01-01-2025."),
        ({"valid_from": ""}, "valid_from", "Angiv den første dag, taksten gælder."),
        (
            {"paragraph": "SEL999"},
            "paragraph",
            "Ukendt paragraf «SEL999». Vælg en paragraf fra kataloget, eller ingen.",
        ),
    ],
)
def test_a_bad_rate_is_refused_with_its_message(
    users: dict[str, str], changes: dict[str, str], field: str, message: str
) -> None:
    rate = {"paragraph": "SEL108", "price_basis": "dag", "rate": "1.000", "valid_from": "2025-01-01", "valid_to": ""}
    page = logged_in(users, "controller").post("/registrering/leverandoerer/p1/", {**rate, **changes})
    assert field_error(page.content.decode(), field) == message
    assert not ProviderRate.objects.exists()


def test_a_caseworker_reads_the_rates_but_may_not_add_one(users: dict[str, str]) -> None:
    client = logged_in(users, "sagsbehandler1")
    assert client.get("/registrering/leverandoerer/p1/").status_code == 200
    rate = {"paragraph": "SEL108", "price_basis": "dag", "rate": "1.000", "valid_from": "2025-01-01"}
    assert client.post("/registrering/leverandoerer/p1/", rate).status_code == 403
    assert client.get("/registrering/leverandoerer/ny/").status_code == 403


def test_a_new_provider_is_registered_and_a_taken_id_refused(users: dict[str, str]) -> None:
    client = logged_in(users, "admin")
    provider = {"provider_id": "p3", "name": "Botilbuddet Solhøj", "provider_type": "privat", "municipality": "561"}
    assert client.post("/registrering/leverandoerer/ny/", provider)["Location"] == "/registrering/leverandoerer/p3/"
    page = client.post("/registrering/leverandoerer/ny/", {**provider, "provider_id": "p1"}).content.decode()
    assert field_error(page, "provider_id") == "Der findes allerede en leverandør med id «p1» (Bostedet Egely)."
    page = client.post("/registrering/leverandoerer/ny/", {**provider, "provider_id": "p 4", "municipality": "56"})
    assert field_error(page.content.decode(), "municipality") == "Kommunekoden er tre cifre, fx 999 (eller tom)."
    assert Provider.objects.count() == 3


# --- budgets ------------------------------------------------------------------------------------------------------


def test_the_budget_page_totals_each_target_group(users: dict[str, str]) -> None:
    page = logged_in(users, "controller").get("/registrering/budgetter/?aar=2025").content.decode()
    # Voksenhandicap: SEL108 500,000 + SEL85 100,000 = 600,000.
    group_total = page[page.index("I alt Voksenhandicap") :].split("</tr>")[0]
    assert "600.000" in group_total
    assert "500.000" in page
    assert "100.000" in page


def test_a_budget_edit_changes_the_follow_up_diff_at_once(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    assert followup_line(client, "SEL § 108")[2] == "44.000"
    line = Budget.objects.get(year=2025, paragraph="SEL108")
    response = client.post(
        f"/registrering/budgetter/{line.pk}/ret/", {"amount": "550.000", "reason": "Tillægsbevilling"}
    )
    assert response["Location"] == "/registrering/budgetter/?aar=2025"
    # 550,000 − 456,000 = 94,000 (50,000 more than before).
    assert followup_line(client, "SEL § 108")[:3] == ["550.000", "456.000", "94.000"]
    change = BudgetChange.objects.get(budget=line)
    assert (change.changed_by, change.reason) == ("controller", "Tillægsbevilling")
    assert (change.old_amount, change.new_amount) == (Decimal(500_000), Decimal(550_000))
    assert "Tillægsbevilling" in client.get("/registrering/budgetter/?aar=2025").content.decode()


def test_a_new_budget_line_appears_in_the_follow_up(users: dict[str, str]) -> None:
    client = logged_in(users, "admin")
    line = {"target_group": "handicap", "paragraph": "SEL107", "unit": "", "amount": "50.000", "reason": "Nyt tilbud"}
    assert client.post("/registrering/budgetter/ny/?aar=2025", line).status_code == 302
    # A budget with no grant yet: forecast 0, diff 50,000.
    assert followup_line(client, "SEL § 107")[:3] == ["50.000", "0", "50.000"]
    assert BudgetChange.objects.get(budget__paragraph="SEL107").old_amount is None


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"amount": "-5"}, "amount", "Budgettet kan ikke være negativt."),
        ({"amount": ""}, "amount", "Angiv budgettet."),
        ({"reason": ""}, "reason", "Skriv en begrundelse – hvorfor registreres ændringen?"),
        (
            {"paragraph": "SEL108"},
            "paragraph",
            "2025 har allerede en budgetlinje for SEL § 108 Længerevarende botilbud "
            "under Voksenhandicap (Hele kommunen). Ret den linje i stedet.",
        ),
        (
            {"paragraph": "BL32"},
            "target_group",
            "BL § 32 Støttende indsatser bruges ikke under målgruppen "
            "Voksenhandicap, men under: Børn og unge, Børn med handicap.",
        ),
    ],
)
def test_a_bad_budget_line_is_refused_with_its_message(
    users: dict[str, str], form: dict[str, str], field: str, message: str
) -> None:
    line = {"target_group": "handicap", "paragraph": "SEL107", "unit": "", "amount": "50.000", "reason": "Nyt", **form}
    page = logged_in(users, "controller").post("/registrering/budgetter/ny/?aar=2025", line).content.decode()
    assert field_error(page, field) == message
    assert Budget.objects.count() == 2


def test_a_budget_edit_without_a_reason_changes_nothing(users: dict[str, str]) -> None:
    line = Budget.objects.get(year=2025, paragraph="SEL108")
    page = logged_in(users, "controller").post(f"/registrering/budgetter/{line.pk}/ret/", {"amount": "1", "reason": ""})
    assert field_error(page.content.decode(), "reason") == "Skriv en begrundelse – hvorfor registreres ændringen?"
    assert Budget.objects.get(pk=line.pk).amount == Decimal(500_000)


@pytest.mark.parametrize("username", ["leder", "analytiker", "sagsbehandler1"])
def test_only_controllers_and_administrators_see_budgets(users: dict[str, str], username: str) -> None:
    client = logged_in(users, username)
    assert client.get("/registrering/budgetter/?aar=2025").status_code == 403
    assert client.get("/registrering/budgetter/?aar=2025&format=csv").status_code == 403
    assert client.get("/registrering/budgetter/ny/").status_code == 403


def test_the_budget_table_downloads_as_xlsx_with_its_total(users: dict[str, str]) -> None:
    response = logged_in(users, "controller").get("/registrering/budgetter/?aar=2025&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), data_only=True).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["Målgruppe", "Paragraf", "Betegnelse", "Enhed", "Budget"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("Voksenhandicap", "SEL85", "SEL § 85 Socialpædagogisk støtte", "Hele kommunen", 100_000)
    assert rows[-1][0] == "I alt"
    assert rows[-1][4] == 600_000


def test_the_budget_table_downloads_as_csv(users: dict[str, str]) -> None:
    response = logged_in(users, "controller").get("/registrering/budgetter/?aar=2025&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["paragraph"], float(r["budget"])) for r in rows] == [("SEL85", 100_000.0), ("SEL108", 500_000.0)]


# --- the registration front page ----------------------------------------------------------------------------------


def test_the_front_page_offers_budgets_to_controllers_only(users: dict[str, str]) -> None:
    assert "Budget 2025" in logged_in(users, "controller").get("/registrering/?aar=2025").content.decode()
    page = logged_in(users, "analytiker").get("/registrering/?aar=2025").content.decode()
    assert "Leverandører og takster" in page
    assert "Budget 2025" not in page


# --- the citizen's timeline ---------------------------------------------------------------------------------------


class G:
    """A grant as the timeline sees it."""

    def __init__(self, grant_id: str, paragraph: str, status: str, start: date, end: date | None) -> None:
        self.grant_id, self.paragraph, self.status, self.start, self.end = grant_id, paragraph, status, start, end


def test_a_timeline_within_one_year_has_a_bar_per_grant_and_month_ticks() -> None:
    grants = [
        G("g3", "SEL108", "forventet", date(2025, 10, 1), None),
        G("g1", "SEL108", "bevilget", date(2025, 1, 1), None),
    ]
    line = timeline(grants, 2025, as_of=date(2025, 6, 30))
    assert [t.text for t in line.ticks] == [
        "jan",
        "feb",
        "mar",
        "apr",
        "maj",
        "jun",
        "jul",
        "aug",
        "sep",
        "okt",
        "nov",
        "dec",
    ]
    first, second = line.bars
    # Ordered by start. g1 fills the year (365 of 365 days) and goes on; g3 starts after 273 days (Jan–Sep).
    assert (first.grant_id, first.x, first.width, first.goes_on) == ("g1", LABEL_WIDTH, PLOT, True)
    assert second.x == pytest.approx(LABEL_WIDTH + PLOT * 273 / 365)
    assert second.width == pytest.approx(PLOT * 92 / 365)
    assert (second.short_label, second.label) == ("SEL § 108", "SEL § 108 Længerevarende botilbud")
    assert second.y == AXIS_HEIGHT + 30 + 6
    # 30 June is day 180 of the year (0-based).
    assert line.marker_x == pytest.approx(LABEL_WIDTH + PLOT * 180 / 365)


def test_a_timeline_shows_at_most_three_years_and_marks_what_runs_outside() -> None:
    grants = [
        G("old", "SEL85", "afsluttet", date(2015, 1, 1), date(2020, 12, 31)),
        G("long", "SEL108", "bevilget", date(2019, 5, 1), date(2026, 6, 30)),
        G("short", "SEL85", "afsluttet", date(2024, 1, 1), date(2024, 12, 31)),
    ]
    line = timeline(grants, 2025)
    assert (line.first, line.last) == (date(2023, 1, 1), date(2025, 12, 31))
    assert [(e.grant_id, e.status_label) for e in line.outside] == [("old", "Afsluttet")]
    assert [t.text for t in line.ticks] == ["2023", "2024", "2025"]
    long, short = line.bars
    assert (long.began_before, long.goes_on, long.x, long.width) == (True, True, LABEL_WIDTH, PLOT)
    # 2024 is days 365 … 730 of the 1,096 days 2023–2025.
    assert short.x == pytest.approx(LABEL_WIDTH + PLOT * 365 / 1096)
    assert short.width == pytest.approx(PLOT * 366 / 1096)
    assert (short.began_before, short.goes_on) == (False, False)


def test_the_new_grant_page_draws_the_citizens_timeline_with_a_text_alternative(users: dict[str, str]) -> None:
    page = logged_in(users, "controller").get("/registrering/borger/c1/ny-bevilling/" + PERIOD).content.decode()
    svg = page[page.index("<svg viewBox") : page.index("</svg>")]
    assert 'role="img"' in svg
    assert (
        "SEL § 108 Længerevarende botilbud (g1): bevilget fra 01-01-2025 indtil videre. "
        "SEL § 108 Længerevarende botilbud (g3): forventet fra 01-10-2025 indtil videre."
    ) in svg
    assert not re.search(r'(x|width)="\d+,\d', svg), "coordinates must not be written with a decimal comma"
