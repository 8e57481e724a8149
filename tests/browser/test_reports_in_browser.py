"""A controller opens each management-information report in a real Chromium and drills down from them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.screens import log_in, screenshot

from dispo.services.demo import create_demo_users
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WORLD = Path(__file__).parents[1] / "data" / "mi"
PERIOD = "?aar=2025&dato=2025-06-30"


@pytest.fixture
def server(live_server: Any) -> str:
    import_ledger(Ledger.from_folder(WORLD), user="test", reason="Import")
    create_demo_users()
    return str(live_server.url)


def test_controller_opens_every_report_and_drills_down(page: Any, server: str) -> None:
    log_in(page, server, "controller", "demo-controller")
    page.goto(server + "/rapporter/" + PERIOD)
    screenshot(page, "reports-index")
    page.get_by_role("link", name="Sagsbehandleroversigt").click()
    assert page.get_by_role("heading", name="Sagsbehandleroversigt 2025").is_visible()
    screenshot(page, "reports-caseworkers")
    page.get_by_role("link", name="Bo Berg").click()
    assert page.get_by_role("heading", name="Sagsbehandlerrapport").is_visible()
    assert page.get_by_role("link", name="g3").is_visible()
    screenshot(page, "reports-caseworker")
    page.goto(server + "/rapporter/sde/" + PERIOD)
    assert page.get_by_role("heading", name="Særligt dyre enkeltsager 2025").is_visible()
    screenshot(page, "reports-sde")
    page.get_by_role("link", name="620212-XXXX").click()
    assert page.get_by_role("heading", name="Borger 620212-XXXX").is_visible()
    page.goto(server + "/rapporter/novemberlisten/" + PERIOD)
    assert page.get_by_role("heading", name="Novemberlisten 2025").is_visible()
    screenshot(page, "reports-november")
    page.goto(server + "/rapporter/leverandoerer/" + PERIOD)
    screenshot(page, "reports-providers-index")
    page.get_by_role("link", name="SEL § 108 Længerevarende botilbud").click()
    assert page.get_by_role("row", name="Gennemsnit").is_visible()
    screenshot(page, "reports-providers-sel108")
    assert "XXXX" in page.content()
    assert "700580-0002" not in page.content()


def test_the_period_form_changes_the_reports_year_by_keyboard(page: Any, server: str) -> None:
    log_in(page, server, "controller", "demo-controller")
    page.goto(server + "/rapporter/sde/" + PERIOD)
    page.get_by_label("År").fill("2019")
    page.get_by_label("År").press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    assert "2019" in page.get_by_role("alert").inner_text()
