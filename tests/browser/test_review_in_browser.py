"""The monthly case review in a real Chromium: the controller makes a follow-up and the review lists, a
caseworker answers the guide's questions one at a time (htmx), and the controller signs the review off. The
review and calendar pages, with a refused answer and refused settings on them, pass axe's WCAG 2.1 AA rules."""

from __future__ import annotations

from typing import Any

import pytest
from support.screens import log_in, screenshot
from test_accessibility import problems, under_policy

from dispo.store.models import Grant
from dispo.store.reviews.models import Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_followup_and_lists(page: Any, server: str) -> None:
    """As the controller: a follow-up as of 30 June 2025 through its page, then the review lists."""
    log_in(page, server, "controller", "demo-controller")
    page.goto(server + "/opfoelgning/?aar=2025")
    page.get_by_label("Opgjort pr.").fill("2025-06-30")
    page.get_by_role("button", name="Opret opfølgning").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Sagsgennemgang", exact=True).click()
    page.get_by_role("button", name="Dan lister til sagsgennemgang").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Listerne til sagsgennemgangen er dannet for 2 sagsbehandlere."
    screenshot(page, "review-progress-empty")
    page.get_by_role("button", name="Log ud").click()


def test_follow_up_then_a_caseworker_answers_and_the_controller_signs_off(page: Any, server: str) -> None:
    under_policy(page)
    make_followup_and_lists(page, server)
    log_in(page, server, "sagsbehandler1", "demo-sagsbehandler1")
    page.get_by_role("link", name="Sagsgennemgang", exact=True).click()
    page.get_by_role("link", name="Opfølgning pr. 30-06-2025").click()
    question = page.get_by_role("group", name="Passer forventet opstartsdato fortsat?")
    question.get_by_label("Nej").check()
    question.get_by_role("button", name="Gem").click()
    new_start = page.get_by_label("Ny forventet opstartsdato")
    new_start.fill("31-02-2025")
    new_start.press("Enter")
    alert = page.get_by_role("alert")
    assert alert.inner_text() == "«31-02-2025» er ikke en dato. Skriv datoen som dd-mm-åååå, fx 01-10-2025."
    assert problems(page, "review-refused-answer") == []
    page.get_by_label("Ny forventet opstartsdato").fill("01-11-2025")
    page.get_by_label("Ny forventet opstartsdato").press("Enter")
    page.get_by_text("Besvaret: 01-11-2025").wait_for()
    assert str(Grant.objects.get(grant_id="g3").start) == "2025-11-01"
    screenshot(page, "review-caseworker")
    page.get_by_role("button", name="Log ud").click()

    log_in(page, server, "controller", "demo-controller")
    page.get_by_role("link", name="Sagsgennemgang", exact=True).click()
    assert page.get_by_role("progressbar", name="Besvaret af Anna Testesen").get_attribute("value") == "2"
    screenshot(page, "review-progress")
    page.get_by_role("link", name="Anna Testesen").click()
    page.get_by_role("button", name="Godkend sagsgennemgangen").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Sagsgennemgangen for Anna Testesen er godkendt."
    assert Review.objects.get(caseworker__caseworker_id="sb1").signed_off
    assert problems(page, "review-signed-off") == []
    screenshot(page, "review-signed-off")


def test_the_calendar_with_refused_settings_meets_wcag_21_aa(page: Any, server: str) -> None:
    under_policy(page)
    log_in(page, server, "controller", "demo-controller")
    page.get_by_role("link", name="Kalender").click()
    page.goto(server + "/kalender/?aar=2025")
    assert page.get_by_role("heading", name="Controllerens kalender 2025").is_visible()
    screenshot(page, "calendar")
    page.get_by_label("Dagsorden udsendes, arbejdsdage før mødet").fill("0")
    page.get_by_role("button", name="Gem indstillinger").click()
    expected = "Antal arbejdsdage før udvalgsmødet skal være mellem 1 og 40."
    assert page.get_by_role("alert").first.inner_text() == expected
    assert problems(page, "calendar-refused-settings") == []
