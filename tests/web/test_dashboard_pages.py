"""The leader's overview page (/overblik/) on the hand-worked ledger of support/world.py, as of 2025-06-30.

The figures (see the world's docstring and tests/services/test_dashboard.py): budget 600,000; forecast
g1 364,000 + g2 91,500 + g3 92,000 = 547,500; actual to date g1 180,000 + g2 45,500 = 225,500.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.test import Client
from support.clients import logged_in

from dispo.store.models import AuditEntry
from dispo.web.views.dashboard import budget_chart

pytestmark = pytest.mark.django_db
PERIOD = "?aar=2025&dato=2025-06-30"
PAGE = "/overblik/" + PERIOD


def page(users: dict[str, str], query: str = PERIOD, username: str = "leder") -> str:
    response = logged_in(users, username).get("/overblik/" + query)
    assert response.status_code == 200
    return response.content.decode()


def cells(html: str, heading: str) -> list[str]:
    """The cells after the row heading `heading` (the first row whose <th> holds exactly that text)."""
    start = re.search(r"<th scope=\"row\">(<a [^>]*>)?" + re.escape(heading) + "(</a>)?</th>", html)
    assert start is not None, heading
    row = html[start.end() :].split("</tr>")[0]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in row.split("</td>")[:-1]]


def test_the_overview_needs_a_login(users: dict[str, str]) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("username", ["leder", "controller", "admin", "analytiker"])
def test_every_management_role_sees_the_overview(users: dict[str, str], username: str) -> None:
    assert "Overblik 2025" in page(users, username=username)


def test_a_caseworker_is_refused_the_overview(users: dict[str, str]) -> None:
    assert logged_in(users, "sagsbehandler1").get(PAGE).status_code == 403


def test_the_key_figures_show_budget_forecast_what_is_left_and_actual(users: dict[str, str]) -> None:
    html = page(users)
    # 600,000 − 547,500 = 52,500 left, 8.75 % of the budget; 225,500 spent, 37.58 % of it.
    for figure in ("600.000 kr.", "547.500 kr.", "52.500 kr.", "225.500 kr."):
        assert figure in html
    assert "Tilbage af budgettet" in html
    assert "8,8 % af budgettet" in html
    assert "37,6 % af budgettet" in html


def test_the_budget_chart_table_shows_june_cumulated(users: dict[str, str]) -> None:
    # June: g1 30 days × 1,000 + g2 30 days × 500 = 45,000; cumulated 225,500 actual and forecast;
    # budget 6 × 50,000 = 300,000.
    assert cells(page(users), "jun 2025") == ["45.000", "45.000", "225.500", "225.500", "300.000"]


def test_the_budget_chart_table_shows_december_at_the_years_forecast(users: dict[str, str]) -> None:
    # December: g1 31,000 + g3 31 × 1,000 = 62,000 forecast, nothing actual; 547,500 against 600,000.
    assert cells(page(users), "dec 2025") == ["0", "62.000", "225.500", "547.500", "600.000"]


def test_the_cost_by_provider_type(users: dict[str, str]) -> None:
    html = page(users)
    # privat: g1 + g3; to date 180,000, rest 184,000 + 92,000 = 276,000; 1 + 46/365 = 1.126 årsværk;
    # average 456,000 / 1.12603 = 404,963.5.
    assert cells(html, "Privat") == ["180.000", "276.000", "456.000", "1,1", "1", "404.964"]
    # egen: g2; 91 days × 500 = 45,500 to date, 92 × 500 = 46,000 after; 183/365 = 0.501; 91,500 / 0.501 = 182,500.
    assert cells(html, "Egen kommune") == ["45.500", "46.000", "91.500", "0,5", "1", "182.500"]
    assert cells(html, "Region") == ["0", "0", "0", "0,0", "0", ""]
    assert cells(html, "Uden leverandør")[2] == "0"


def test_the_provider_total_counts_each_citizen_once(users: dict[str, str]) -> None:
    html = page(users)
    total = html[html.index('id="leverandoertyper"') :]
    # 594/365 = 1.627 årsværk; 547,500 / 1.62740 = 336,426.8; c1 and c2.
    assert cells(total, "I alt") == ["225.500", "322.000", "547.500", "1,6", "2", "336.427"]


def test_the_disability_staircase_is_shown_by_default(users: dict[str, str]) -> None:
    html = page(users)
    # Step 5 (SEL108): g1 + g3; step 3 (SEL85): g2. Figures as by provider type above.
    assert cells(html, "5. Varige eller længerevarende botilbud") == ["1,1", "1", "456.000", "404.964"]
    assert cells(html, "3. Hjemmebaserede indsatser") == ["0,5", "1", "91.500", "182.500"]
    assert cells(html, "1. Generelle forebyggende tiltag") == ["0,0", "0", "0", ""]
    assert cells(html, "I alt Voksenhandicap") == ["1,6", "2", "547.500", "336.427"]


def test_another_target_groups_staircase_can_be_chosen(users: dict[str, str]) -> None:
    html = page(users, PERIOD + "&maalgruppe=boern")
    assert '<option value="boern" selected>' in html
    assert "6. Anbringelse på institution" in html
    staircase = html[html.index('id="trappen"') : html.index('id="paragraffer"')]
    assert "Ingen data" in staircase


def test_an_unknown_target_group_is_explained_and_the_default_shown(users: dict[str, str]) -> None:
    html = page(users, PERIOD + "&maalgruppe=voksne")
    assert "Målgruppen «voksne» findes ikke" in html
    assert "Trappen vises for Voksenhandicap." in html
    assert cells(html, "5. Varige eller længerevarende botilbud")[2] == "456.000"


def test_the_paragraphs_under_budget_link_to_their_grants(users: dict[str, str]) -> None:
    html = page(users)
    link = '<a href="/paragraf/SEL108/?aar=2025&amp;dato=2025-06-30&amp;maalgruppe=handicap">'
    assert link + "SEL § 108 Længerevarende botilbud</a>" in html
    # SEL108 500,000 − 456,000 = 44,000; SEL85 100,000 − 91,500 = 8,500.
    assert cells(html, "SEL § 108 Længerevarende botilbud") == ["Voksenhandicap", "500.000", "456.000", "44.000"]
    assert cells(html, "SEL § 85 Socialpædagogisk støtte")[-1] == "8.500"
    assert "Ingen paragraffer over budget." in html


def test_every_chart_is_an_image_with_a_title(users: dict[str, str]) -> None:
    html = page(users)
    ids = ["budget-chart", "provider-cost", "provider-fte", "staircase-fte", "staircase-cost", "paragraph-diff"]
    for chart in ids:
        assert f'id="{chart}" class="chart" role="img" aria-labelledby="{chart}-title {chart}-desc"' in html
    assert html.count("<svg") == len(ids)


def test_the_overview_shows_no_person_and_writes_no_audit_entry(users: dict[str, str]) -> None:
    html = page(users)
    assert "610265" not in html
    assert "c1" not in re.sub(r"<svg.*?</svg>", "", html, flags=re.S).split("<main")[1]
    assert not AuditEntry.objects.exists()


def test_a_date_that_cannot_be_read_is_explained(users: dict[str, str]) -> None:
    html = page(users, "?aar=2025&dato=30-06-2025")
    assert "Datoen «30-06-2025» kan ikke læses. Skriv den som ÅÅÅÅ-MM-DD" in html
    assert f"Siden viser i stedet {date.today().year} opgjort pr. {date.today():%d-%m-%Y}." in html


def test_a_year_that_is_not_a_number_is_explained(users: dict[str, str]) -> None:
    html = page(users, "?aar=tyve&dato=2025-06-30")
    assert "Året «tyve» er ikke et årstal." in html


def test_a_year_out_of_range_is_explained_and_the_dates_year_shown(users: dict[str, str]) -> None:
    html = page(users, "?aar=99999&dato=2025-06-30")
    assert "Året 99999 ligger uden for 2000–2100." in html
    assert "Siden viser i stedet 2025 opgjort pr. 30-06-2025." in html
    assert "Overblik 2025" in html


def test_a_year_without_budget_says_so(users: dict[str, str]) -> None:
    html = page(users, "?aar=2026&dato=2025-06-30")
    # g1 runs on into 2026 (365 days × 1,000) and g3 too (365 × 2,000 × 0.5): a forecast without a budget.
    assert "Intet budget" in html
    assert "730.000 kr." in html


def test_a_year_without_budget_or_grants_has_no_data_to_chart(users: dict[str, str]) -> None:
    html = page(users, "?aar=2023&dato=2023-06-30")
    budget = html[html.index('id="budget-chart"') : html.index("</svg>")]
    assert "Ingen data" in budget


def test_the_provider_table_downloads_as_xlsx(users: dict[str, str]) -> None:
    response = logged_in(users, "leder").get(PAGE + "&tabel=leverandoertyper&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, max_row=6, values_only=True)}
    assert rows["privat"][header.index("Forventet")] == pytest.approx(456_000)
    assert rows["egen"][header.index("Beregnet årsværk")] == pytest.approx(183 / 365)


def test_the_months_download_as_csv_unrounded(users: dict[str, str]) -> None:
    response = logged_in(users, "leder").get(PAGE + "&tabel=maaneder&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["month"] for r in rows][:2] == ["2025-01-01", "2025-02-01"]
    assert float(rows[-1]["cumulative_forecast"]) == pytest.approx(547_500)


def test_the_staircase_and_paragraphs_download(users: dict[str, str]) -> None:
    client = logged_in(users, "leder")
    staircase = client.get(PAGE + "&maalgruppe=handicap&tabel=trappe&format=csv").content.decode("utf-8-sig")
    assert "Varige eller længerevarende botilbud" in staircase
    paragraphs = client.get(PAGE + "&tabel=paragraffer&format=csv").content.decode("utf-8-sig")
    assert [line.split(",")[1] for line in paragraphs.splitlines()[1:]] == ["SEL108", "SEL85"]


def test_an_unknown_table_or_format_is_refused_with_a_message(users: dict[str, str]) -> None:
    client = logged_in(users, "leder")
    unknown_table = client.get(PAGE + "&tabel=borgere&format=csv")
    assert unknown_table.status_code == 400
    assert "Tabellen «borgere» findes ikke på siden" in unknown_table.content.decode()
    unknown_format = client.get(PAGE + "&tabel=maaneder&format=pdf")
    assert unknown_format.status_code == 400
    assert "Formatet «pdf» kendes ikke. Vælg format=xlsx eller format=csv." in unknown_format.content.decode()


def test_the_budget_chart_include_renders_on_its_own(users: dict[str, str]) -> None:
    html = render_to_string(
        "dispo/dashboard/_budget_chart.html", {"budget_chart": budget_chart(2025, date(2025, 6, 30))}
    )
    assert "547.500 kr." in html
    assert 'id="budget-chart"' in html
    assert "Opgjort pr. 30-06-2025" in html
