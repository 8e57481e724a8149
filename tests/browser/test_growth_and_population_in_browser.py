"""In a real Chromium: an administrator uploads FOLK1A and sees the counts or the problems, and a leader
compares two follow-ups on "Hvorfor stiger udgifterne"; each state checked by axe-core (WCAG 2.1 A and AA,
serious and critical fail) and kept as a screenshot."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect
from support.screens import log_in, screenshot

from dispo.services.followups.snapshot import approve, create_followup
from dispo.services.grants import change_grant
from dispo.store.models import Grant

axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SMALL = Path(__file__).parents[1] / "data" / "population" / "folk1a-small.csv"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def serious_violations(page: Any) -> list[str]:
    results = axe_playwright.Axe().run(page, options=WCAG_21_AA)
    return [
        f"{v['id']} {v['help']}: {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_an_administrator_uploads_the_population_and_sees_what_was_stored(
    page: Any, server: str, tmp_path: Path
) -> None:
    log_in(page, server, "admin", "demo-admin")
    page.goto(server + "/administration/")
    page.get_by_role("link", name="Befolkningstal").click()
    bad = tmp_path / "folk1a-fejl.csv"
    bad.write_text("OMRÅDE;ALDER;TID;INDHOLD\n999 Eksempel Kommune;18 år;2025K5;100\n", encoding="utf-8")
    page.get_by_label("FOLK1A-fil (CSV, semikolonsepareret)").set_input_files(str(bad))
    page.get_by_role("button", name="Indlæs befolkningstal").click()
    page.wait_for_load_state()
    expect(page.get_by_role("table", name="Hvorfor filen ikke kan indlæses")).to_contain_text("2025K5")
    screenshot(page, "population-refused")
    assert serious_violations(page) == []
    page.get_by_label("FOLK1A-fil (CSV, semikolonsepareret)").set_input_files(str(SMALL))
    page.get_by_role("button", name="Indlæs befolkningstal").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("folk1a-small.csv er indlæst")
    expect(page.get_by_role("table", name="Indlæst pr. kommune og år")).to_contain_text("999 Eksempel Kommune")
    screenshot(page, "population-imported")
    assert serious_violations(page) == []


def test_a_leader_compares_two_follow_ups(page: Any, server: str) -> None:
    controller = User.objects.get(username="controller")
    approve(create_followup(date(2025, 1, 31), controller), controller)
    change_grant(Grant.objects.get(grant_id="g2"), {"hours_per_week": Decimal(14)}, "Flere timer", "controller")
    create_followup(date(2025, 3, 31), controller)
    log_in(page, server, "leder", "demo-leder")
    page.goto(server + "/indsatstrappen/udgiftsvaekst/?dato=2025-06-30")
    page.get_by_label("Fra opfølgning").select_option(label="2025 pr. 31-01-2025 (godkendt)")
    page.get_by_label("Til opfølgning").select_option(label="2025 pr. 31-03-2025 (kladde)")
    page.get_by_role("button", name="Sammenlign opfølgninger").click()
    page.wait_for_load_state()
    # g2 went from 10 to 14 hours a week: 183 days × 4 h × 350 / 7 = +36,600; g1's February was booked 1,000
    # below the rate: −1,000. Together +35,600.
    expect(page.get_by_role("heading", name="Fra 31-01-2025 til 31-03-2025: +35.600 kr.")).to_be_visible()
    expect(page.get_by_role("img", name="Fra udgiften i 31-01-2025 til udgiften i 31-03-2025")).to_be_visible()
    screenshot(page, "growth-between-followups")
    assert serious_violations(page) == []
