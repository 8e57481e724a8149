"""A leader opens the overview in a real Chromium, reads its charts, picks a staircase and drills into a paragraph."""

from __future__ import annotations

from typing import Any

import pytest
from support.screens import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PERIOD = "?aar=2025&dato=2025-06-30"


def test_a_leader_reads_the_overview_and_drills_into_a_paragraph(page: Any, server: str) -> None:
    log_in(page, server, "leder", "demo-leder")
    page.goto(server + "/overblik/" + PERIOD)
    assert page.get_by_role("heading", name="Overblik 2025").is_visible()
    assert page.get_by_role("img", name="Forventet regnskab mod budget 2025").is_visible()
    # Every chart is drawn at a sensible size, not collapsed or overflowing the page.
    for chart in page.locator("svg.chart").all():
        box = chart.bounding_box()
        assert box is not None
        assert 200 < box["width"] <= 1400
        assert box["height"] > 50
    assert page.evaluate("document.documentElement.scrollWidth") <= 1400
    screenshot(page, "overview")

    page.get_by_text("Vis tallene bag grafen").click()
    assert page.get_by_role("row", name="jun 2025").is_visible()

    page.get_by_label("Målgruppe", exact=True).select_option("psykiatri")
    page.get_by_role("button", name="Vis trappen").click()
    page.wait_for_load_state()
    assert "maalgruppe=psykiatri" in page.url
    assert page.get_by_role("heading", name="Indsatstrappen Socialpsykiatri").is_visible()
    screenshot(page, "overview-psychiatry")

    page.get_by_role("link", name="SEL § 108 Længerevarende botilbud").click()
    assert page.get_by_role("heading", name="Længerevarende botilbud").is_visible()


def test_the_staircase_can_be_chosen_with_the_keyboard_alone(page: Any, server: str) -> None:
    log_in(page, server, "leder", "demo-leder")
    page.goto(server + "/overblik/" + PERIOD)
    page.get_by_label("Målgruppe", exact=True).focus()
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("Målgruppe", exact=True).input_value() == "psykiatri"
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "maalgruppe=psykiatri" in page.url
