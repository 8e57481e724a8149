"""The controller's whole monthly cycle in a real Chromium, on the hand-worked ledger of support/world.py.

1. The controller makes the follow-up as of 30 June 2025: g1 364,000 (365 days × 1,000, February booked 1,000
   short) + g2 91,500 (183 days × 10 h × 350 kr. / 7) + g3 92,000 (92 days × 2,000 × 0.5) = 547,500 against a
   budget of 600,000; then the review lists from the follow-up's page.
2. Bo Prøvesen (sagsbehandler2) answers his case, g2 stopping 30 September: "Skal det forlænges? – ja",
   "Forlænges til 31-12-2025". That creates an expected grant from 1 October to 31 December on g2's terms:
   92 days × 10 h × 350 kr. / 7 = 46,000.
3. The controller signs Bo's review off. Anna's is still open, so approving the follow-up asks for the
   confirmation; ticked, the follow-up is approved.
4. The follow-up as of 31 July 2025 picks the answer up: 547,500 + 46,000 = 593,500 (diff 600,000 − 593,500 =
   6,500), and the change of 46,000 is all "Forventede indsatser" (an expected grant only in the new follow-up
   counts + its forecast), on SEL § 85; nothing else moved between the two dates (g1's February is 1,000
   short in both, so its payments part is 0).
5. The controller comments the line, approves, and downloads the committee report as PDF and XLSX.
Every step is screenshotted and checked by axe (WCAG 2.1 AA) under the site's Content-Security-Policy.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from support.screens import log_in, screenshot
from test_accessibility import problems, under_policy

from dispo.store.followups.models import FollowUp
from dispo.store.models import Grant
from dispo.store.reviews.models import Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COMMENT = "Forlængelse af g2 til 31-12-2025 fra sagsgennemgangen pr. 30-06-2025."


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_load_state()


def create_followup(page: Any, server: str, day: str) -> None:
    page.goto(server + "/opfoelgning/?aar=2025")
    page.get_by_label("Opgjort pr.").fill(day)
    page.get_by_role("button", name="Opret opfølgning").click()
    page.wait_for_load_state()


def download(page: Any, link: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def controller_makes_the_june_follow_up_and_the_lists(page: Any, server: str) -> None:
    log_in(page, server, "controller", "demo-controller")
    create_followup(page, server, "2025-06-30")
    assert page.get_by_role("heading", name="Budgetopfølgning 2025 pr. 30-06-2025").is_visible()
    assert page.locator("tr.level-total").inner_text().split()[:5] == ["I", "alt", "600.000", "547.500", "52.500"]
    assert problems(page, "cycle-1-followup") == []
    page.get_by_role("button", name="Dan lister til sagsgennemgang").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Listerne til sagsgennemgangen er dannet for 2 sagsbehandlere."
    assert problems(page, "cycle-2-lists") == []
    log_out(page)


def caseworker_extends_the_stopping_grant(page: Any, server: str) -> None:
    log_in(page, server, "sagsbehandler2", "demo-sagsbehandler2")
    page.get_by_role("link", name="Sagsgennemgang", exact=True).click()
    page.get_by_role("link", name="Opfølgning pr. 30-06-2025").click()
    question = page.get_by_role("group", name="Skal det forlænges?")
    question.get_by_label("Ja").check()
    question.get_by_role("button", name="Gem").click()
    until = page.get_by_label("Forlænges til (forventet sidste dag)")
    until.fill("31-12-2025")
    until.press("Enter")
    page.get_by_text("Besvaret: 31-12-2025").wait_for()
    extension = Grant.objects.get(citizen__citizen_id="c2", status="forventet")
    assert (extension.start, extension.end, extension.paragraph) == (date(2025, 10, 1), date(2025, 12, 31), "SEL85")
    assert page.get_by_role("link", name=extension.grant_id).first.is_visible()
    assert problems(page, "cycle-3-caseworker-answered") == []
    log_out(page)


def controller_signs_off_and_approves_june(page: Any, server: str) -> None:
    log_in(page, server, "controller", "demo-controller")
    page.goto(server + "/opfoelgning/?aar=2025")
    page.get_by_role("link", name="30-06-2025").click()
    bo = page.locator("tr", has=page.get_by_role("link", name="Bo Prøvesen"))
    assert bo.inner_text().split()[2:7] == ["1", "1", "2", "af", "2"]  # one case, done, both questions answered
    page.get_by_role("link", name="Bo Prøvesen").click()
    page.get_by_role("button", name="Godkend sagsgennemgangen").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Sagsgennemgangen for Bo Prøvesen er godkendt."
    assert problems(page, "cycle-4-review-signed-off") == []
    page.get_by_role("link", name="Budgetopfølgning 2025 pr. 30-06-2025").first.click()
    page.get_by_role("button", name="Godkend opfølgningen").click()
    page.wait_for_load_state()
    refused = page.get_by_role("status").inner_text()
    assert refused.startswith("1 sagsgennemgang til opfølgningen er ikke godkendt (Anna Testesen).")
    assert FollowUp.objects.get(as_of=date(2025, 6, 30)).status == "kladde"
    assert problems(page, "cycle-5-approval-asks") == []
    page.get_by_label("Godkend alligevel, selvom sagsgennemgangen ikke er afsluttet").check()
    page.get_by_role("button", name="Godkend opfølgningen").click()
    page.wait_for_load_state()
    assert page.get_by_text("er godkendt og låst").is_visible()
    assert Review.objects.get(caseworker__caseworker_id="sb2").signed_off


def controller_sees_the_answer_in_the_july_follow_up(page: Any, server: str) -> None:
    create_followup(page, server, "2025-07-31")
    assert page.get_by_role("heading", name="Budgetopfølgning 2025 pr. 31-07-2025").is_visible()
    total = page.locator("tr.level-total")
    assert total.inner_text().split()[:5] == ["I", "alt", "600.000", "593.500", "6.500"]
    total.locator("summary").click()
    parts = total.locator("dl.parts").inner_text().split("\n")
    assert parts == ["Forventet sidst", "547.500", "Forventede indsatser", "46.000"]
    sel85 = page.locator("tr.level-paragraph", has_text="SEL § 85")
    sel85.locator("summary").click()
    assert sel85.locator("dl.parts").inner_text().split("\n") == [
        "Forventet sidst",
        "91.500",
        "Forventede indsatser",
        "46.000",
    ]
    assert problems(page, "cycle-6-july-change-opened") == []
    sel85.get_by_role("link", name="Bevillingerne bag").click()
    extension = Grant.objects.get(citizen__citizen_id="c2", status="forventet").grant_id
    row = page.locator("tr", has=page.get_by_role("link", name=extension, exact=True))
    assert "46.000" in row.inner_text()
    screenshot(page, "cycle-7-july-grants-behind")
    page.get_by_role("link", name="Budgetopfølgning 2025 pr. 31-07-2025").click()
    page.wait_for_load_state()
    comment = page.get_by_label("Kommentar til SEL § 85 Socialpædagogisk støtte")
    comment.fill(COMMENT)
    comment.locator("xpath=..").get_by_role("button", name="Gem").click()
    page.get_by_text("Gemt").wait_for()
    page.get_by_role("button", name="Godkend opfølgningen").click()  # no lists for July: nothing to confirm
    page.wait_for_load_state()
    assert page.get_by_text("er godkendt og låst").is_visible()
    assert problems(page, "cycle-8-july-approved") == []


def test_the_controller_runs_the_whole_monthly_cycle(page: Any, server: str, tmp_path: Path) -> None:
    under_policy(page)
    controller_makes_the_june_follow_up_and_the_lists(page, server)
    caseworker_extends_the_stopping_grant(page, server)
    controller_signs_off_and_approves_june(page, server)
    controller_sees_the_answer_in_the_july_follow_up(page, server)

    # The same login in a page without the policy's route (it answers a form's redirect under the form's URL).
    reports = page.context.new_page()
    reports.goto(f"{server}/opfoelgning/{FollowUp.objects.get(as_of=date(2025, 7, 31)).pk}/")
    workbook = openpyxl.load_workbook(download(reports, "Rapport til udvalget (Excel)", tmp_path))
    summary = [c.value for c in workbook["Resumé"]["A"] if c.value]
    assert summary[1:] == [
        "Det forventede regnskab for 2025 opgjort pr. 31-07-2025 er 593.500 kr. mod et budget på 600.000 kr.: et "
        "mindreforbrug på 6.500 kr.",
        "Siden opfølgningen pr. 30-06-2025 er prognosen steget 46.000 kr.: forventede indsatser +46.000 kr.",
    ]
    changes = workbook["Ændringer"]
    assert [c.value for c in changes[2]] == [
        "SEL § 85 Socialpædagogisk støtte (Voksenhandicap)",
        pytest.approx(91_500.0),
        pytest.approx(137_500.0),
        pytest.approx(46_000.0),
        f"Forventede indsatser +46.000 kr. {COMMENT}",
    ]
    assert changes.max_row == 2  # the only line that moved

    pdf = download(reports, "Rapport til udvalget (PDF)", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
        assert "opgjort pr. 31-07-2025 er 593.500 kr. mod et budget på 600.000 kr.: et mindreforbrug på 6.500" in text
        assert "er prognosen steget 46.000 kr.: forventede indsatser +46.000 kr." in text
        assert COMMENT in text
