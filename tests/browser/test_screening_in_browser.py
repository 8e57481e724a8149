"""The screening pages in a real Chromium: registering with htmx under the Content-Security-Policy, and every
page of the area, with the hand-worked consortium imported, checked by axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.screens import log_in, screenshot

from dispo.services.screening.aggregate import import_aggregates
from dispo.store.screening.models import Screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")
PERIOD = "?aar=2025&dato=2025-06-30"
DATA = Path(__file__).parent.parent / "data" / "screening"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PAGES = {
    "screening-kandidater": "/screening/",
    "screening-registrering": "/screening/borger/c1/",
    "screening-samlet-fil": "/screening/samlet-fil/",
    "screening-konsortium": "/screening/konsortium/",
    "screening-hypoteser": "/screening/hypoteser/",
    "screening-kommunerapport": "/screening/kommunerapport/",
}


def serious(page: Any, name: str) -> list[str]:
    page.wait_for_load_state("networkidle")
    screenshot(page, name)
    results = axe_playwright.Axe().run(page, options=WCAG_21_AA)
    return [
        f"{name}: {v['id']} ({v['impact']}) {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_caseworker_registers_a_citizen_with_htmx(page: Any, server: str) -> None:
    log_in(page, server, "sagsbehandler1", "demo-sagsbehandler1")
    page.goto(server + "/screening/borger/c1/" + PERIOD)
    page.get_by_role("group", name="Har borgeren en dom?").get_by_label("Ja").check()
    page.get_by_role("button", name="Gem som færdig").click()
    assert page.get_by_role("status").inner_text() == "Registreringen er gemt som færdig."
    assert page.url.endswith("/screening/borger/c1/" + PERIOD)  # saved in place, no reload
    stored = Screening.objects.get(citizen__citizen_id="c1")
    assert (stored.answers["court_sentence"], stored.status) == ("ja", "faerdig")
    screenshot(page, "screening-gemt")


def test_every_screening_page_meets_wcag_21_aa_with_a_consortium_imported(page: Any, server: str) -> None:
    import_aggregates([(p.name, p.read_bytes()) for p in sorted(DATA.glob("*.csv"))], "koordinator")
    log_in(page, server, "controller", "demo-controller")
    found = []
    for name, path in PAGES.items():
        page.goto(server + path + PERIOD)
        found += serious(page, name)
    page.context.clear_cookies()
    log_in(page, server, "admin", "demo-admin")
    page.goto(server + "/screening/spoergsmaal/" + PERIOD)
    page.get_by_label("Id").fill("Bad Id")
    page.get_by_label("Afsnit").fill("Psykiatri")
    page.get_by_label("Spørgsmål", exact=True).fill("Antal indlæggelser?")
    page.get_by_label("Svartype").select_option("choice")
    page.get_by_label("Begrundelse").fill("Prøve")
    page.get_by_role("button", name="Tilføj som ny version").click()
    assert page.get_by_role("alert").inner_text().startswith("Spørgsmålet er ikke tilføjet.")
    found += serious(page, "screening-spoergsmaal-fejl")
    assert found == []
