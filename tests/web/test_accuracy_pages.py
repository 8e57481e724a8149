"""Prognosens træfsikkerhed on the tiny world of support/world.py: who may see it, the hand-worked outlook and
its interval, the stored known dates, the back-test table and the downloads."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import openpyxl
import polars as pl
import pytest
from support.clients import logged_in

from dispo.engine.knowledge import KNOWN
from dispo.store.knowledge.loading import save_known

pytestmark = pytest.mark.django_db
URL = "/rapporter/traefsikkerhed/?aar=2025&dato=2025-06-30"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("username", ["controller", "leder", "analytiker", "admin"])
def test_management_roles_see_the_page(users: dict[str, str], username: str) -> None:
    response = logged_in(users, username).get(URL)
    assert response.status_code == 200
    assert "Prognosens træfsikkerhed" in response.content.decode()


def test_caseworkers_are_refused(users: dict[str, str]) -> None:
    assert logged_in(users, "sagsbehandler1").get(URL).status_code == 403


def test_the_reports_list_links_the_page_for_management_only(users: dict[str, str]) -> None:
    assert "/rapporter/traefsikkerhed/" in logged_in(users, "analytiker").get("/rapporter/").content.decode()
    caseworker = logged_in(users, "sagsbehandler1").get("/rapporter/")
    assert "/rapporter/traefsikkerhed/" not in caseworker.content.decode()


def test_the_outlook_by_hand_without_known_dates(users: dict[str, str]) -> None:
    # Without known dates g2's end (30 September) counts as known only on that day: on 30 June it runs to the
    # year's end, 10 h × 350 kr. / 7 = 500 kr. a day × 275 days (1 April - 31 December) = 137,500.
    # Known: g1 364,000 + g2 137,500 = 501,500. Expected g3: 92 days × 2,000 × 0.5 = 92,000.
    # No whole history year before 2025 and no end ever registered: no new cases, no ends, no settlement.
    # Variance: g3 decided or not, p(1 − p) × 184,000² = 8,464,000,000; σ = 92,000; 80 %: ± 1.28155 × 92,000
    # = ± 117,903 around 593,500: 475,597 – 711,403.
    page = text(logged_in(users, "controller").get(URL).content.decode())
    assert "Kendte bevillinger (besluttede, løbende til årets udgang) 501.500" in page
    assert "Forventede indsatser (vægtet med sandsynlighed) 92.000" in page
    assert "Forventet resultat 593.500" in page
    assert "80 %-interval: 475.597 – 711.403 kr." in page


def test_stored_known_dates_change_what_was_known(users: dict[str, str]) -> None:
    # g2 time-limited: its end known from the decision. Known: 364,000 + 91,500 = 455,500; with g3: 547,500,
    # the commitment ledger's own forecast.
    save_known(
        pl.DataFrame(
            [{"grant_id": "g2", "known_on": date(2025, 3, 15), "end_known_on": date(2025, 3, 15)}], schema=KNOWN
        )
    )
    page = text(logged_in(users, "controller").get(URL).content.decode())
    assert "Kendte bevillinger (besluttede, løbende til årets udgang) 455.500" in page
    assert "Forventet resultat 547.500" in page


def test_the_backtest_of_last_year_by_hand(users: dict[str, str]) -> None:
    # 2024 holds g4 only: 366 days × 500 = 183,000, nothing booked. Its end counts as known on 31 December, so
    # every month-end dispo counts it to the year's end: no error. Nothing was booked: the run rate says 0, −100 %.
    client = logged_in(users, "controller")
    response = client.get(URL + "&tabel=maaneder&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 12
    assert {row["Årets resultat"] for row in rows} == {"183000.0"}
    assert {row["Fejl i %, dispo"] for row in rows} == {"0.0"}
    assert {row["Fejl i %, forbrug til dato × 12 / måneder"] for row in rows} == {"-100.0"}
    assert rows[0]["Prognosedato"] == "2024-01-31"


@pytest.mark.parametrize("table", ["udsigt", "maaneder", "paragraffer"])
def test_every_table_downloads_as_xlsx(users: dict[str, str], table: str) -> None:
    response = logged_in(users, "analytiker").get(URL + f"&tabel={table}&format=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.cell(1, 1).value in {"Paragraf", "Prognosedato"}
    assert f"traefsikkerhed-{table}-2025.xlsx" in response["Content-Disposition"]


def test_the_outlook_download_holds_the_lines_per_paragraph(users: dict[str, str]) -> None:
    response = logged_in(users, "controller").get(URL + "&tabel=udsigt&format=csv")
    rows = {row["Paragraf"]: row for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert float(rows["SEL108"]["Kendte bevillinger"]) == 364_000.0
    assert float(rows["SEL108"]["Forventede indsatser"]) == 92_000.0
    assert float(rows["SEL85"]["Kendte bevillinger"]) == 137_500.0


@pytest.mark.parametrize("query", ["&tabel=udsigt&format=pdf", "&tabel=borgere&format=csv"])
def test_an_unknown_table_or_format_is_refused_with_a_message(users: dict[str, str], query: str) -> None:
    response = logged_in(users, "controller").get(URL + query)
    assert response.status_code == 400
    assert "tabel=udsigt" in response.content.decode()
