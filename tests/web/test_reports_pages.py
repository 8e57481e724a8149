"""The management-information reports in the browser's terms: who may see which, the hand-worked figures of
tests/data/mi (its README works them out), the audit rows and the downloads."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from support.clients import logged_in

from dispo.services.demo import create_demo_users
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.store.models import AuditEntry

pytestmark = pytest.mark.django_db
WORLD = Path(__file__).parents[1] / "data" / "mi"
PERIOD = "?aar=2025&dato=2025-06-30"


@pytest.fixture
def users() -> dict[str, str]:
    import_ledger(Ledger.from_folder(WORLD), user="test", reason="Import")
    return {u.username: u.password for u in create_demo_users()}


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def cells(html: str, marker: str) -> list[str]:
    """The texts of the cells of the first table row containing `marker`, tags removed."""
    start = html.index(marker)
    row = html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def footer(html: str) -> list[list[str]]:
    """The rows of the page's first table footer, as cell texts."""
    foot = html[html.index("<tfoot>") : html.index("</tfoot>")]
    rows = foot.split("</tr>")[:-1]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows
    ]


def sheet_rows(content: bytes) -> tuple[list[str], list[tuple[object, ...]]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), data_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    return [str(h) for h in rows[0]], rows[1:]


# --- Sagsbehandleroversigt ---------------------------------------------------------------------------------


def test_the_reports_need_a_login(users: dict[str, str]) -> None:
    for url in ("/rapporter/", "/rapporter/sagsbehandlere/", "/rapporter/sde/", "/rapporter/novemberlisten/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_report_list_shows_each_role_its_reports(users: dict[str, str]) -> None:
    controller = page(logged_in(users, "controller"), "/rapporter/" + PERIOD)
    for title in (
        "Sagsbehandleroversigt",
        "Særligt dyre enkeltsager",
        "Novemberlisten",
        "Leverandørliste pr. paragraf",
    ):
        assert title in controller
    analyst = page(logged_in(users, "analytiker"), "/rapporter/" + PERIOD)
    assert "Sagsbehandleroversigt" in analyst
    assert "Novemberlisten" not in analyst
    caseworker = page(logged_in(users, "sagsbehandler1"), "/rapporter/" + PERIOD)
    assert "Min sagsbehandlerrapport" in caseworker
    assert "/rapporter/sagsbehandlere/sb1/" in caseworker


def test_the_overview_shows_each_caseworkers_hand_worked_caseload(users: dict[str, str]) -> None:
    html = page(logged_in(users, "controller"), "/rapporter/sagsbehandlere/" + PERIOD)
    # Anna Andersen: c1, c2, c8; g1 + g12 + g2 + g11 = 2,920,000 + 120,000 + 543,000 + 441,600 = 4,024,600;
    # to date 181 × 8,000 + 60,000 + 543,000 = 2,051,000; rest 1,472,000 + 60,000 + 441,600 = 1,973,600;
    # årsværk 1 + 1 + 181/365 + 184/365 = 3.0.
    assert cells(html, "Anna Andersen") == [
        "Anna Andersen",
        "Voksenhandicap, myndighed",
        "3",
        "4",
        "4.024.600",
        "2.051.000",
        "1.973.600",
        "3,0",
    ]
    # Bo Berg: 92,000 + 730,000 + 547,500 = 1,369,500; årsværk 2 + 184/365 = 2.504.
    assert cells(html, "Bo Berg")[2:5] == ["3", "3", "1.369.500"]
    # The one-off g9 has no caseworker: its own row, so the rows add up to the whole ledger.
    assert cells(html, "Uden sagsbehandler")[2:5] == ["1", "1", "10.000"]
    # 8 distinct citizens, 10 grants, 4,024,600 + 1,369,500 + 1,825,000 + 10,000 = 7,229,100.
    assert footer(html)[0][:4] == ["I alt", "8", "10", "7.229.100"]
    assert 'href="/rapporter/sagsbehandlere/sb1/?aar=2025&amp;dato=2025-06-30"' in html


def test_a_leader_sees_only_the_caseworkers_of_their_units(users: dict[str, str]) -> None:
    html = page(logged_in(users, "leder"), "/rapporter/sagsbehandlere/" + PERIOD)
    # The leader's unit is Børn og Unge: only Cecilie Carlsen (g6 + g7 = 2 × 912,500).
    assert "Cecilie Carlsen" in html
    assert "Anna Andersen" not in html
    assert "Uden sagsbehandler" not in html
    assert footer(html)[0][:4] == ["I alt", "2", "2", "1.825.000"]


def test_an_analyst_sees_the_overview_without_links_to_person_level_reports(users: dict[str, str]) -> None:
    html = page(logged_in(users, "analytiker"), "/rapporter/sagsbehandlere/" + PERIOD)
    assert "Anna Andersen" in html
    assert "/rapporter/sagsbehandlere/sb1/" not in html


def test_a_caseworker_may_not_see_the_overview(users: dict[str, str]) -> None:
    assert logged_in(users, "sagsbehandler1").get("/rapporter/sagsbehandlere/").status_code == 403


def test_the_overview_downloads_as_xlsx_with_its_totals(users: dict[str, str]) -> None:
    response = logged_in(users, "controller").get("/rapporter/sagsbehandlere/" + PERIOD + "&format=xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="sagsbehandleroversigt-2025.xlsx"'
    header, rows = sheet_rows(response.content)
    assert header[:5] == ["Sagsbehandler", "Sagsbehandler-id", "Enhed", "Antal borgere", "Antal bevillinger"]
    total = rows[-1]
    assert total[0] == "I alt"
    assert total[header.index("Sagsstamme i kr.")] == pytest.approx(7_229_100)
    assert total[header.index("Antal bevillinger")] == 10
    # 3 + (2 + 184/365) + 2 + 0
    assert total[header.index("Årsværk")] == pytest.approx(7 + 184 / 365)


# --- Sagsbehandlerrapport ----------------------------------------------------------------------------------


def test_a_caseworker_sees_their_own_report_and_it_is_audited(users: dict[str, str]) -> None:
    html = page(logged_in(users, "sagsbehandler1"), "/rapporter/sagsbehandlere/sb1/" + PERIOD)
    # c1: g1 + g12 = 3,040,000, to date 1,448,000 + 60,000, 2 årsværk.
    assert cells(html, "700580-XXXX") == ["700580-XXXX", "2", "1.508.000", "1.532.000", "3.040.000", "2,000"]
    assert "700580-0002" not in html
    assert footer(html)[0][:5] == ["I alt", "4", "2.051.000", "1.973.600", "4.024.600"]
    entry = AuditEntry.objects.get(action="sagsbehandlerrapport")
    assert (entry.username, entry.citizens) == ("sagsbehandler1", ["c1", "c2", "c8"])


def test_the_report_lists_the_grants_ending_within_three_months(users: dict[str, str]) -> None:
    html = page(logged_in(users, "controller"), "/rapporter/sagsbehandlere/sb2/" + PERIOD)
    ending = html[html.index('id="ophoer"') :]
    # g3 ends 2025-08-31, within three months of 2025-06-30; g5 ends 2025-12-31, g4 runs on.
    assert cells(ending, "g3")[1:] == ["g3", "SEL85", "Lundbo", "350,00 pr. time", "01-03-2025", "31-08-2025", "92.000"]
    assert ">g5<" not in ending
    assert ">g4<" not in ending


def test_another_caseworkers_report_is_refused_and_the_attempt_logged(users: dict[str, str]) -> None:
    assert logged_in(users, "sagsbehandler1").get("/rapporter/sagsbehandlere/sb2/").status_code == 403
    denied = AuditEntry.objects.get(action="afvist-sagsbehandlerrapport")
    assert (denied.username, denied.path) == ("sagsbehandler1", "/rapporter/sagsbehandlere/sb2/")
    assert not AuditEntry.objects.filter(action="sagsbehandlerrapport").exists()


def test_a_leader_sees_the_reports_of_their_units_caseworkers_only(users: dict[str, str]) -> None:
    client = logged_in(users, "leder")
    assert client.get("/rapporter/sagsbehandlere/sb3/" + PERIOD).status_code == 200
    assert client.get("/rapporter/sagsbehandlere/sb1/" + PERIOD).status_code == 403


def test_an_analyst_may_not_see_a_caseworkers_report(users: dict[str, str]) -> None:
    assert logged_in(users, "analytiker").get("/rapporter/sagsbehandlere/sb1/").status_code == 403
    assert AuditEntry.objects.filter(action="afvist-sagsbehandlerrapport", username="analytiker").exists()


def test_an_unknown_caseworker_is_not_found(users: dict[str, str]) -> None:
    assert logged_in(users, "controller").get("/rapporter/sagsbehandlere/ingen/").status_code == 404


def test_the_ending_grants_download_as_xlsx(users: dict[str, str]) -> None:
    response = logged_in(users, "controller").get(
        "/rapporter/sagsbehandlere/sb2/" + PERIOD + "&liste=ophoer&format=xlsx"
    )
    header, rows = sheet_rows(response.content)
    assert header == [
        "CPR-nummer",
        "Bevilling",
        "Paragraf",
        "Leverandør",
        "Takst",
        "Prisgrundlag",
        "Startdato",
        "Slutdato",
        "Forventet i året",
    ]
    assert [r[1] for r in rows[:-1]] == ["g3"]
    assert rows[-1][header.index("Forventet i året")] == pytest.approx(92_000)


# --- Særligt dyre enkeltsager ------------------------------------------------------------------------------


def test_the_expensive_cases_show_hand_worked_reimbursements_and_the_thresholds(users: dict[str, str]) -> None:
    html = page(logged_in(users, "controller"), "/rapporter/sde/" + PERIOD)
    assert "960.000 / 1.880.000 / 2.370.000 kr." in html
    assert "Skøn" in html
    assert "25 % / 50 % / 75 % af udgiften" in html
    # c1: counted 2,920,000 × 0.95 = 2,774,000; 230,000 + 245,000 + 0.75 × 404,000 = 778,000;
    # gross 2,920,000 + 120,000 (SUL141, outside the scheme) = 3,040,000; net 3,040,000 − 146,000 − 778,000.
    assert cells(html, "700580-XXXX") == [
        "700580-XXXX",
        "Voksen",
        "3.040.000",
        "2.774.000",
        "778.000",
        "2.116.000",
        "3,0-3,5 mio. kr.",
    ]
    # Household h1: 0.25 × (1,733,750 − 960,000) = 193,437.50.
    assert cells(html, "620212-XXXX") == [
        "620212-XXXX, 640414-XXXX",
        "Børn (husstand)",
        "1.825.000",
        "1.733.750",
        "193.438",
        "1.540.312",
        "op til 2,0 mio. kr.",
    ]
    # c2 is below the yearly threshold but reimbursed month by month: 17,000.
    assert cells(html, "610170-XXXX")[2:5] == ["553.000", "553.000", "17.000"]
    assert "630385-XXXX" not in html  # c4: 706,000 counted, at most 60,000 a month
    assert footer(html)[0] == ["I alt (3 sager)", "5.418.000", "5.060.750", "988.438", "4.192.312", ""]
    entry = AuditEntry.objects.get(action="saerligt-dyre-enkeltsager")
    assert entry.citizens == ["c1", "c2", "c6", "c7"]


def test_the_expensive_cases_are_for_controllers_and_administrators_only(users: dict[str, str]) -> None:
    assert logged_in(users, "admin").get("/rapporter/sde/" + PERIOD).status_code == 200
    for username in ("leder", "analytiker", "sagsbehandler1"):
        assert logged_in(users, username).get("/rapporter/sde/").status_code == 403


def test_a_year_without_reimbursement_rules_says_so(users: dict[str, str]) -> None:
    html = page(logged_in(users, "controller"), "/rapporter/sde/?aar=2019&dato=2019-06-30")
    assert "Der er ingen tærskler for ordningen for særligt dyre enkeltsager for 2019" in html
    assert not AuditEntry.objects.filter(action="saerligt-dyre-enkeltsager").exists()


def test_the_expensive_cases_download_as_xlsx_with_the_pages_figures(users: dict[str, str]) -> None:
    response = logged_in(users, "controller").get("/rapporter/sde/" + PERIOD + "&format=xlsx")
    header, rows = sheet_rows(response.content)
    assert header == [
        "Aldersgruppe",
        "CPR-nummer",
        "Borger-id",
        "Bruttoudgift",
        "Udgift omfattet af ordningen",
        "Refusion",
        "Nettoudgift",
        "Udgiftsinterval",
    ]
    cases = rows[:-1]
    assert [r[1] for r in cases] == ["700580-XXXX", "620212-XXXX, 640414-XXXX", "610170-XXXX"]
    assert sum(r[header.index("Refusion")] for r in cases) == pytest.approx(988_437.5)  # type: ignore[misc]
    assert rows[-1][0] == "I alt"
    assert AuditEntry.objects.filter(action="saerligt-dyre-enkeltsager", arguments__format="xlsx").exists()


# --- Novemberlisten ----------------------------------------------------------------------------------------


def test_the_november_list_shows_both_directions_of_payment(users: dict[str, str]) -> None:
    html = page(logged_in(users, "controller"), "/rapporter/novemberlisten/" + PERIOD)
    # c4: acting 607, we pay 730,000 − 24,000 own payment; c5: acting 999, paying 510 pays 547,500.
    assert cells(html, "630385-XXXX") == [
        "630385-XXXX",
        "g4",
        "SEL108",
        "607",
        "999",
        "01-01-2025 – indtil videre",
        "730.000",
        "24.000",
        "706.000",
        "0",
    ]
    assert cells(html, "711175-XXXX")[3:5] == ["999", "510"]
    assert cells(html, "711175-XXXX")[6:] == ["547.500", "0", "0", "547.500"]
    assert footer(html)[0] == ["I alt", "1.277.500", "24.000", "706.000", "547.500"]
    assert AuditEntry.objects.get(action="novemberlisten").citizens == ["c4", "c5"]


def test_the_november_list_is_for_controllers_and_administrators_only(users: dict[str, str]) -> None:
    for username in ("leder", "analytiker", "sagsbehandler2"):
        assert logged_in(users, username).get("/rapporter/novemberlisten/").status_code == 403


def test_the_november_list_downloads_as_csv_with_danish_headers(users: dict[str, str]) -> None:
    response = logged_in(users, "controller").get("/rapporter/novemberlisten/" + PERIOD + "&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0])[:3] == ["CPR-nummer", "Borger-id", "Bevilling"]
    assert [(r["Bevilling"], r["Handlekommune"], r["Betalingskommune"]) for r in rows] == [
        ("g4", "607", "999"),
        ("g5", "999", "510"),
    ]
    assert sum(float(r["Vi betaler"]) for r in rows) == pytest.approx(706_000)
    assert sum(float(r["Anden kommune betaler"]) for r in rows) == pytest.approx(547_500)


# --- Leverandørliste pr. paragraf --------------------------------------------------------------------------


def test_the_provider_index_leads_to_each_paragraphs_list(users: dict[str, str]) -> None:
    html = page(logged_in(users, "controller"), "/rapporter/leverandoerer/" + PERIOD)
    # SEL108: g1, g2, g9, g4, g11 for c1, c2, c4, c8; 4,644,600 over 3 årsværk = 1,548,200 a year.
    assert cells(html, "SEL § 108") == ["SEL § 108 Længerevarende botilbud", "5", "4", "3,0", "4.644.600", "1.548.200"]
    assert 'href="/rapporter/leverandoerer/SEL108/?aar=2025&amp;dato=2025-06-30"' in html


def test_the_provider_list_averages_each_provider_type_over_its_aarsvaerk(users: dict[str, str]) -> None:
    html = page(logged_in(users, "controller"), "/rapporter/leverandoerer/SEL108/" + PERIOD)
    # g2: 543,000 over 181/365 årsværk = 1,095,000 a year, in the column of other municipalities.
    assert cells(html, "610170-XXXX") == [
        "610170-XXXX",
        "g2",
        "Udviklingscenter Ribe",
        "Anden kommune",
        "01-01-2025 – 30-06-2025",
        "0,496",
        "543.000",
        "543.000",
        "",
        "1.095.000",
        "",
    ]
    total, vat_net, average, fte = footer(html)
    assert total == ["Total", "4.644.600", "4.498.600", "2.920.000", "994.600", "730.000"]
    assert vat_net == ["Momsafløftet", "", "4.498.600", "2.774.000", "994.600", "730.000"]
    # Other municipalities and region: (543,000 + 10,000 + 441,600) / (181/365 + 0 + 184/365) = 994,600,
    # not the mean of the rows' prices (1,095,000 + 876,000) / 2 = 985,500.
    assert average == ["Gennemsnit", "1.548.200", "", "2.920.000", "994.600", "730.000"]
    assert fte == ["Årsværk", "3,000", "", "", "1,000", "1,000", "1,000"]
    assert cells(html, ">g9<")[4] == "15-03-2025"  # a one-off: its date
    assert AuditEntry.objects.get(action="leverandoerliste").citizens == ["c1", "c2", "c4", "c8"]


def test_the_provider_list_downloads_as_xlsx_with_totals_and_type_averages(users: dict[str, str]) -> None:
    response = logged_in(users, "controller").get("/rapporter/leverandoerer/SEL108/" + PERIOD + "&format=xlsx")
    header, rows = sheet_rows(response.content)
    assert header[:3] == ["Bevilling", "CPR-nummer", "Leverandør"]
    by_label = {r[0]: r for r in rows}
    other = header.index("Enhedspris pr. år, andre kommuner og regioner")
    assert by_label["Gennemsnit"][other] == pytest.approx(994_600)
    assert by_label["Årsværk"][other] == pytest.approx(1.0)
    assert by_label["I alt"][header.index("Beløb")] == pytest.approx(4_644_600)
    assert by_label["I alt"][header.index("Årsværk i året")] == pytest.approx(3.0)


def test_the_provider_lists_are_for_controllers_and_administrators_only(users: dict[str, str]) -> None:
    for username in ("leder", "analytiker", "sagsbehandler1"):
        client = logged_in(users, username)
        assert client.get("/rapporter/leverandoerer/").status_code == 403
        assert client.get("/rapporter/leverandoerer/SEL108/").status_code == 403


def test_an_unknown_paragraph_is_not_found(users: dict[str, str]) -> None:
    assert logged_in(users, "controller").get("/rapporter/leverandoerer/SEL999/").status_code == 404


def test_an_unknown_download_format_is_refused_with_a_danish_message(users: dict[str, str]) -> None:
    response = logged_in(users, "controller").get("/rapporter/novemberlisten/" + PERIOD + "&format=pdf")
    assert response.status_code == 400
    assert response.content.decode() == "Ukendt format »pdf«. Vælg format=xlsx (Excel) eller format=csv."
