"""The controller's calendar page, its settings form and its iCalendar download."""

from __future__ import annotations

import csv
import io

import pytest
from support.clients import logged_in

from dispo.store.reviews.models import CalendarSettings

pytestmark = pytest.mark.django_db


def test_the_controller_sees_the_years_cycle(users: dict[str, str]) -> None:
    page = logged_in(users, "controller").get("/kalender/?aar=2023").content.decode()
    assert "Controllerens kalender 2023" in page
    assert "Marts 2023" in page
    assert '30-03-2023 kl. 12.00</th><td class="text">Dagsorden udsendes – deadline</td>' in page
    assert "Store bededag" in page


@pytest.mark.parametrize("username", ["sagsbehandler1", "leder", "analytiker"])
def test_other_roles_are_refused_the_calendar(users: dict[str, str], username: str) -> None:
    client = logged_in(users, username)
    assert client.get("/kalender/").status_code == 403
    assert client.get("/kalender/?aar=2025&format=ics").status_code == 403


def test_the_list_downloads_and_the_calendar_exports_as_icalendar(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    rows = list(csv.reader(io.StringIO(client.get("/kalender/?aar=2023&format=csv").content.decode("utf-8-sig"))))
    assert rows[0] == ["Dato", "Ugedag", "Kl.", "Begivenhed", "Udvalgsmøde"]
    assert ["2023-03-30", "tor", "12.00", "Dagsorden udsendes – deadline", "2023-04-04"] in rows
    ics = client.get("/kalender/?aar=2023&format=ics")
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"
    assert ics["Content-Disposition"] == 'attachment; filename="controllerkalender-2023.ics"'
    assert ics.content.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")


def test_settings_are_saved_for_the_year(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    form = {
        "committee_weekday": "2",
        "committee_week": "-1",
        "no_meeting_months": ["7", "12"],
        "case_review_leads": "12, 9",
        "controller_follow_up_lead": "7",
        "follow_up_meetings_lead": "5",
        "joint_meeting_lead": "",
        "qualification_meeting_lead": "",
        "agenda_deadline_lead": "3",
        "agenda_deadline_time": "10.00",
    }
    assert client.post("/kalender/?aar=2025", form).status_code == 302
    stored = CalendarSettings.objects.get(year=2025)
    assert (stored.committee_weekday, stored.committee_week, stored.no_meeting_months) == (2, -1, [7, 12])
    assert (stored.case_review_leads, stored.joint_meeting_lead, stored.updated_by) == ([12, 9], None, "controller")
    page = client.get("/kalender/?aar=2025").content.decode()
    assert "Fællesmøde opfølgning" not in page.split('id="indstillinger"')[0]


def test_bad_settings_are_refused_in_danish_and_nothing_is_saved(users: dict[str, str]) -> None:
    client = logged_in(users, "controller")
    form = {
        "committee_weekday": "1",
        "committee_week": "1",
        "case_review_leads": "14, ti",
        "controller_follow_up_lead": "0",
        "agenda_deadline_lead": "x",
        "agenda_deadline_time": "middag",
    }
    page = client.post("/kalender/?aar=2025", form).content.decode()
    assert "Skriv et helt antal arbejdsdage, fx 6." in page
    assert "Skriv klokkeslættet som tt:mm, fx 12:00." in page
    assert not CalendarSettings.objects.exists()
    form |= {"case_review_leads": "14, ti", "agenda_deadline_lead": "3", "agenda_deadline_time": "12:00"}
    page = client.post("/kalender/?aar=2025", form).content.decode()
    assert "Skriv antal arbejdsdage som hele tal, fx 14, 10." in page
    form |= {"case_review_leads": "14, 10"}
    page = client.post("/kalender/?aar=2025", form).content.decode()
    assert "Antal arbejdsdage før udvalgsmødet skal være mellem 1 og 40." in page
    assert not CalendarSettings.objects.exists()
