"""Why expenses grow between two follow-ups, the overview on a saved staircase model, and the administrator's
FOLK1A upload, on the hand-worked ledger of support/world.py.

The two follow-ups (as in tests/services/test_growth_between_followups.py): 31 January 2025 with g1 365,000,
g2 91,500 (10 h a week), g3 expected at 50 % 92,000; 31 March 2025 after g2 went to 14 h a week (128,100) and
g3 was decided (184,000), g1 364,000 (February booked 1,000 short).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from support.clients import logged_in

from dispo.services.followups.snapshot import approve, create_followup
from dispo.services.grants import change_grant
from dispo.store.followups.models import FollowUp
from dispo.store.models import AuditEntry, Grant
from dispo.store.population.models import Population

pytestmark = pytest.mark.django_db
WHY = "/indsatstrappen/udgiftsvaekst/"
POPULATION = "/administration/befolkning/"


def get(users: dict[str, str], url: str, username: str = "leder", status: int = 200) -> str:
    response = logged_in(users, username).get(url)
    assert response.status_code == status
    return response.content.decode()


def cells(html: str, heading: str) -> list[str]:
    start = re.search(r"<th scope=\"row\"[^>]*>" + re.escape(heading) + "</th>", html)
    assert start is not None, heading
    row = html[start.end() :].split("</tr>")[0]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in row.split("</td>")[:-1]]


def two_followups() -> tuple[FollowUp, FollowUp]:
    controller = User.objects.get(username="controller")
    january = approve(create_followup(date(2025, 1, 31), controller), controller)
    change_grant(Grant.objects.get(grant_id="g2"), {"hours_per_week": Decimal(14)}, "Flere timer", "controller")
    change_grant(Grant.objects.get(grant_id="g3"), {"status": Grant.Status.DECIDED}, "Bevilget", "controller")
    return january, create_followup(date(2025, 3, 31), controller)


def test_why_expenses_grow_between_two_follow_ups(users: dict[str, str]) -> None:
    january, march = two_followups()
    html = get(users, f"{WHY}?fra_opf={january.pk}&til_opf={march.pk}&dato=2025-06-30")
    assert "Fra 31-01-2025 til 31-03-2025: +127.600 kr." in html
    # § 85: 91,500 → 128,100, all price (183/365 × 73,000). § 108: 457,000 → 548,000; volume
    # 46 × 457,000 / 411 = 51,148.42, price 548,000 − 457 × 457,000 / 411 = 39,851.58.
    assert cells(html, "SEL § 85 Socialpædagogisk støtte") == ["91.500", "128.100", "+36.600", "0", "+36.600", "0", "0"]
    assert cells(html, "SEL § 108 Længerevarende botilbud") == [
        "457.000",
        "548.000",
        "+91.000",
        "+51.148",
        "+39.852",
        "0",
        "0",
    ]
    assert cells(html, "I alt") == ["548.500", "676.100", "+127.600", "+51.148", "+76.452", "0", "0"]
    assert f'<option value="{january.pk}" selected>2025 pr. 31-01-2025 (godkendt)</option>' in html
    assert f'<option value="{march.pk}" selected>2025 pr. 31-03-2025 (kladde)</option>' in html


def test_the_comparison_of_two_follow_ups_downloads(users: dict[str, str]) -> None:
    january, march = two_followups()
    client = logged_in(users, "leder")
    query = f"{WHY}?fra_opf={january.pk}&til_opf={march.pk}&dato=2025-06-30"
    response = client.get(query + "&format=csv")
    assert 'filename="udgiftsvaekst-opfoelgning-2025-01-31-2025-03-31.csv"' in response["Content-Disposition"]
    rows = {r["paragraph"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert float(rows["SEL85"]["price"]) == pytest.approx(36_600)
    assert float(rows["SEL108"]["volume"]) == pytest.approx(46 * 457_000 / 411)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(query + "&format=xlsx").content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Paragraf", "Titel", "Udgift før", "Udgift efter", "Ændring"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("fra_opf=999999&til_opf={march}", "Vælg to budgetopfølgninger fra listerne"),
        ("fra_opf={january}", "Vælg to budgetopfølgninger fra listerne"),
        (
            "fra_opf={march}&til_opf={january}",
            "Fra-opfølgningen (Budgetopfølgning 2025 pr. 31-03-2025) skal ligge før til-opfølgningen "
            "(Budgetopfølgning 2025 pr. 31-01-2025)",
        ),
    ],
)
def test_follow_ups_that_cannot_be_compared_are_explained_and_two_years_shown(
    users: dict[str, str], query: str, message: str
) -> None:
    january, march = two_followups()
    html = get(users, f"{WHY}?{query.format(january=january.pk, march=march.pk)}&dato=2025-06-30")
    assert message in html
    assert "siden sammenligner i stedet to år" in html
    assert "Fra 2024 til 2025:" in html


def test_without_follow_ups_only_years_can_be_chosen(users: dict[str, str]) -> None:
    html = get(users, WHY + "?dato=2025-06-30")
    assert 'aria-label="Sammenlign to år"' in html
    assert 'aria-label="Sammenlign to budgetopfølgninger"' not in html


def test_the_overview_shows_the_steps_of_a_saved_model(users: dict[str, str]) -> None:
    steps = {"trin_1": "Forebyggelse", "trin_2": "Støtte i eget hjem", "trin_3": "Botilbud"}
    form = {**steps, "paragraf_SEL85": "1", "paragraf_SEL108": "3", "begrundelse": "Færre trin"}
    admin = logged_in(users, "admin")
    assert admin.post("/indsatstrappen/modeller/ret/?model=voksen_handicap", form).status_code == 302
    html = get(users, "/overblik/?aar=2025&dato=2025-06-30&maalgruppe=handicap")
    # § 85 (g2: 91,500 kr., 183/365 årsværk) on step 1, § 108 (g1 + g3: 456,000 kr.) on step 3.
    assert cells(html, "1. Forebyggelse") == ["0,5", "1", "91.500", "182.500"]
    assert cells(html, "2. Støtte i eget hjem")[:3] == ["0,0", "0", "0"]
    assert cells(html, "3. Botilbud")[2] == "456.000"
    assert "Varige eller længerevarende botilbud" not in html
    download = logged_in(users, "leder").get("/overblik/?aar=2025&dato=2025-06-30&tabel=trappe&format=csv")
    names = [r["name"] for r in csv.DictReader(io.StringIO(download.content.decode("utf-8-sig")))]
    assert names == ["Forebyggelse", "Støtte i eget hjem", "Botilbud"]


FOLK1A = "\n".join(
    [
        '"FOLK1A: Befolkningen den 1. i kvartalet efter område, alder og tid"',
        "OMRÅDE;ALDER;TID;INDHOLD",
        "999 Eksempel Kommune;18 år;2024K1;100",
        "999 Eksempel Kommune;18 år;2024K2;110",
        "999 Eksempel Kommune;10 år;2024K1;40",
        "999 Eksempel Kommune;10 år;2024K2;50",
        "999 Eksempel Kommune;70 år;2025K1;30",
        "101 København;30 år;2025K1;1000",
    ]
)


def upload(users: dict[str, str], text: str, name: str = "folk1a.csv", username: str = "admin") -> tuple[int, str]:
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    response = logged_in(users, username).post(POPULATION, {"fil": file})
    return response.status_code, response.content.decode()


def test_only_an_administrator_may_upload_the_population(users: dict[str, str]) -> None:
    get(users, POPULATION, "leder", status=403)
    assert upload(users, FOLK1A, username="controller")[0] == 403
    assert Population.objects.count() == 0
    assert 'href="/administration/befolkning/"' in get(users, "/administration/", "admin")


def test_an_uploaded_folk1a_file_is_imported_and_counted_per_municipality_and_year(users: dict[str, str]) -> None:
    status, html = upload(users, FOLK1A)
    assert status == 200
    assert "folk1a.csv er indlæst: 6 rækker læst, 6 befolkningstal gemt for kvartalerne 2024K1, 2024K2, 2025K1" in html
    imported = html[html.index("Indlæst pr. kommune og år") :]
    # 999 in 2024: two quarters, (140 + 160) / 2 = 150 in all, (100 + 110) / 2 = 105 aged 18-66,
    # (40 + 50) / 2 = 45 aged 0-17. In 2025 one quarter: 30 aged 70. 101 in 2025: 1,000 aged 30.
    assert cells(imported, "999 Eksempel Kommune") == ["2024", "2", "150", "105", "45"]
    assert cells(imported, "101 København") == ["2025", "1", "1.000", "1.000", "0"]
    entry = AuditEntry.objects.get(action="befolkning-indlaest")
    assert (entry.username, entry.arguments["fil"], entry.citizens) == ("admin", "folk1a.csv", [])
    assert (entry.arguments["kommuner"], entry.arguments["kvartaler"]) == (
        ["101", "999"],
        ["2024K1", "2024K2", "2025K1"],
    )


def test_the_same_file_twice_changes_nothing(users: dict[str, str]) -> None:
    upload(users, FOLK1A)
    upload(users, FOLK1A)
    assert Population.objects.count() == 6


def test_a_bad_file_shows_every_problem_and_changes_nothing(users: dict[str, str]) -> None:
    upload(users, FOLK1A)
    bad = "OMRÅDE;ALDER;TID;INDHOLD\n999 Eksempel Kommune;18 år;2025K5;100\n999 Eksempel Kommune;atten;2025K1;x\n"
    status, html = upload(users, bad, name="forkert.csv")
    assert status == 400
    assert "forkert.csv kan ikke indlæses, og intet er ændret." in html
    assert "3 problemer" in html
    problems = html[html.index("Hvorfor filen ikke kan indlæses") :]
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", problems)
    assert ("forkert.csv", "2", "TID", "2025K5", "et kvartal på formen ÅÅÅÅKn, fx 2025K1") in rows
    assert ("forkert.csv", "3", "INDHOLD", "x", "et antal indbyggere (et helt tal ≥ 0)") in rows
    assert [r[2] for r in rows] == ["TID", "ALDER", "INDHOLD"]
    assert Population.objects.count() == 6
    entry = AuditEntry.objects.get(action="befolkning-afvist")
    assert entry.arguments == {"fil": "forkert.csv", "problemer": 3}


def test_an_upload_without_a_file_is_refused_with_a_message(users: dict[str, str]) -> None:
    response = logged_in(users, "admin").post(POPULATION, {})
    assert response.status_code == 400
    assert "Vælg en fil med FOLK1A fra Statistikbanken" in response.content.decode()


def test_a_file_of_totals_only_stores_nothing_and_says_so(users: dict[str, str]) -> None:
    status, html = upload(users, "OMRÅDE;ALDER;TID;INDHOLD\n999 Eksempel Kommune;Alder i alt;2025K1;100\n")
    assert status == 200
    assert "1 rækker læst, 0 befolkningstal gemt" in html
    assert "Filen indeholdt ingen indbyggertal for en enkelt alder" in html


def test_the_stored_population_downloads_as_xlsx_and_csv(users: dict[str, str]) -> None:
    upload(users, FOLK1A)
    client = logged_in(users, "admin")
    rows = list(csv.DictReader(io.StringIO(client.get(POPULATION + "?format=csv").content.decode("utf-8-sig"))))
    assert [(r["municipality"], r["year"], float(r["alle"])) for r in rows] == [
        ("101", "2025", 1000.0),
        ("999", "2024", 150.0),
        ("999", "2025", 30.0),
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(POPULATION + "?format=xlsx").content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:3] == ["Kommunekode", "Kommune", "År"]


def test_the_growth_page_tells_an_administrator_where_to_upload_the_population(users: dict[str, str]) -> None:
    query = WHY + "?fra_aar=2024&til_aar=2025&dato=2025-06-30"
    assert 'href="/administration/befolkning/"' in get(users, query, "admin")
    html = get(users, query, "leder")
    assert "bed en administrator om at indlæse den i browseren" in html
    assert 'href="/administration/befolkning/"' not in html
