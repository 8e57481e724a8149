"""The staircase pages (/indsatstrappen/) on the hand-worked ledger of support/world.py, as of 2025-06-30.

The world on the adult disability staircase: c1 has § 108 (step 5) at 1,000 kr. a day from 2025-01-01 with a
private provider (g1: 364,000 kr. in 2025, 1 årsværk) and an expected § 108 from October at probability 0.5
(g3: 92,000 kr., 46/365 årsværk); c2 had § 85 (step 3) all of 2024 (g4: 366 days × 500 = 183,000 kr.) and
has it again from 2025-04-01 to 2025-09-30 with the municipality's own provider (g2: 91,500 kr., 183/365
årsværk).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from support.clients import logged_in

from dispo.services.population import import_folk1a
from dispo.store.models import AuditEntry
from dispo.store.staircases.models import StaircaseVersion

pytestmark = pytest.mark.django_db
PERIOD = "?aar=2025&dato=2025-06-30"
MOVES = "?model=voksen_handicap&fra=2024-06-30&til=2025-06-30"


def get(users: dict[str, str], url: str, username: str = "leder", status: int = 200) -> str:
    response = logged_in(users, username).get(url)
    assert response.status_code == status
    return response.content.decode()


def figures(html: str, name: str) -> list[str]:
    """The five figures of the staircase block whose heading ends with `name`."""
    block = html[html.index(f"</span> {name}</h2>") :].split("</li>")[0]
    return re.findall(r"<dd>([^<]*)</dd>", block)


def cells(html: str, heading: str) -> list[str]:
    start = re.search(r"<th scope=\"row\"[^>]*>" + re.escape(heading) + "</th>", html)
    assert start is not None, heading
    row = html[start.end() :].split("</tr>")[0]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in row.split("</td>")[:-1]]


def test_the_staircase_needs_a_login(users: dict[str, str]) -> None:
    assert Client().get("/indsatstrappen/").status_code == 302


@pytest.mark.parametrize("username", ["leder", "controller", "admin", "analytiker"])
def test_every_management_role_sees_the_staircase(users: dict[str, str], username: str) -> None:
    assert "Indsatstrappen" in get(users, "/indsatstrappen/" + PERIOD, username)


def test_a_caseworker_is_refused_the_staircase_but_not_the_averages(users: dict[str, str]) -> None:
    get(users, "/indsatstrappen/" + PERIOD, "sagsbehandler1", status=403)
    get(users, "/indsatstrappen/bevaegelser/" + MOVES, "sagsbehandler1", status=403)
    assert "Gennemsnitspriser og varighed" in get(users, "/indsatstrappen/gennemsnit/" + PERIOD, "sagsbehandler1")


def test_the_picture_shows_the_five_figures_of_each_step(users: dict[str, str]) -> None:
    html = get(users, "/indsatstrappen/" + PERIOD)
    # Step 5: 1 + 46/365 = 1.126 årsværk; 364,000 + 92,000 = 456,000 kr. = 0.5 mio.; price
    # 456,000 / (411/365) = 404,963.50; g1 is 180 days in on 30 June: 180 / 30.4375 = 5.91 months.
    assert figures(html, "Varige eller længerevarende botilbud") == ["1,1", "1", "0,5", "404.964", "5,91"]
    # Step 3: 183/365 årsværk, 91,500 kr., 91,500 / (183/365) = 182,500; g2 90 days in: 2.96 months.
    assert figures(html, "Hjemmebaserede indsatser") == ["0,5", "1", "0,1", "182.500", "2,96"]
    assert figures(html, "Generelle forebyggende tiltag") == ["0,0", "0", "0,0", "–", "–"]
    # The whole staircase: 594/365 årsværk, 2 citizens, 547,500 kr.; 547,500 / (594/365) = 336,426.77;
    # duration (180 + 90) / 2 days = 4.44 months.
    assert cells(html, "Hele trappen") == ["1,6", "2", "547.500", "336.427", "4,44", "2"]


def test_the_picture_downloads_as_xlsx_and_csv(users: dict[str, str]) -> None:
    client = logged_in(users, "leder")
    response = client.get("/indsatstrappen/" + PERIOD + "&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Trin", "Navn", "Årsværk")
    assert rows[5][:2] == (5, "Varige eller længerevarende botilbud")
    assert rows[5][4] == pytest.approx(456_000)
    text = client.get("/indsatstrappen/" + PERIOD + "&format=csv").content.decode("utf-8-sig")
    step3 = next(r for r in csv.DictReader(io.StringIO(text)) if r["step"] == "3")
    assert float(step3["avg_price"]) == pytest.approx(182_500)


def test_an_unknown_model_is_named_and_the_default_shown(users: dict[str, str]) -> None:
    html = get(users, "/indsatstrappen/?model=trappe9")
    assert "Trappemodellen «trappe9» findes ikke" in html
    assert "<small>Voksenhandicap</small>" in html


def test_the_movement_matrices_between_two_dates(users: dict[str, str]) -> None:
    html = get(users, "/indsatstrappen/bevaegelser/" + MOVES)
    # 30 June 2024: c2 on step 3 (g4, 500 × 366 = 183,000 a year); 30 June 2025: c1 on step 5 (1,000 × 365),
    # c2 on step 3 (500 × 365 = 182,500). Inflow 0 → 5: +365,000; c2 stays on 3: −500.
    assert cells(html, "Tilgang") == ["1", "365.000"]
    assert cells(html, "Samme trin") == ["1", "-500"]
    assert cells(html, "Afgang") == ["0", "0"]
    assert "2 borgere var på trappen" in html
    assert "fra_trin=0&amp;til_trin=5" in html
    assert "fra_trin=3&amp;til_trin=3" in html


def test_the_matrix_downloads_every_cell(users: dict[str, str]) -> None:
    text = logged_in(users, "leder").get("/indsatstrappen/bevaegelser/" + MOVES + "&format=csv").content
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert len(rows) == 6 * 6 - 1  # steps 0-5 both ways, without 0 → 0
    moved = {
        (r["from_step"], r["to_step"]): (r["citizens"], float(r["cost_change"])) for r in rows if r["citizens"] != "0"
    }
    assert moved == {("0", "5"): ("1", 365_000.0), ("3", "3"): ("1", -500.0)}


def test_a_cell_opens_its_citizens_masked_and_audited(users: dict[str, str]) -> None:
    html = get(users, "/indsatstrappen/bevaegelser/borgere/" + MOVES + "&fra_trin=0&til_trin=5", "controller")
    assert "610265-XXXX" in html
    assert "1234" not in html
    assert cells(html, "I alt") == ["0", "365.000", "365.000"]
    entry = AuditEntry.objects.get(action="trappe-bevaegelser")
    assert (entry.username, entry.citizens) == ("controller", ["c1"])


def test_an_analyst_sees_no_citizens_in_a_cell_but_is_told_how_many(users: dict[str, str]) -> None:
    html = get(users, "/indsatstrappen/bevaegelser/borgere/" + MOVES + "&fra_trin=0&til_trin=5", "analytiker")
    assert "0 borgere; yderligere 1 i cellen ligger uden for de borgere din rolle må se" in html
    assert "610265" not in html
    assert AuditEntry.objects.get(action="trappe-bevaegelser").citizens == []


def test_without_a_cell_every_citizen_on_the_staircase_is_listed(users: dict[str, str]) -> None:
    html = get(users, "/indsatstrappen/bevaegelser/borgere/" + MOVES, "controller")
    # c1 came in (+365,000), c2 stayed on step 3 (183,000 → 182,500).
    assert cells(html, "I alt") == ["183.000", "547.500", "364.500"]
    assert sorted(AuditEntry.objects.get(action="trappe-bevaegelser").citizens) == ["c1", "c2"]


def test_a_step_that_is_not_in_the_model_is_not_found(users: dict[str, str]) -> None:
    get(users, "/indsatstrappen/bevaegelser/borgere/" + MOVES + "&fra_trin=0&til_trin=9", status=404)


def test_reversed_dates_are_explained(users: dict[str, str]) -> None:
    html = get(users, "/indsatstrappen/bevaegelser/?fra=2025-06-30&til=2024-06-30")
    assert "Fra-datoen 30-06-2025 skal ligge før til-datoen 30-06-2024" in html


def test_why_expenses_grow_per_paragraph(users: dict[str, str]) -> None:
    html = get(users, "/indsatstrappen/udgiftsvaekst/?fra_aar=2024&til_aar=2025&dato=2025-06-30")
    # § 85: 183,000 (1 årsværk) → 91,500 (183/365 årsværk at 182,500): volume (183/365 − 1) × 183,000 =
    # −91,249; price 183/365 × (182,500 − 183,000) = −251. § 108: nothing → 456,000, all volume.
    sel85 = cells(html, "SEL § 85 Socialpædagogisk støtte")
    assert sel85 == ["183.000", "91.500", "−91.500", "−91.249", "−251", "0", "0"]
    assert cells(html, "I alt") == ["183.000", "547.500", "+364.500", "+364.751", "−251", "0", "0"]


def test_the_development_per_inhabitant_is_indexed_to_the_base_year(users: dict[str, str], tmp_path: Path) -> None:
    folk1a = tmp_path / "folk1a.csv"
    folk1a.write_text(
        "OMRÅDE;ALDER;TID;INDHOLD\n999 Eksempel Kommune;18 år;2024K1;100\n999 Eksempel Kommune;18 år;2025K1;120\n",
        encoding="utf-8",
    )
    import_folk1a(folk1a)
    html = get(users, "/indsatstrappen/udgiftsvaekst/?fra_aar=2024&til_aar=2025&dato=2025-06-30&basis=2024")
    # 2024: 183,000 / 100 = 1,830 per inhabitant aged 18-66; 2025: 547,500 / 120 = 4,562.50 (index 249.3).
    assert cells(html, "2024") == ["183.000", "100", "1.830,00", "100,0"]
    assert cells(html, "2025") == ["547.500", "120", "4.562,50", "249,3"]


def test_only_years_with_inhabitants_are_indexed_and_the_first_is_the_default_base(
    users: dict[str, str], tmp_path: Path
) -> None:
    folk1a = tmp_path / "folk1a.csv"
    folk1a.write_text("OMRÅDE;ALDER;TID;INDHOLD\n999 Eksempel Kommune;30 år;2025K1;500\n", encoding="utf-8")
    import_folk1a(folk1a)
    html = get(users, "/indsatstrappen/udgiftsvaekst/?fra_aar=2024&til_aar=2025&dato=2025-06-30")
    # 547,500 / 500 = 1,095 per inhabitant; 2024 has no inhabitants and is left out.
    assert cells(html, "2025") == ["547.500", "500", "1.095,00", "100,0"]
    assert '<th scope="row">2024</th>' not in html


def test_without_population_the_page_says_how_to_import_it(users: dict[str, str]) -> None:
    html = get(users, "/indsatstrappen/udgiftsvaekst/?fra_aar=2024&til_aar=2025&dato=2025-06-30")
    assert "dispo import-population FIL" in html


def test_the_averages_by_target_group_provider_type_and_step(users: dict[str, str]) -> None:
    html = get(users, "/indsatstrappen/gennemsnit/" + PERIOD)
    rows = re.findall(r"<tr><th scope=\"row\">Voksenhandicap</th>(.*?)</tr>", html)
    shown = [[re.sub(r"<[^>]+>", "", c).strip() for c in row.split("</td>")[:-1]] for row in rows]
    # Own provider, step 3: 182,500 a year = 500 a day; 90 days in = 2.96 months.
    assert ["Egen kommune", "3. Hjemmebaserede indsatser", "1", "1", "0,5", "182.500", "500", "2,96"] in shown
    # Private, step 5: 404,963.50 a year, / 365 = 1,109.49 a day.
    assert ["Privat", "5. Varige eller længerevarende botilbud", "1", "1", "1,1", "404.964", "1.109", "5,91"] in shown


def test_the_grant_form_shows_the_average_of_the_chosen_step_and_provider_type(users: dict[str, str]) -> None:
    url = "/indsatstrappen/gennemsnit/bevilling/?dato=2025-06-30&paragraph=SEL108&target_group=handicap&provider=p1"
    html = get(users, url, "sagsbehandler1")
    assert "trin 5 «Varige eller længerevarende botilbud», Voksenhandicap" in html
    assert "Privat: 404.964 kr. pr. år (≈ 1.109 kr. pr. dag), varighed 5,91 måneder — 1 aktive indsatser" in html


def test_the_grant_form_average_says_when_the_paragraph_has_no_step(users: dict[str, str]) -> None:
    url = "/indsatstrappen/gennemsnit/bevilling/?dato=2025-06-30&paragraph=BL32&target_group=handicap"
    assert "har intet trin på trappen for Voksenhandicap" in get(users, url, "sagsbehandler1")
    assert "Vælg paragraf og målgruppe" in get(users, "/indsatstrappen/gennemsnit/bevilling/", "sagsbehandler1")


def test_the_grant_form_asks_for_the_average_when_paragraph_group_or_provider_change(users: dict[str, str]) -> None:
    html = get(users, "/registrering/borger/c1/ny-bevilling/" + PERIOD, "controller")
    assert 'hx-get="/indsatstrappen/gennemsnit/bevilling/' in html
    assert "change from:#id_paragraph" in html


def test_only_an_administrator_may_edit_a_model(users: dict[str, str]) -> None:
    get(users, "/indsatstrappen/modeller/ret/?model=voksen_handicap", "controller", status=403)
    assert "Ret trappemodellen Voksenhandicap" in get(
        users, "/indsatstrappen/modeller/ret/?model=voksen_handicap", "admin"
    )


def model_post(**changes: str) -> dict[str, str]:
    names = ["Generelle forebyggende tiltag", "Forebyggende tiltag med visitation", "Hjemmebaserede indsatser",
             "Midlertidige botilbud", "Varige botilbud"]  # fmt: skip
    data = {f"trin_{i}": name for i, name in enumerate(names, start=1)}
    data.update({"paragraf_SEL85": "2", "paragraf_SEL108": "5", "begrundelse": "§ 85 styres som forebyggelse"})
    data.update(changes)
    return data


def test_a_saved_model_applies_at_once_and_keeps_its_history(users: dict[str, str]) -> None:
    admin = logged_in(users, "admin")
    response = admin.post("/indsatstrappen/modeller/ret/?model=voksen_handicap", model_post())
    assert response.status_code == 302
    version = StaircaseVersion.objects.get()
    assert (version.saved_by, version.reason, version.steps[4]) == (
        "admin",
        "§ 85 styres som forebyggelse",
        "Varige botilbud",
    )
    html = admin.get("/indsatstrappen/" + PERIOD).content.decode()
    # g2 (§ 85) now stands on step 2, and step 3 is empty.
    assert figures(html, "Forebyggende tiltag med visitation")[:3] == ["0,5", "1", "0,1"]
    assert figures(html, "Hjemmebaserede indsatser")[:3] == ["0,0", "0", "0,0"]
    assert "Varige botilbud" in html
    assert "§ 85 styres som forebyggelse" in admin.get("/indsatstrappen/modeller/").content.decode()


def test_an_edit_without_reason_or_with_an_unknown_step_is_refused_and_saves_nothing(users: dict[str, str]) -> None:
    admin = logged_in(users, "admin")
    response = admin.post(
        "/indsatstrappen/modeller/ret/?model=voksen_handicap",
        model_post(begrundelse=" ", paragraf_SEL108="7", trin_3=""),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Skriv en begrundelse for ændringen" in html
    assert "Trin 3 mangler et navn" in html
    assert "SEL108: trinnet «7» findes ikke; vælg et trin fra 1 til 5 eller intet trin." in html
    assert StaircaseVersion.objects.count() == 0
