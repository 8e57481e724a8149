"""The staircase in a real Chromium: the picture, a movement cell opened to its citizens, why expenses grow, the
averages on the grant form updating as the paragraph changes, and the model editor; each kept as a screenshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from support.screens import log_in, screenshot

from dispo.services.population import import_folk1a

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PERIOD = "?aar=2025&dato=2025-06-30"
MOVES = "?model=voksen_handicap&fra=2024-06-30&til=2025-06-30"
SMALL = Path(__file__).parents[1] / "data" / "population" / "folk1a-small.csv"


def test_a_leader_reads_the_staircase_picture(page: Any, server: str) -> None:
    log_in(page, server, "leder", "demo-leder")
    page.get_by_role("link", name="Indsatstrappen").first.click()
    page.goto(server + "/indsatstrappen/" + PERIOD)
    steps = page.locator("ol.stairs > li")
    expect(steps).to_have_count(5)
    screenshot(page, "staircase-picture")
    # The blocks rise: each step's top is higher on the page than the one before it.
    tops = [box["y"] for box in (s.bounding_box() for s in steps.all()) if box is not None]
    assert tops == sorted(tops, reverse=True)
    assert len(set(tops)) == 5
    top_step = steps.nth(4)
    expect(top_step).to_contain_text("Varige eller længerevarende botilbud")
    expect(top_step).to_contain_text("404.964")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1400


def test_a_controller_opens_a_movement_cell_to_its_citizens(page: Any, server: str) -> None:
    log_in(page, server, "controller", "demo-controller")
    page.goto(server + "/indsatstrappen/bevaegelser/" + MOVES)
    expect(page.get_by_role("img", name="Ændring i årlig udgift efter bevægelse")).to_be_visible()
    screenshot(page, "staircase-movements")
    inflow = (
        page.get_by_role("table", name="Antal borgere fra trin")
        .get_by_role("row")
        .filter(has_text="0. Ikke på trappen")
    )
    inflow.get_by_role("link", name="1").click()
    page.wait_for_load_state()
    expect(
        page.get_by_role("heading", name="Fra «Ikke på trappen» til «Varige eller længerevarende botilbud»")
    ).to_be_visible()
    expect(page.get_by_role("link", name="610265-XXXX")).to_be_visible()
    screenshot(page, "staircase-moved-citizens")


def test_a_leader_reads_why_expenses_grow(page: Any, server: str) -> None:
    import_folk1a(SMALL)
    log_in(page, server, "leder", "demo-leder")
    page.goto(server + "/indsatstrappen/udgiftsvaekst/?fra_aar=2024&til_aar=2025&dato=2025-06-30&basis=2025")
    expect(page.get_by_role("img", name="Fra udgiften i 2024 til udgiften i 2025")).to_be_visible()
    for chart in page.locator("svg.chart").all():
        box = chart.bounding_box()
        assert box is not None
        assert 200 < box["width"] <= 1400
    screenshot(page, "staircase-why")


def test_the_grant_form_shows_the_average_for_the_chosen_paragraph(page: Any, server: str) -> None:
    log_in(page, server, "controller", "demo-controller")
    page.goto(server + "/registrering/borger/c1/ny-bevilling/" + PERIOD)
    average = page.locator("#average-field")
    expect(average).to_contain_text("Vælg paragraf og målgruppe")
    page.get_by_label("Paragraf").select_option("SEL108")
    page.get_by_label("Målgruppe").select_option("handicap")
    page.get_by_label("Leverandør").select_option("p1")
    expect(average).to_contain_text("Varige eller længerevarende botilbud")
    expect(average).to_contain_text("Privat: 404.964 kr. pr. år")
    screenshot(page, "staircase-grant-form-average")


def test_an_administrator_saves_a_new_version_of_a_model(page: Any, server: str) -> None:
    log_in(page, server, "admin", "demo-admin")
    page.goto(server + "/indsatstrappen/modeller/")
    page.get_by_role("link", name="Ret Voksenhandicap").click()
    page.get_by_label("Trin 5").fill("Varige botilbud")
    page.get_by_role("button", name="Gem ny version").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv en begrundelse")
    screenshot(page, "staircase-model-refused")
    page.get_by_label("Begrundelse").fill("Kortere navn på trin 5")
    page.get_by_role("button", name="Gem ny version").click()
    expect(page.get_by_role("status")).to_contain_text("den nye version er gemt")
    expect(page.get_by_role("table", name="Historik for Voksenhandicap")).to_contain_text("Kortere navn på trin 5")
    screenshot(page, "staircase-models")
