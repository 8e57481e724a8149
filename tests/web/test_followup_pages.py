"""The follow-up table in the browser's terms: what each role sees, drilled down to a citizen, with audit."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from support.clients import logged_in

from dispo.services.grants import change_grant
from dispo.store.models import AuditEntry, Grant

pytestmark = pytest.mark.django_db
PERIOD = "?aar=2025&dato=2025-06-30"


def test_the_follow_up_table_needs_a_login(users: dict[str, str]) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_controller_sees_the_hand_worked_paragraph_line(users: dict[str, str]) -> None:
    page = logged_in(users, "controller").get("/" + PERIOD).content.decode()
    # SEL108: budget 500,000; forecast 364,000 + 92,000 = 456,000; diff 44,000; 2 grants;
    # årsværk 1 + 46/365 = 1.126 → "1,1"; average 456,000 / 1.12603 = 404,964.
    row = page[page.index("SEL § 108") :].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]]
    assert cells == ["500.000", "456.000", "44.000", "2", "1,1", "404.964", "1"]


def test_the_grand_total_equals_the_sum_of_all_grants(users: dict[str, str]) -> None:
    page = logged_in(users, "controller").get("/" + PERIOD).content.decode()
    total = page[page.rindex('class="level-total"') :].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in total.split("</td>")[:-1]]
    # 456,000 + 91,500 = 547,500 against 600,000; 3 grants; 2 citizens.
    assert cells[:4] == ["600.000", "547.500", "52.500", "3"]
    assert cells[-1] == "2"


def test_drilling_down_shows_masked_cpr_and_is_audited(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    page = client.get("/paragraf/SEL108/" + PERIOD + "&maalgruppe=handicap").content.decode()
    assert "610265-XXXX" in page
    assert "610265-1234" not in page
    entry = AuditEntry.objects.get(action="paragraf-bevillinger")
    assert (entry.username, entry.citizens) == ("controller", ["c1"])


def test_the_citizen_page_shows_the_years_figures(users: dict[str, str]) -> None:
    page = logged_in(users, "controller").get("/borger/c1/" + PERIOD).content.decode()
    assert "Borger 610265-XXXX" in page
    assert "456.000 kr." in page
    assert AuditEntry.objects.filter(action="borger", citizens=["c1"]).exists()


def test_the_grant_page_explains_its_figures_month_by_month(users: dict[str, str]) -> None:
    page = logged_in(users, "controller").get("/bevilling/g1/" + PERIOD).content.decode()
    # February booked 28,000 − 1,000 = 27,000 instead of the computed 28,000.
    assert "27.000,00" in page
    assert "364.000,00" in page


def test_a_caseworker_is_denied_another_caseworkers_citizen_and_the_attempt_is_logged(
    users: dict[str, str],
) -> None:
    client = logged_in(users, "sagsbehandler2")
    assert client.get("/borger/c1/").status_code == 403
    assert client.get("/bevilling/g1/").status_code == 403
    assert client.get("/borger/c2/").status_code == 200
    denied = AuditEntry.objects.filter(action="afvist-borger", username="sagsbehandler2")
    assert [e.citizens for e in denied] == [["c1"], ["c1"]]


def test_an_analyst_sees_aggregates_but_no_citizen(users: dict[str, str]) -> None:
    client = logged_in(users, "analytiker")
    assert client.get("/" + PERIOD).status_code == 200
    assert client.get("/borger/c1/").status_code == 403


def test_an_unknown_citizen_or_paragraph_is_not_found(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    assert client.get("/borger/nobody/").status_code == 404
    assert client.get("/paragraf/SEL999/").status_code == 404


def test_the_follow_up_downloads_as_xlsx_with_its_totals(users: dict[str, str]) -> None:
    response = logged_in(users, "controller").get("/" + PERIOD + "&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Niveau", "Målgruppe", "Kategori", "Paragraf"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    total = next(r for r in rows if r[0] == "total")
    assert total[header.index("Forventet")] == pytest.approx(547_500)
    assert sheet.freeze_panes == "A2"
    # The table carries its own total per level; a summed row below it would count everything four times.
    assert not any(r[0] == "I alt" for r in rows)


def test_the_citizen_page_says_whether_the_citizen_is_an_expensive_case(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    page = client.get("/borger/c1/" + PERIOD).content.decode()
    # c1: 456,000 at a private provider, far below 1/12 of the first threshold every month; net of the
    # 5 % VAT compensation: 456,000 × 0.95 = 433,200.
    assert "Nej: ingen statsrefusion i 2025" in page
    assert "433.200 kr." in page
    grant = Grant.objects.get(grant_id="g2")
    change_grant(grant, {"price_basis": "dag", "rate": Decimal("10000"), "hours_per_week": None}, "Døgntilbud", "t")
    page = client.get("/borger/c2/" + PERIOD).content.decode()
    # c2 now costs 10,000 a day from April to September (own provider, no VAT). 2025 thresholds (estimated)
    # 960,000 / 1,880,000 / 2,370,000 → 80,000 / 156,666.67 / 197,500 a month. A 30-day month (300,000):
    # 0.25 × 76,666.67 + 0.5 × 40,833.33 + 0.75 × 102,500 = 116,458.33; a 31-day month adds 0.75 × 10,000.
    # April, June, September: 3 × 116,458.33; May, July, August: 3 × 123,958.33 → 721,250.
    assert "Ja: forventet statsrefusion 721.250 kr. i 2025 (udgift op til 2,0 mio. kr.)" in page
    assert "1.108.750 kr." in page


def test_the_citizens_grants_and_a_grants_months_download(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/borger/c1/" + PERIOD + "&format=xlsx").content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] in ("g1", "g3")]
    assert sum(r[header.index("forecast")] for r in rows) == pytest.approx(456_000)
    months = client.get("/bevilling/g1/" + PERIOD + "&format=csv").content.decode("utf-8-sig").splitlines()
    assert len(months) == 13
    assert AuditEntry.objects.filter(action="bevilling", arguments__format="csv").exists()


def test_a_caseworker_starts_on_their_own_caseload(users: dict[str, str]) -> None:
    response = logged_in(users, "sagsbehandler2").get("/")
    assert response.status_code == 302
    assert response["Location"] == "/rapporter/sagsbehandlere/sb2/"
