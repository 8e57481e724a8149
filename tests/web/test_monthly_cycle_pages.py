"""The monthly cycle's pages connected: the follow-up shows its case reviews and links to them, a review links
back to its follow-up, approving before every review is signed off needs a ticked confirmation (checked on the
server), the calendar shows the follow-ups on their dates, and the live table is the current forecast.

On the hand-worked ledger of support/world.py as of 30 June 2025: Anna Testesen (sagsbehandler1) has c1's
expected g3 with 5 required questions, Bo Prøvesen (sagsbehandler2) c2's g2 stopping with 1."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from support.clients import logged_in

from dispo.services.followups.snapshot import create_followup
from dispo.services.grants import change_grant
from dispo.services.reviews import build_reviews, sign_off
from dispo.store.followups.models import FollowUp
from dispo.store.models import Grant
from dispo.store.reviews.models import Review

pytestmark = pytest.mark.django_db
JUNE = date(2025, 6, 30)


@pytest.fixture
def followup(users: dict[str, str]) -> FollowUp:
    return create_followup(JUNE, User.objects.get(username="controller"))


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", html))


def progress_row(page: str, name: str) -> str:
    start = page.index(f">{name}</a></th>") + len(name) + 10
    return text(page[start:].split("</tr>")[0])


def test_the_follow_up_offers_to_make_the_review_lists_then_shows_their_progress(
    users: dict[str, str], followup: FollowUp
) -> None:
    client = logged_in(users, "controller")
    page = client.get(f"/opfoelgning/{followup.pk}/").content.decode()
    assert "Listerne til sagsgennemgangen er ikke dannet for denne opfølgning." in page
    assert f'action="/sagsgennemgang/opfoelgning/{followup.pk}/dan/"' in page
    client.post(f"/sagsgennemgang/opfoelgning/{followup.pk}/dan/")
    anna, bo = Review.objects.get(caseworker__name="Anna Testesen"), Review.objects.get(caseworker__name="Bo Prøvesen")
    sign_off(bo, User.objects.get(username="controller"))
    page = client.get(f"/opfoelgning/{followup.pk}/").content.decode()
    # Anna: 1 case, none done, 0 of 5 answered, open; Bo: 1 case, 0 of 1, signed off.
    assert progress_row(page, "Anna Testesen").split() == ["1", "0", "0", "af", "5", "Åben"]
    assert progress_row(page, "Bo Prøvesen").split()[:6] == ["1", "0", "0", "af", "1", "Godkendt"]
    assert f'href="/sagsgennemgang/{anna.pk}/">Anna Testesen</a>' in page
    assert "2 sagsbehandlere, 1 godkendt · 0 af 6 spørgsmål besvaret" in text(page)
    assert f"/sagsgennemgang/?opfoelgning={followup.pk}&amp;format=xlsx" in page


def test_leaders_read_the_follow_up_without_the_review_section(users: dict[str, str], followup: FollowUp) -> None:
    build_reviews(followup)
    page = logged_in(users, "leder").get(f"/opfoelgning/{followup.pk}/").content.decode()
    assert "Sagsgennemgang til opfølgningen" not in page
    assert "Anna Testesen" not in page


def test_approving_before_the_reviews_are_signed_off_needs_the_confirmation(
    users: dict[str, str], followup: FollowUp
) -> None:
    build_reviews(followup)
    client = logged_in(users, "controller")
    page = client.get(f"/opfoelgning/{followup.pk}/").content.decode()
    assert "Sagsgennemgangen er ikke godkendt for Anna Testesen, Bo Prøvesen." in page
    assert 'name="alligevel" value="ja"' in page
    refused = client.post(f"/opfoelgning/{followup.pk}/godkend/", follow=True).content.decode()
    assert (
        "2 sagsgennemgange til opfølgningen er ikke godkendt (Anna Testesen, Bo Prøvesen). Godkend "
        "sagsgennemgangene først, eller sæt kryds ved «Godkend alligevel»" in refused
    )
    assert FollowUp.objects.get(pk=followup.pk).status == "kladde"
    client.post(f"/opfoelgning/{followup.pk}/godkend/", {"alligevel": "ja"})
    assert FollowUp.objects.get(pk=followup.pk).status == "godkendt"


def test_with_every_review_signed_off_the_follow_up_approves_without_asking(
    users: dict[str, str], followup: FollowUp
) -> None:
    karen = User.objects.get(username="controller")
    for review in build_reviews(followup):
        sign_off(review, karen)
    client = logged_in(users, "controller")
    assert 'name="alligevel"' not in client.get(f"/opfoelgning/{followup.pk}/").content.decode()
    client.post(f"/opfoelgning/{followup.pk}/godkend/")
    assert FollowUp.objects.get(pk=followup.pk).status == "godkendt"


def test_a_review_links_back_to_its_follow_up_for_the_controller_only(
    users: dict[str, str], followup: FollowUp
) -> None:
    build_reviews(followup)
    review = Review.objects.get(caseworker__name="Anna Testesen")
    link = f'href="/opfoelgning/{followup.pk}/"'
    assert link in logged_in(users, "controller").get(f"/sagsgennemgang/{review.pk}/").content.decode()
    assert link in logged_in(users, "controller").get(f"/sagsgennemgang/?opfoelgning={followup.pk}").content.decode()
    assert link not in logged_in(users, "sagsbehandler1").get(f"/sagsgennemgang/{review.pk}/").content.decode()


def test_a_citizens_second_case_points_to_the_general_questions_on_the_first(
    users: dict[str, str], followup: FollowUp
) -> None:
    # g1 ends 31 August: c1 is on Anna's list with g3 (expected) and g1 (stopping); the general questions once.
    change_grant(Grant.objects.get(grant_id="g1"), {"end": date(2025, 8, 31)}, "Ophører", "test")
    build_reviews(followup)
    review = Review.objects.get(caseworker__name="Anna Testesen")
    first = review.items.get(reason="forventet")
    page = logged_in(users, "sagsbehandler1").get(f"/sagsgennemgang/{review.pk}/").content.decode()
    assert page.count("Hvis en borger er meget dyr") == 1
    assert f'De generelle spørgsmål om borgeren stilles én gang, ved <a href="#sag-{first.pk}">' in page


def test_the_calendar_shows_the_follow_ups_on_their_dates(users: dict[str, str], followup: FollowUp) -> None:
    client = logged_in(users, "controller")
    page = client.get("/kalender/?aar=2025").content.decode()
    june = page[page.index("Juni 2025") :].split("</table>")[0]
    june_30 = june[june.index('<span class="day">30</span>') :].split("</td>")[0]
    assert f'<a class="event made made-kladde" href="/opfoelgning/{followup.pk}/"' in june_30
    assert "Opfølg&shy;ning, kladde<span" in june_30
    assert "Årets budgetopfølgninger står på deres opgørelsesdato (1, seneste pr. 30-06-2025)" in page
    assert f"/opfoelgning/{followup.pk}/" not in client.get("/kalender/?aar=2024").content.decode()


def test_the_live_table_is_the_current_forecast(users: dict[str, str]) -> None:
    page = logged_in(users, "controller").get("/?aar=2025&dato=2025-06-30").content.decode()
    assert "<h1>Aktuel prognose 2025</h1>" in page
    assert '<a href="/">Aktuel prognose</a>' in page
    assert '<a href="/opfoelgning/?aar=2025">budgetopfølgning</a> fastfryser dem pr. en dato' in page


def test_a_caseworker_sees_the_progress_of_each_of_their_reviews(users: dict[str, str], followup: FollowUp) -> None:
    build_reviews(followup)
    page = logged_in(users, "sagsbehandler2").get("/sagsgennemgang/").content.decode()
    row = text(page[page.index(">Opfølgning pr. 30-06-2025</a></th>") :].split("</tr>")[0])
    # Bo: one case (g2 stopping) with one required question, unanswered.
    assert row.split()[-7:] == ["1", "0", "0", "af", "1", "1", "Åben"]
    assert 'name="opfoelgning"' not in page  # the follow-up choice is the controller's
