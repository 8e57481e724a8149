"""The data sources pages: upload with preview and problems, confirm, the ottetals-kontrol, quality, checklist.

The exports are tests/data/sources; their hand-worked counts are in tests/services/test_reconciling.py.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from support.clients import logged_in

from dispo.services import sources
from dispo.store.models import AuditEntry
from dispo.store.sources.models import ChecklistStatus, SourceExtract

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
DATA = Path(__file__).parents[1] / "data" / "sources"
Q1 = "fra=2025-01&til=2025-03"


@pytest.fixture(autouse=True)
def _uploads(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


def preview(client: Client, profile: str, name: str, content: bytes | None = None) -> object:
    body = content if content is not None else (DATA / name).read_bytes()
    upload = io.BytesIO(body)
    upload.name = name
    return client.post("/datakilder/indlaes/", {"profile": profile, "fil": upload})


def store_all() -> None:
    for profile, name in (("nexus", "fagsystem.csv"), ("boern-og-voksne", "afregning.csv"), ("prisme", "oekonomi.csv")):
        sources.store_extract(sources.read_extract(profile, DATA / name), DATA / name, user="test")


def test_the_preview_shows_the_mapped_rows_and_every_problem_by_row_column_value(users: dict[str, str]) -> None:
    response = preview(logged_in(users, "controller"), "boern-og-voksne", "afregning.csv")
    html = response.content.decode()
    assert response.status_code == 200
    assert "10 rækker, heraf 1 med fejl" in html
    assert "610265-XXXX" in html
    assert "31.000,00" in html
    assert "1234" not in html.replace("1.234", "")
    assert "<td>11</td>" in html
    assert "Paragraf" in html
    assert "§ 999" in html
    assert SourceExtract.objects.count() == 0


def test_confirm_imports_the_waiting_file_and_deletes_it(users: dict[str, str], settings: object) -> None:
    client = logged_in(users, "controller")
    token = preview(client, "prisme", "oekonomi.csv").context["token"]
    waiting = sources.upload_path(token)
    assert waiting is not None
    response = client.post(
        f"/datakilder/indlaes/{token}/", {"action": "confirm", "profile": "prisme", "name": "oekonomi.csv"}
    )
    assert response.status_code == 302
    extract = SourceExtract.objects.get()
    assert (extract.kind, extract.rows, extract.imported_by) == ("finance", 9, "controller")
    assert not waiting.exists()
    assert sources.upload_path(token) is None


def test_cancel_discards_the_waiting_file(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    token = preview(client, "prisme", "oekonomi.csv").context["token"]
    client.post(f"/datakilder/indlaes/{token}/", {"action": "cancel", "profile": "prisme"})
    assert SourceExtract.objects.count() == 0
    assert sources.upload_path(token) is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tom.csv", b"", "filen er tom"),
        ("udtraek.pdf", b"%PDF-1.4", "en CSV- eller XLSX-fil"),
        ("tegn.csv", "Cpr-nr.;Beløb\n".encode() + b"\x81\n", "byte 0x81"),
        ("mangler.csv", b"Cpr-nr.;Paragraf\n610265-1234;108\n", "kolonnen &#x27;Beløb&#x27; i overskriften"),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_clear_message_and_nothing_waits(
    users: dict[str, str], name: str, content: bytes, message: str, settings: object
) -> None:
    response = preview(logged_in(users, "controller"), "boern-og-voksne", name, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert "kan ikke læses, og intet er indlæst" in html
    assert message in html
    assert not any((Path(settings.VAR_DIR) / sources.UPLOADS).iterdir())  # type: ignore[attr-defined]


def test_the_ottetals_kontrol_shows_the_four_counts_with_links_to_their_rows(users: dict[str, str]) -> None:
    store_all()
    client = logged_in(users, "controller")
    html = client.get(f"/datakilder/ottetal/?{Q1}").content.decode()
    assert "Fagsystem – Afregningssystem" in html
    assert "5.38.38 (" in html
    assert (
        "/datakilder/ottetal/fag-afregning/?fra=2025-01&amp;til=2025-03&amp;kategori=only_in_a&amp;noegle=SEL108"
        in html
    )
    rows = client.get(f"/datakilder/ottetal/fag-afregning/?{Q1}&kategori=only_in_a&noegle=SEL108")
    assert rows.context["rows"][0]["cpr_masked"] == "700780-XXXX"  # c3: granted, never settled
    assert AuditEntry.objects.filter(action="ottetals-kontrol").exists()


def test_the_drill_down_names_what_differs_in_danish(users: dict[str, str]) -> None:
    store_all()
    client = logged_in(users, "controller")
    rows = client.get(f"/datakilder/ottetal/fag-oekonomi/?{Q1}&kategori=differs_from_a&noegle=SEL107").context["rows"]
    assert [(r["cpr_masked"], r["differs"], r["export_rows"]) for r in rows] == [
        ("650575-XXXX", "sidste måned, beløb", "5")
    ]


def test_amounts_side_by_side_download_as_xlsx(users: dict[str, str]) -> None:
    store_all()
    response = logged_in(users, "controller").get(f"/datakilder/beloeb/?{Q1}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r[1:4] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["SEL108"] == (180_000, 90_000, 90_000)  # c1 + c3 granted 2 × 90 days × 1,000


def test_the_quality_page_shows_each_measurement_and_a_chart_from_two_on(users: dict[str, str]) -> None:
    store_all()
    client = logged_in(users, "controller")
    html = client.get("/datakilder/kvalitet/").content.decode()
    assert "<svg" not in html
    assert "afregning.csv" in html
    assert "<td>80,0</td>" in html
    cleaned = DATA / "afregning-rettet.csv"
    sources.store_extract(sources.read_extract("boern-og-voksne", cleaned), cleaned, user="test")
    html = client.get("/datakilder/kvalitet/").content.decode()
    assert html.count("<svg") == 1
    assert "80 %, " in html
    assert "88,9 %" in html


def test_the_checklist_keeps_the_municipalitys_status_and_audits_it(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    page = client.get("/datakilder/tjekliste/").content.decode()
    assert "Sammenlign aktivitetsdata på tværs af systemer" in page
    response = client.post("/datakilder/tjekliste/", {"step": "3", "status": "in_progress", "responsible": "Karen"})
    assert response.status_code == 302
    status = ChecklistStatus.objects.get(step=3)
    assert (status.status, status.responsible, status.updated_by) == ("in_progress", "Karen", "controller")
    assert AuditEntry.objects.filter(action="tjekliste-aendring", arguments__trin=3).exists()
    assert client.post("/datakilder/tjekliste/", {"step": "9", "status": "done"}).status_code == 400


@pytest.mark.parametrize("username", ["sagsbehandler1", "leder", "analytiker"])
@pytest.mark.parametrize(
    "url", ["/datakilder/", "/datakilder/indlaes/", "/datakilder/ottetal/", "/datakilder/tjekliste/"]
)
def test_only_controllers_and_administrators_come_here(users: dict[str, str], username: str, url: str) -> None:
    assert logged_in(users, username).get(url).status_code == 403
