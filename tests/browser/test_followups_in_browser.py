"""The monthly cycle in a real Chromium: the controller makes a follow-up, comments a line, approves it and
downloads the committee report as PDF and XLSX; the pages with content pass axe's WCAG 2.1 AA rules."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from support.screens import log_in, screenshot

from dispo.services.followups.snapshot import approve, create_followup
from dispo.services.grants import change_grant
from dispo.store.followups.models import FollowUp
from dispo.store.models import Grant

axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def january_then_changes() -> None:
    """31 January approved (548,500); then g2 at 14 hours a week (+36,600) and g3 decided (+92,000)."""
    karen = User.objects.get(username="controller")
    approve(create_followup(date(2025, 1, 31), karen), karen)
    change_grant(Grant.objects.get(grant_id="g2"), {"hours_per_week": Decimal(14)}, "Flere timer", "controller")
    change_grant(Grant.objects.get(grant_id="g3"), {"status": Grant.Status.DECIDED}, "Bevilget", "controller")


def serious_violations(page: Any) -> list[str]:
    results = axe_playwright.Axe().run(page, options=WCAG_21_AA)
    found = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    return [f"{v['id']}: {[(n['target'], n.get('failureSummary')) for n in v['nodes']]}" for v in found]


def download(page: Any, link: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_the_controller_runs_the_monthly_cycle_to_the_committee_report(page: Any, server: str, tmp_path: Path) -> None:
    january_then_changes()
    log_in(page, server, "controller", "demo-controller")
    page.goto(server + "/opfoelgning/?aar=2025")
    page.get_by_label("Opgjort pr.").fill("2025-03-31")
    page.get_by_role("button", name="Opret opfølgning").click()
    assert page.get_by_role("heading", name="Budgetopfølgning 2025 pr. 31-03-2025").is_visible()
    total = page.locator("tr.level-total")
    assert "676.100" in total.inner_text()
    assert "127.600" in total.inner_text()

    comment = page.get_by_label("Kommentar til SEL § 108 Længerevarende botilbud")
    comment.fill("Borgeren i g3 er bevilget fra 1. oktober.")
    comment.locator("xpath=..").get_by_role("button", name="Gem").click()
    page.get_by_text("Gemt").wait_for()
    assert serious_violations(page) == []
    screenshot(page, "followups-detail")

    sel108 = page.locator("tr.level-paragraph", has_text="SEL § 108")
    sel108.locator("summary", has_text="91.000").click()
    sel108.get_by_role("link", name="Bevillingerne bag").click()
    assert page.get_by_role("heading", name="Ændringer: SEL § 108 Længerevarende botilbud").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "followups-line")
    page.go_back()

    page.get_by_role("button", name="Godkend opfølgningen").click()
    assert page.get_by_text("er godkendt og låst").is_visible()
    assert FollowUp.objects.get(as_of=date(2025, 3, 31)).status == "godkendt"
    assert page.get_by_role("button", name="Godkend opfølgningen").count() == 0

    workbook = openpyxl.load_workbook(download(page, "Rapport til udvalget (Excel)", tmp_path))
    explanations = [c.value for c in workbook["Ændringer"]["E"]]
    assert "Forventede indsatser +92.000 kr.; Betalinger afviger fra bevilling -1.000 kr. Borgeren i g3 er bevilget" \
        " fra 1. oktober." in explanations  # fmt: skip
    pdf = download(page, "Rapport til udvalget (PDF)", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Budgetopfølgning 2025" in text
        assert "mod et budget på 600.000 kr.: et merforbrug på 76.100 kr." in text
        assert "Borgeren i g3 er bevilget fra 1. oktober." in text
        assert "Indsatstrappen: Voksenhandicap" in text


def test_the_series_page_passes_the_accessibility_rules(page: Any, server: str) -> None:
    january_then_changes()
    create_followup(date(2025, 3, 31), User.objects.get(username="controller"))
    log_in(page, server, "leder", "demo-leder")
    page.goto(server + "/opfoelgning/serie/?aar=2025")
    assert page.get_by_role("table", name="Antal indsatser og forventet regnskab i årets opfølgninger").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "followups-series")
    page.goto(server + "/opfoelgning/?aar=2025")
    assert serious_violations(page) == []
    screenshot(page, "followups-list")
