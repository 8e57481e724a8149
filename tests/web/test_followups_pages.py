"""The follow-up pages on the hand-worked ledger (support/world.py): who may do what, the frozen figures and
their changes, comments by htmx, approval, the drill-down (audited) and every download."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import User
from support.clients import logged_in

from dispo.services.followups.snapshot import approve, create_followup
from dispo.services.grants import change_grant
from dispo.store.followups.models import FollowUp
from dispo.store.models import AuditEntry, Grant

pytestmark = pytest.mark.django_db


def cycle() -> FollowUp:
    """31 January approved (548,500), then g2 at 14 hours (+36,600 price) and g3 decided (+92,000 expected);
    31 March as a draft (676,100)."""
    karen = User.objects.get(username="controller")
    approve(create_followup(date(2025, 1, 31), karen), karen)
    change_grant(Grant.objects.get(grant_id="g2"), {"hours_per_week": Decimal(14)}, "Flere timer", "controller")
    change_grant(Grant.objects.get(grant_id="g3"), {"status": Grant.Status.DECIDED}, "Bevilget", "controller")
    return create_followup(date(2025, 3, 31), karen)


def cells(page: str, label: str) -> list[str]:
    row = page[page.index(f">{label}</th>") + len(label) + 6 :].split("</tr>")[0]
    return [re.sub(r"<[^>]*>", "", c).strip() for c in row.split("</td>")[:-1]]


def test_the_controller_creates_a_follow_up_and_lands_on_it(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    response = client.post("/opfoelgning/ny/", {"dato": "2025-01-31"})
    followup = FollowUp.objects.get()
    assert response["Location"] == f"/opfoelgning/{followup.pk}/"
    page = client.get(response["Location"]).content.decode()
    # Total: budget 600,000, forecast 365,000 + 91,500 + 92,000 = 548,500, diff 51,500, 3 grants.
    assert cells(page, "I alt")[:4] == ["600.000", "548.500", "51.500", "3"]
    assert "Godkend opfølgningen" in page


def test_a_bad_or_taken_date_is_refused_with_a_message(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    client.post("/opfoelgning/ny/", {"dato": "2025-01-31"})
    page = client.post("/opfoelgning/ny/", {"dato": "2025-01-31"}, follow=True).content.decode()
    assert "Der findes allerede en budgetopfølgning for 2025 pr. 31-01-2025" in page
    page = client.post("/opfoelgning/ny/", {"dato": "31.01.2025"}, follow=True).content.decode()
    assert "Angiv opgørelsesdatoen som en dato" in page
    assert FollowUp.objects.count() == 1


def parts(page: str, label: str) -> list[tuple[str, str]]:
    """The (reason, amount) pairs a line's change cell opens to."""
    row = page[page.index(f">{label}</th>") :].split("</tr>")[0]
    found = re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", row)
    return [(reason, amount.strip()) for reason, amount in found]


def test_the_change_opens_to_its_hand_worked_parts(users: dict[str, str]) -> None:
    march = cycle()
    page = logged_in(users, "controller").get(f"/opfoelgning/{march.pk}/").content.decode()
    # Budget, forecast, diff, grants, årsværk, avg price, then the change with its parts behind it.
    total = cells(page, "I alt")
    assert total[:4] == ["600.000", "676.100", "-76.100", "3"]
    assert total[6].startswith("127.600")
    # Change 127,600 = 36,600 + 92,000 − 1,000 from 548,500; the parts that are zero are left out.
    assert parts(page, "I alt") == [
        ("Forventet sidst", "548.500"),
        ("Ændret pris", "36.600"),
        ("Forventede indsatser", "92.000"),
        ("Betalinger afviger fra bevilling", "-1.000"),
    ]
    line = march.lines.get(level="paragraph", paragraph="SEL108")
    assert f'href="/opfoelgning/{march.pk}/linje/{line.pk}/">Bevillingerne bag' in page


def test_the_years_first_follow_up_has_no_change_column(users: dict[str, str]) -> None:
    karen = User.objects.get(username="controller")
    january = create_followup(date(2025, 1, 31), karen)
    page = logged_in(users, "controller").get(f"/opfoelgning/{january.pk}/").content.decode()
    assert "Ændring siden sidst" not in page
    assert "Årets første opfølgning: ingen ændringer at vise." in page


def test_a_comment_is_saved_by_htmx_and_refused_after_approval(users: dict[str, str]) -> None:
    march = cycle()
    line = march.lines.get(level="total")
    client = logged_in(users, "controller")
    url = f"/opfoelgning/{march.pk}/linje/{line.pk}/kommentar/"
    response = client.post(url, {"kommentar": "Ny bevilling i § 108"}, HTTP_HX_REQUEST="true")
    assert "Gemt" in response.content.decode()
    assert march.lines.get(level="total").comment == "Ny bevilling i § 108"
    client.post(f"/opfoelgning/{march.pk}/godkend/")
    refused = client.post(url, {"kommentar": "For sent"}, HTTP_HX_REQUEST="true").content.decode()
    assert "er godkendt og kan ikke ændres" in refused
    assert march.lines.get(level="total").comment == "Ny bevilling i § 108"
    page = client.get(f"/opfoelgning/{march.pk}/").content.decode()
    assert "Godkend opfølgningen" not in page
    assert "Ny bevilling i § 108" in page


def test_caseworkers_are_refused_and_analysts_and_leaders_only_read(users: dict[str, str]) -> None:
    march = cycle()
    assert logged_in(users, "sagsbehandler1").get("/opfoelgning/").status_code == 403
    analyst = logged_in(users, "analytiker")
    assert "Opret opfølgning" not in analyst.get("/opfoelgning/?aar=2025").content.decode()
    assert analyst.post("/opfoelgning/ny/", {"dato": "2025-04-30"}).status_code == 403
    assert analyst.post(f"/opfoelgning/{march.pk}/godkend/").status_code == 403
    line = march.lines.get(level="total")
    assert analyst.get(f"/opfoelgning/{march.pk}/linje/{line.pk}/").status_code == 403
    leader = logged_in(users, "leder")
    assert leader.get(f"/opfoelgning/{march.pk}/").status_code == 200
    assert leader.post(f"/opfoelgning/{march.pk}/linje/{line.pk}/kommentar/", {"kommentar": "x"}).status_code == 403
    assert FollowUp.objects.get(pk=march.pk).status == "kladde"


def test_the_drill_down_lists_the_grants_of_each_part_and_is_audited(users: dict[str, str]) -> None:
    march = cycle()
    line = march.lines.get(level="paragraph", paragraph="SEL108")
    page = logged_in(users, "controller").get(f"/opfoelgning/{march.pk}/linje/{line.pk}/").content.decode()
    assert "610265-XXXX" in page
    assert "610265-1234" not in page
    # g3 decided: +92,000 expected; g1 February booked 1,000 short: −1,000 payments.
    assert cells(page, "Forventede indsatser") == ["92.000"]
    assert cells(page, "Betalinger afviger fra bevilling") == ["-1.000"]
    # The grants' table has a column for these two parts only: the other five are zero for every grant.
    columns = re.findall(r'<th scope="col">([^<]*)</th>', page.split("Bevillingerne bag ændringen")[1])
    assert columns[-2:] == ["Forventede indsatser", "Betalinger afviger fra bevilling"]
    assert "Nye bevillinger" not in columns
    entry = AuditEntry.objects.get(action="opfoelgning-aendringer")
    assert (entry.username, entry.citizens) == ("controller", ["c1"])


def test_the_table_downloads_as_csv_and_xlsx(users: dict[str, str]) -> None:
    march = cycle()
    client = logged_in(users, "controller")
    csv = client.get(f"/opfoelgning/{march.pk}/?format=csv").content.decode("utf-8-sig")
    total = next(line for line in csv.splitlines() if line.startswith("total,"))
    assert ",676100.0," in total
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/opfoelgning/{march.pk}/?format=xlsx").content))
    assert book.active["A1"].value == "Niveau"


def test_the_committee_report_downloads_as_pdf_and_workbook(users: dict[str, str]) -> None:
    march = cycle()
    client = logged_in(users, "leder")
    pdf = client.get(f"/opfoelgning/{march.pk}/?rapport=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/opfoelgning/{march.pk}/?rapport=xlsx").content))
    assert book.sheetnames == ["Resumé", "Opfølgning", "Ændringer", "Indsatstrappe", "Månedsserie"]
    changes = book["Ændringer"]
    # The largest change first: SEL108 +91,000 (expected +92,000, payments −1,000), then SEL85 +36,600.
    assert [changes.cell(r, 4).value for r in (2, 3)] == [pytest.approx(91_000.0), pytest.approx(36_600.0)]
    assert changes.cell(2, 5).value == "Forventede indsatser +92.000 kr.; Betalinger afviger fra bevilling -1.000 kr."
    # Counts under 5 leave the municipality as "<5".
    assert book["Opfølgning"].cell(2, 6).value == "<5"


def test_the_series_page_shows_each_follow_up_with_a_chart(users: dict[str, str]) -> None:
    cycle()
    client = logged_in(users, "analytiker")
    page = client.get("/opfoelgning/serie/?aar=2025").content.decode()
    assert "31-03-2025</a> (kladde)" in page
    assert 'id="serie-forventet"' in page
    # Varige eller længerevarende botilbud: 2 grants, 457,000 then 548,000; budget 500,000; deviation 48,000.
    assert cells(page, "I alt Varige eller længerevarende botilbud") == ["2", "457.000", "2", "548.000", "500.000",
                                                                        "48.000"]  # fmt: skip
    csv = client.get("/opfoelgning/serie/?aar=2025&format=csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0].endswith("Budget,Afvigelse")
