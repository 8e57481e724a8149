"""The screening pages: who may register whom, the pre-filled form, saving with htmx, the question editor,
the aggregate file, the consortium's import and tables, the hypotheses and the municipality's report."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from support.clients import logged_in

from dispo.domain import cpr as cpr_rules
from dispo.store.cpr import pseudonym
from dispo.store.models import AuditEntry, Citizen, Grant, LedgerVersion, Provider
from dispo.store.screening.models import ConsortiumFile, QuestionSetVersion, Screening

pytestmark = pytest.mark.django_db
PERIOD = "?aar=2025&dato=2025-06-30"
DATA = Path(__file__).parent.parent / "data" / "screening"


@pytest.fixture
def expensive(users: dict[str, str]) -> dict[str, str]:
    """c1 of the tiny world made an expensive case: a private § 108 place at 7,000 kr. a day all of 2025.

    Gross 2025: the new grant 365 × 7,000 = 2,555,000; g1 364,000; g3 (expected) 92,000 → 3,011,000 kr.,
    over 3.0 mio.: bracket "3,0-3,5"."""
    c1 = Citizen.objects.get(citizen_id="c1")
    Grant.objects.create(
        grant_id="g5",
        citizen=c1,
        paragraph="SEL108",
        target_group="handicap",
        provider=Provider.objects.get(provider_id="p1"),
        price_basis="dag",
        rate=7000,
        start=date(2025, 1, 1),
        acting_municipality="999",
        paying_municipality="999",
        caseworker=Grant.objects.get(grant_id="g1").caseworker,
        unit=Grant.objects.get(grant_id="g1").unit,
    )
    LedgerVersion.bump()
    return users


def test_the_candidates_are_the_expensive_adults_with_masked_cpr_and_the_list_is_audited(
    expensive: dict[str, str],
) -> None:
    page = logged_in(expensive, "controller").get("/screening/" + PERIOD)
    assert page.status_code == 200
    body = page.content.decode()
    assert "610265-XXXX" in body
    assert "750390" not in body
    assert "3.011.000" in body
    assert "3,0-3,5" in body
    assert AuditEntry.objects.filter(action="screening-kandidater", citizens=["c1"]).exists()


def test_the_candidate_list_downloads_under_its_danish_headings(expensive: dict[str, str]) -> None:
    answer = logged_in(expensive, "controller").get("/screening/" + PERIOD + "&format=csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0]["CPR-nummer"] == "610265-XXXX"
    assert float(rows[0]["Bruttoudgift i året"]) == pytest.approx(3_011_000)
    assert rows[0]["Registrering"] == "Ikke registreret"


def test_the_form_is_prefilled_from_the_ledger(expensive: dict[str, str]) -> None:
    body = logged_in(expensive, "sagsbehandler1").get("/screening/borger/c1/" + PERIOD).content.decode()
    # c1: a woman born 1965-02-01, 60 on 30 June 2025; the main offer is the private § 108 place in 999.
    assert 'name="sex" value="K" checked' in body
    assert 'name="age" value="60"' in body
    assert 'name="cost_bracket" value="3,0-3,5" checked' in body
    assert 'name="provider_type" value="privat" checked' in body
    assert 'name="paragraph" value="SEL108" checked' in body
    assert 'name="long_term_residential" value="ja" checked' in body
    assert 'name="acting_obligation" value="ja" checked' in body
    assert body.count("fra regnskabet") >= 7
    assert AuditEntry.objects.filter(action="screening-vis", citizens=["c1"]).exists()


def test_a_caseworker_cannot_open_another_caseworkers_citizen_and_the_attempt_is_audited(
    expensive: dict[str, str],
) -> None:
    assert logged_in(expensive, "sagsbehandler2").get("/screening/borger/c1/" + PERIOD).status_code == 403
    assert AuditEntry.objects.filter(action="afvist-screening", citizens=["c1"]).exists()
    assert logged_in(expensive, "analytiker").get("/screening/borger/c1/" + PERIOD).status_code == 403


def test_saving_with_htmx_stores_the_answers_and_answers_with_a_status_line(expensive: dict[str, str]) -> None:
    client = logged_in(expensive, "sagsbehandler1")
    posted = {"sex": "K", "age": "60", "known_how": ["anbringelse", "aflastning"], "notes": "Note", "faerdig": "1"}
    answer = client.post("/screening/borger/c1/" + PERIOD, posted, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "Registreringen er gemt som færdig." in answer.content.decode()
    stored = Screening.objects.get(citizen__citizen_id="c1", year=2025)
    assert stored.answers == {"sex": "K", "age": 60, "known_how": ["anbringelse", "aflastning"], "notes": "Note"}
    assert (stored.status, stored.question_set.version, stored.updated_by) == ("faerdig", 1, "sagsbehandler1")
    assert AuditEntry.objects.filter(action="screening-gem", citizens=["c1"]).exists()


def test_a_wrong_answer_is_named_and_nothing_is_saved(expensive: dict[str, str]) -> None:
    client = logged_in(expensive, "sagsbehandler1")
    answer = client.post("/screening/borger/c1/" + PERIOD, {"age": "tres", "sex": "X"}, HTTP_HX_REQUEST="true")
    assert "Alder (age): »tres« er ikke et helt tal" in answer.content.decode()
    answer = client.post("/screening/borger/c1/" + PERIOD, {"age": "12", "sex": "X"}, HTTP_HX_REQUEST="true")
    body = answer.content.decode()
    assert "Intet er gemt." in body
    assert "Køn (sex): X er ikke et af svarene; forventet et af K, M" in body
    assert "Alder (age): 12 ligger uden for 18-120" in body
    assert not Screening.objects.exists()


def test_only_an_administrator_adds_a_question_and_it_makes_a_new_version(expensive: dict[str, str]) -> None:
    question = {
        "question_id": "admissions",
        "section": "Psykiatri",
        "text": "Antal indlæggelser det seneste år",
        "kind": "number",
        "bands": "0, 1-2, 3+",
        "reason": "Ønske fra styregruppen",
    }
    assert logged_in(expensive, "controller").post("/screening/spoergsmaal/", question).status_code == 403
    admin = logged_in(expensive, "admin")
    assert "Spørgesættet er nu version 2" in admin.post("/screening/spoergsmaal/", question).content.decode()
    newest = QuestionSetVersion.objects.get(version=2)
    assert newest.document["questions"][-1]["bands"] == [
        {"code": "0", "from": 0, "to": 0},
        {"code": "1-2", "from": 1, "to": 2},
        {"code": "3+", "from": 3},
    ]
    again = admin.post(
        "/screening/spoergsmaal/", question | {"question_id": "Bad Id", "bands": "mange"}
    ).content.decode()
    assert "»Bad Id« skal være små bogstaver" in again
    assert "»mange« skal være et tal som 0, et interval" in again
    assert QuestionSetVersion.objects.count() == 2


def test_a_registration_keeps_its_version_when_a_question_is_added(expensive: dict[str, str]) -> None:
    client = logged_in(expensive, "sagsbehandler1")
    client.post("/screening/borger/c1/" + PERIOD, {"sex": "K"}, HTTP_HX_REQUEST="true")
    logged_in(expensive, "admin").post(
        "/screening/spoergsmaal/",
        {"question_id": "x_new", "section": "Ny", "text": "Nyt?", "kind": "yes_no", "reason": "Prøve"},
    )
    body = client.get("/screening/borger/c1/" + PERIOD).content.decode()
    assert "Spørgesæt version 1" in body
    assert "x_new" not in body


def test_the_aggregate_page_says_why_there_is_no_file_with_fewer_than_five(expensive: dict[str, str]) -> None:
    body = logged_in(expensive, "leder").get("/screening/samlet-fil/" + PERIOD).content.decode()
    assert "Der er ingen færdige registreringer for 2025." in body


def five_screened() -> None:
    """Five citizens registered alike for 2025 (synthetic CPR numbers: day of month + 60)."""
    for n in range(5):
        cpr = f"6{n + 1}0170-100{n}"
        citizen = Citizen.objects.create(
            citizen_id=f"s{n}",
            cpr=cpr,
            cpr_pseudonym=pseudonym(cpr),
            cpr_masked=cpr_rules.mask(cpr),
            birth_date=date(1970, 1, n + 1),
            sex="M",
        )
        version = QuestionSetVersion.objects.get_or_create(
            version=1, defaults={"document": {}, "created_by": "t", "reason": "t"}
        )[0]
        Screening.objects.create(
            citizen=citizen,
            year=2025,
            question_set=version,
            status="faerdig",
            answers={"sex": "M", "age": 55, "notes": "Hemmelig"},
            updated_by="t",
        )


def test_the_aggregate_file_downloads_without_persons_and_with_the_population_given(expensive: dict[str, str]) -> None:
    from dispo.services.screening.questions import latest

    latest()
    five_screened()
    client = logged_in(expensive, "analytiker")
    page = client.get("/screening/samlet-fil/" + PERIOD + "&indbyggere=60000").content.decode()
    assert "Færdige registreringer" in page
    assert "60.000" in page
    text = client.get("/screening/samlet-fil/" + PERIOD + "&indbyggere=60000&format=fil").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {(r["question"], r["answer"], r["count"]) for r in rows} >= {
        ("screened", "", "5"),
        ("inhabitants_18_66", "", "60000"),
        ("sex", "M", "5"),
        ("age", "46-55", "5"),
    }
    assert "Hemmelig" not in text
    assert "s0" not in text
    assert "XXXX" not in text
    assert all(int(r["count"]) >= 5 for r in rows)


def test_the_consortium_imports_files_and_shows_the_studys_tables_and_charts(expensive: dict[str, str]) -> None:
    client = logged_in(expensive, "analytiker")
    with (
        (DATA / "odense-461.csv").open("rb") as a,
        (DATA / "gentofte-157.csv").open("rb") as b,
        (DATA / "esbjerg-561.csv").open("rb") as c,
    ):
        answer = client.post("/screening/konsortium/" + PERIOD, {"filer": [a, b, c]})
    body = answer.content.decode()
    assert "3 fil(er) indlæst: Esbjerg, Gentofte, Odense." in body
    assert ConsortiumFile.objects.count() == 3
    assert "Region Syddanmark" in body
    assert "0,73" in body
    assert body.count('<svg xmlns="http://www.w3.org/2000/svg"') == 5  # three distributions, two scatters
    assert "r² = 0,96" in body  # cases against population, worked out in tests/engine/test_consortium_tables.py
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/screening/konsortium/" + PERIOD + "&tabel=regioner&format=csv").content.decode("utf-8-sig")
            )
        )
    )
    assert [r["Region"] for r in rows] == ["Region Hovedstaden", "Region Syddanmark", "I alt"]
    assert float(rows[-1]["Botilbud pr. 1.000 (18-66 år)"]) == pytest.approx(9.2)


def test_a_leader_may_see_the_consortium_but_not_import(expensive: dict[str, str]) -> None:
    client = logged_in(expensive, "leder")
    assert client.get("/screening/konsortium/" + PERIOD).status_code == 200
    with (DATA / "odense-461.csv").open("rb") as a:
        assert client.post("/screening/konsortium/" + PERIOD, {"filer": [a]}).status_code == 403


def test_a_bad_file_is_refused_on_the_page_with_its_row(expensive: dict[str, str]) -> None:
    client = logged_in(expensive, "controller")
    bad = io.BytesIO((DATA / "odense-461.csv").read_bytes().replace(b"privat,5", b"privat,2"))
    bad.name = "odense.csv"
    body = client.post("/screening/konsortium/" + PERIOD, {"filer": [bad]}).content.decode()
    assert "Intet er indlæst." in body
    assert "odense.csv, række 7, kolonne &#x27;count&#x27;: værdien &#x27;2&#x27;" in body
    assert not ConsortiumFile.objects.exists()


def imported(users: dict[str, str]) -> None:
    from dispo.services.screening.aggregate import import_aggregates

    import_aggregates([(p.name, p.read_bytes()) for p in sorted(DATA.glob("*.csv"))], "koordinator")


def test_the_hypotheses_page_states_each_figure_and_its_reading(expensive: dict[str, str]) -> None:
    imported(expensive)
    client = logged_in(expensive, "leder")
    body = client.get("/screening/hypoteser/" + PERIOD).content.decode()
    assert "1. Det skyldes de private" in body
    assert "10. De særlige pladser" in body
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/screening/hypoteser/" + PERIOD + "&format=csv").content.decode("utf-8-sig"))
        )
    )
    first = rows[0]
    # 11 private of the 23 shown (Esbjerg hides 5): 47.8 % < 50 %, but 5 hidden could make it 16 of 28.
    assert (first["Antal"], first["Besvaret"], first["Skjult"], first["Læsning"], first["Sikker"]) == (
        "11",
        "23",
        "5",
        "Svækker",
        "nej",
    )
    assert float(first["Andel af besvarede"]) == pytest.approx(11 / 23)
    assert float(first["Mindst (af alle screenede)"]) == pytest.approx(11 / 28)
    assert rows[1]["Læsning"] == "Støtter"  # all 28 say the offer was the only possible one


def test_the_municipality_report_ranks_it_and_downloads_as_pdf(expensive: dict[str, str]) -> None:
    imported(expensive)
    client = logged_in(expensive, "leder")
    body = client.get("/screening/kommunerapport/" + PERIOD + "&kommune=461").content.decode()
    assert "Odense" in body
    assert "2 af 3" in body
    pdf = client.get("/screening/kommunerapport/" + PERIOD + "&kommune=461&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/screening/kommunerapport/" + PERIOD + "&kommune=461&format=csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert (rows[0]["Placering"], rows[0]["Kommuner"]) == ("2", "3")
    assert float(rows[0]["Kommunen"]) == pytest.approx(0.5)


def test_pages_without_files_say_so(expensive: dict[str, str]) -> None:
    client = logged_in(expensive, "analytiker")
    assert "ingen samlede filer for 2025" in client.get("/screening/hypoteser/" + PERIOD).content.decode()
    assert "ingen samlede filer for 2025" in client.get("/screening/kommunerapport/" + PERIOD).content.decode()
    assert "ingen samlede filer for 2025" in client.get("/screening/konsortium/" + PERIOD).content.decode()
