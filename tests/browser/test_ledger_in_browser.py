"""Registering in a real Chromium: an expected grant from the citizen to the grant page and back, with the
provider's rate proposed by htmx; then every registration page once, each kept as a screenshot."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from support.screens import screenshot
from support.world import write_world

from dispo.services.demo import create_demo_users
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.services.providers import add_rate
from dispo.store.models import Budget, Provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PERIOD = "?aar=2025&dato=2025-06-30"


@pytest.fixture
def server(live_server: Any, tmp_path: Path, settings: Any) -> str:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins; tests only
    import_ledger(Ledger.from_folder(write_world(tmp_path / "world")), user="test", reason="Import")
    create_demo_users()
    rate = {"paragraph": "SEL108", "price_basis": "dag", "rate": Decimal(1500), "valid_from": date(2025, 1, 1)}
    add_rate(Provider.objects.get(provider_id="p1"), rate)
    return str(live_server.url)


def log_in(page: Any, server: str) -> None:
    page.goto(server + "/login/")
    page.get_by_label("Brugernavn").fill("controller")
    page.get_by_label("Adgangskode").fill("demo-controller")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()


def test_a_controller_registers_an_expected_grant_and_sees_the_citizens_forecast_change(page: Any, server: str) -> None:
    log_in(page, server)
    page.goto(server + "/borger/c2/" + PERIOD)
    assert page.get_by_text("91.500 kr.").first.is_visible()  # g2 alone: 183 days × 500 kr.
    page.goto(server + "/registrering/borger/c2/ny-bevilling/" + PERIOD)
    assert page.get_by_role("heading", name="Ny bevilling").is_visible()
    screenshot(page, "ledger-grant-new")
    page.get_by_label("Paragraf").select_option("SEL108")
    page.get_by_label("Målgruppe").select_option("handicap")
    page.get_by_label("Leverandør").select_option("p1")
    # htmx asks for the provider's rate and fills the empty field with it.
    rate = page.get_by_label("Takst (kr.)")
    expect(rate).to_have_value("1500")
    assert page.get_by_text("Bostedet Egelys takst for SEL § 108").is_visible()
    page.locator("#id_start").fill("2025-10-01")
    page.get_by_label("Slut (sidste dag)").fill("2025-12-31")
    page.get_by_label("Status").select_option("forventet")
    page.get_by_label("Sandsynlighed (0–1)").fill("0,5")
    page.get_by_label("Begrundelse").fill("Forventet visitation efter sagsgennemgang")
    screenshot(page, "ledger-grant-new-filled")
    assert rate.input_value() == "1500"
    page.get_by_role("button", name="Gem bevilling").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Bevilling 999-R000001").is_visible()
    assert page.get_by_text("Forventet visitation efter sagsgennemgang").is_visible()
    # 92 days (1 October – 31 December) × 1,500 kr. × 0.5 = 69,000.
    assert page.get_by_text("69.000,00").first.is_visible()
    screenshot(page, "ledger-grant-saved")
    page.goto(server + "/borger/c2/" + PERIOD)
    # 91,500 + 69,000 = 160,500.
    assert page.get_by_text("160.500 kr.").first.is_visible()
    screenshot(page, "ledger-citizen-after")


def test_a_refused_grant_shows_each_message_beside_its_field(page: Any, server: str) -> None:
    log_in(page, server)
    page.goto(server + "/registrering/borger/c2/ny-bevilling/" + PERIOD)
    page.get_by_label("Paragraf").select_option("SEL85")
    page.get_by_label("Prisgrundlag").select_option("time")
    # Let the rate proposal that the choices above asked for arrive before typing over it.
    page.wait_for_load_state("networkidle")
    page.get_by_label("Takst (kr.)").fill("-350")
    page.locator("#id_start").fill("2025-10-01")
    page.get_by_label("Slut (sidste dag)").fill("2025-09-01")
    page.get_by_role("button", name="Gem bevilling").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert "Bevillingen er ikke gemt." in alert.inner_text()
    assert page.get_by_text("Taksten kan ikke være negativ.").first.is_visible()
    assert page.get_by_text("En timetakst kræver timer pr. uge.").first.is_visible()
    assert page.get_by_text("Skriv en begrundelse – hvorfor registreres ændringen?").first.is_visible()
    screenshot(page, "ledger-grant-refused")
    # The summary links to the field, so a keyboard user gets there at once.
    alert.get_by_role("link", name="Takst (kr.)").click()
    expect(page.locator("#id_rate")).to_be_focused()


def test_every_registration_page_renders(page: Any, server: str) -> None:
    log_in(page, server)
    pages = [
        ("/registrering/" + PERIOD, "Registrering", "ledger-index"),
        ("/registrering/bevilling/g2/ret/" + PERIOD, "Ret bevilling g2", "ledger-grant-edit"),
        ("/registrering/bevilling/g2/afslut/" + PERIOD, "Afslut bevilling g2", "ledger-grant-end"),
        ("/registrering/leverandoerer/", "Leverandører", "ledger-providers"),
        ("/registrering/leverandoerer/p1/", "Bostedet Egely", "ledger-provider"),
        ("/registrering/leverandoerer/ny/", "Opret leverandør", "ledger-provider-new"),
        ("/registrering/budgetter/?aar=2025", "Budget 2025", "ledger-budgets"),
        ("/registrering/budgetter/ny/?aar=2025", "Ny budgetlinje 2025", "ledger-budget-new"),
    ]
    line = Budget.objects.get(year=2025, paragraph="SEL108")
    pages.append((f"/registrering/budgetter/{line.pk}/ret/", "Ret budgetlinje", "ledger-budget-edit"))
    for path, heading, name in pages:
        page.goto(server + path)
        assert page.get_by_role("heading", name=heading, exact=False).first.is_visible(), path
        screenshot(page, name)
    page.goto(server + "/registrering/leverandoerer/p1/")
    page.get_by_role("link", name="Ret gyldighed").first.click()
    assert page.get_by_role("heading", name="Ret takstens gyldighed").is_visible()
    screenshot(page, "ledger-provider-rate-edit")
