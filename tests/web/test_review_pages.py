"""The case review pages on the hand-worked ledger: Anna (sagsbehandler1) has c1's expected g3, Bo
(sagsbehandler2) c2's g2 stopping 30 September (see tests/services/test_reviews.py)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import User
from support.clients import logged_in

from dispo.services.followups.snapshot import create_followup
from dispo.services.reviews import build_reviews
from dispo.store.followups.models import FollowUp
from dispo.store.models import AuditEntry, Grant
from dispo.store.reviews.models import Answer, Review

pytestmark = pytest.mark.django_db
JUNE = date(2025, 6, 30)


@pytest.fixture
def followup(users: dict[str, str]) -> FollowUp:
    return create_followup(JUNE, User.objects.get(username="controller"))


def review_of(username: str) -> Review:
    return Review.objects.get(caseworker__user__username=username)


def test_the_controller_makes_the_lists_and_sees_progress_per_caseworker(
    users: dict[str, str], followup: FollowUp
) -> None:
    client = logged_in(users, "controller")
    response = client.post(f"/sagsgennemgang/opfoelgning/{followup.pk}/dan/")
    assert response.status_code == 302
    page = client.get(f"/sagsgennemgang/?opfoelgning={followup.pk}").content.decode()
    assert "Anna Testesen" in page
    assert "Bo Prøvesen" in page
    # Anna: one expected grant with 5 required questions; Bo: one stopping grant with 1.
    download = client.get(f"/sagsgennemgang/?opfoelgning={followup.pk}&format=csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Sagsbehandler", "Sager på listen", "Færdige sager", "Spørgsmål", "Besvaret", "Åbne"]
    assert rows[1][:6] == ["Anna Testesen", "1", "0", "5", "0", "5"]
    assert rows[2][:6] == ["Bo Prøvesen", "1", "0", "1", "0", "1"]


def test_a_caseworker_sees_their_own_review_and_is_refused_anothers(users: dict[str, str], followup: FollowUp) -> None:
    build_reviews(followup)
    client = logged_in(users, "sagsbehandler1")
    own = client.get(f"/sagsgennemgang/{review_of('sagsbehandler1').pk}/")
    assert own.status_code == 200
    page = own.content.decode()
    assert "610265-XXXX" in page
    assert "Passer forventet opstartsdato fortsat?" in page
    assert "750390" not in page
    assert AuditEntry.objects.filter(action="sagsgennemgang", citizens=["c1"]).exists()
    other = client.get(f"/sagsgennemgang/{review_of('sagsbehandler2').pk}/")
    assert other.status_code == 403
    assert AuditEntry.objects.filter(action="afvist-sagsgennemgang").exists()
    answer = client.post(f"/sagsgennemgang/{review_of('sagsbehandler2').pk}/svar/1/v-stop-forlaenges/", {"svar": "ja"})
    assert answer.status_code == 403
    assert not Answer.objects.exists()


def test_the_caseworkers_index_lists_only_their_own_reviews(users: dict[str, str], followup: FollowUp) -> None:
    build_reviews(followup)
    page = logged_in(users, "sagsbehandler2").get("/sagsgennemgang/").content.decode()
    assert "Mine sagsgennemgange" in page
    assert f"/sagsgennemgang/{review_of('sagsbehandler2').pk}/" in page
    assert f"/sagsgennemgang/{review_of('sagsbehandler1').pk}/" not in page
    assert "Anna Testesen" not in page


@pytest.mark.parametrize("username", ["analytiker", "leder"])
def test_roles_without_a_caseload_or_the_controllers_job_are_refused(
    users: dict[str, str], followup: FollowUp, username: str
) -> None:
    build_reviews(followup)
    client = logged_in(users, username)
    assert client.get("/sagsgennemgang/").status_code == 403
    assert client.get(f"/sagsgennemgang/{review_of('sagsbehandler1').pk}/").status_code == 403


def test_an_answer_saved_by_htmx_returns_the_case_with_its_next_question(
    users: dict[str, str], followup: FollowUp
) -> None:
    build_reviews(followup)
    review = review_of("sagsbehandler1")
    item = review.items.get()
    client = logged_in(users, "sagsbehandler1")
    url = f"/sagsgennemgang/{review.pk}/svar/{item.pk}"
    response = client.post(f"{url}/v-eks-startdato/", {"svar": "nej"}, HTTP_HX_REQUEST="true")
    part = response.content.decode()
    assert response.status_code == 200
    assert part.lstrip().startswith('<article class="review-item"')
    assert "Besvaret: nej" in part
    assert "Ny forventet opstartsdato" in part
    refused = client.post(f"{url}/v-eks-ny-startdato/", {"svar": "31-02-2025"}, HTTP_HX_REQUEST="true")
    assert "«31-02-2025» er ikke en dato. Skriv datoen som dd-mm-åååå, fx 01-10-2025." in refused.content.decode()
    assert 'value="31-02-2025"' in refused.content.decode()  # what was typed stays in the field
    assert Grant.objects.get(grant_id="g3").start == date(2025, 10, 1)
    client.post(f"{url}/v-eks-ny-startdato/", {"svar": "01-11-2025"}, HTTP_HX_REQUEST="true")
    assert Grant.objects.get(grant_id="g3").start == date(2025, 11, 1)


def test_an_amount_typed_the_danish_way_is_accepted_and_letters_are_refused(
    users: dict[str, str], followup: FollowUp
) -> None:
    build_reviews(followup)
    review = review_of("sagsbehandler2")
    item = review.items.get()
    client = logged_in(users, "sagsbehandler2")
    url = f"/sagsgennemgang/{review.pk}/svar/{item.pk}"
    client.post(f"{url}/v-stop-forlaenges/", {"svar": "nej"}, HTTP_HX_REQUEST="true")
    client.post(f"{url}/v-stop-helt/", {"svar": "ja"}, HTTP_HX_REQUEST="true")
    letters = client.post(f"{url}/v-stop-efterudgifter/", {"svar": "12a"}, HTTP_HX_REQUEST="true")
    assert "«12a» er ikke et beløb. Skriv kroner med tal, fx 1.234,50." in letters.content.decode()
    accepted = client.post(f"{url}/v-stop-efterudgifter/", {"svar": "1.234,50"}, HTTP_HX_REQUEST="true")
    assert "Besvaret: 1.234,50 kr." in accepted.content.decode()
    assert Answer.objects.get(question_id="v-stop-efterudgifter").value == "1234.50"


def test_without_htmx_an_answer_reloads_the_page_at_the_case(users: dict[str, str], followup: FollowUp) -> None:
    build_reviews(followup)
    review = review_of("sagsbehandler2")
    item = review.items.get()
    response = logged_in(users, "sagsbehandler2").post(
        f"/sagsgennemgang/{review.pk}/svar/{item.pk}/v-stop-forlaenges/", {"svar": "ja"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/sagsgennemgang/{review.pk}/#sag-{item.pk}"


def test_only_the_controller_signs_off(users: dict[str, str], followup: FollowUp) -> None:
    build_reviews(followup)
    review = review_of("sagsbehandler2")
    assert logged_in(users, "sagsbehandler2").post(f"/sagsgennemgang/{review.pk}/godkend/").status_code == 403
    client = logged_in(users, "controller")
    page = client.get(f"/sagsgennemgang/{review.pk}/").content.decode()
    assert "1 spørgsmål er stadig åbne; de går videre til næste sagsgennemgang." in page
    client.post(f"/sagsgennemgang/{review.pk}/godkend/")
    review.refresh_from_db()
    assert review.signed_off
    assert review.signed_off_by == User.objects.get(username="controller")
    assert "Godkend sagsgennemgangen" not in client.get(f"/sagsgennemgang/{review.pk}/").content.decode()


def test_the_review_downloads_with_every_question_and_answer(users: dict[str, str], followup: FollowUp) -> None:
    build_reviews(followup)
    review = review_of("sagsbehandler2")
    client = logged_in(users, "sagsbehandler2")
    response = client.get(f"/sagsgennemgang/{review.pk}/?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["CPR-nummer", "Bevilling", "Paragraf", "Årsag", "Spørgsmål", "Svar", "Åbent"]
    assert rows[1] == [
        "750390-XXXX",
        "g2",
        "SEL85",
        "Indsats med stopdato inden for tre måneder",
        "Skal det forlænges?",
        "",
        "ja",
    ]
    xlsx = client.get(f"/sagsgennemgang/{review.pk}/?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(f"/sagsgennemgang/{review.pk}/?format=pdf").status_code == 400
    assert AuditEntry.objects.filter(action="sagsgennemgang", citizens=["c2"]).count() == 3
