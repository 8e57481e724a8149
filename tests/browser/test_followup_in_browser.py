"""A controller logs in, reads the follow-up table and drills down to a citizen, in a real Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from support.screens import log_in, screenshot

from dispo.store.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PERIOD = "?aar=2025&dato=2025-06-30"


def test_controller_drills_down_from_the_follow_up_table_to_a_citizen(page: Any, server: str) -> None:
    log_in(page, server, "controller", "demo-controller")
    page.goto(server + "/" + PERIOD)
    screenshot(page, "followup")
    assert page.get_by_role("heading", name="Aktuel prognose 2025").is_visible()
    page.get_by_role("link", name="SEL § 108 Længerevarende botilbud").click()
    assert page.get_by_role("heading", name="Længerevarende botilbud").is_visible()
    screenshot(page, "paragraph")
    page.get_by_role("link", name="610265-XXXX").first.click()
    assert page.get_by_role("heading", name="Borger 610265-XXXX").is_visible()
    assert "610265-1234" not in page.content()
    screenshot(page, "citizen")
    page.get_by_role("link", name="g1").first.click()
    assert page.get_by_text("Sådan er tallene for 2025 fremkommet").is_visible()
    screenshot(page, "grant")


def test_a_wrong_password_is_refused_with_a_message(page: Any, server: str) -> None:
    log_in(page, server, "controller", "forkert")
    assert page.get_by_role("alert").inner_text() == "Brugernavn eller adgangskode er forkert."


def test_the_follow_up_xlsx_downloads_in_the_browser_with_its_totals(page: Any, server: str, tmp_path: Path) -> None:
    log_in(page, server, "controller", "demo-controller")
    page.goto(server + "/" + PERIOD)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename == "budgetopfoelgning-2025.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    header = [c.value for c in sheet[1]]
    total = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "total")
    # 456,000 (SEL108) + 91,500 (SEL85) against budgets of 500,000 + 100,000.
    assert total[header.index("Forventet")] == pytest.approx(547_500)
    assert total[header.index("Budget")] == pytest.approx(600_000)
    assert total[header.index("Diff. i forhold til budget")] == pytest.approx(52_500)


def test_a_caseworker_typing_another_caseworkers_citizen_is_refused(page: Any, server: str) -> None:
    log_in(page, server, "sagsbehandler2", "demo-sagsbehandler2")
    response = page.goto(server + "/borger/c1/" + PERIOD)
    assert response.status == 403
    assert page.get_by_role("heading", name="Ingen adgang").is_visible()
    assert "610265" not in page.content()
    screenshot(page, "caseworker-denied")
    assert page.goto(server + "/borger/c2/" + PERIOD).status == 200
    assert AuditEntry.objects.filter(action="afvist-borger", username="sagsbehandler2", citizens=["c1"]).exists()
