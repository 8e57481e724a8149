"""The administration area: users and roles, and the audit log — administrators only, every change logged."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from support.clients import logged_in

from dispo.store.models import AuditEntry, Caseworker, Citizen, Grant, LeaderUnit, OrgUnit
from dispo.web.models import LoginFailure

pytestmark = pytest.mark.django_db
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
NEW_PASSWORD = "Rolig-Havørn-2025"


@pytest.fixture
def admin(users: dict[str, str]) -> Client:
    return logged_in(users, "admin")


def pk(username: str) -> int:
    return User.objects.get(username=username).pk


def errors(page: str) -> list[str]:
    return re.findall(r"<li>(.*?)</li>", "".join(re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)))


def edit_data(username: str, **changes: object) -> dict[str, object]:
    """The edit form as the page fills it in for `username`, with `changes` on top."""
    user = User.objects.get(username=username)
    caseworker = Caseworker.objects.filter(user=user).first()
    data: dict[str, object] = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "roles": list(user.groups.values_list("name", flat=True)),
        "caseworker": caseworker.pk if caseworker else "",
        "units": list(LeaderUnit.objects.filter(user=user).values_list("unit_id", flat=True)),
        "is_active": "on" if user.is_active else "",
        "new_password": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v not in ("", None)}


ADMIN_URLS = [
    "/administration/",
    "/administration/brugere/",
    "/administration/brugere/ny/",
    "/administration/brugere/{admin_id}/",
    "/administration/revisionsspor/",
    "/administration/revisionsspor/?format=csv",
]


# --- who may ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["controller", "leder", "sagsbehandler1", "analytiker"])
def test_only_administrators_reach_the_administration(users: dict[str, str], username: str) -> None:
    client = logged_in(users, username)
    assert [client.get(url).status_code for url in admin_urls()] == [403] * len(ADMIN_URLS)
    assert client.post("/administration/brugere/ny/", {"username": "x"}).status_code == 403


def test_the_administration_needs_a_login(users: dict[str, str]) -> None:
    response = Client().get("/administration/brugere/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def admin_urls() -> list[str]:
    """The pages, with a real user id: on PostgreSQL ids are not reset between tests."""
    admin_id = User.objects.get(username="admin").pk
    return [url.format(admin_id=admin_id) for url in ADMIN_URLS]


def test_an_administrator_reaches_every_administration_page(admin: Client) -> None:
    assert [admin.get(url).status_code for url in admin_urls()] == [200] * len(ADMIN_URLS)


def test_an_unknown_user_is_not_found(admin: Client) -> None:
    assert admin.get("/administration/brugere/9999/").status_code == 404


# --- the list of users -----------------------------------------------------------------------------------


def test_the_list_shows_each_user_with_roles_and_scope(admin: Client) -> None:
    page = admin.get("/administration/brugere/").content.decode()
    rows = {r.split("</a>")[0].split(">")[-1]: r for r in page.split("<tr>")[2:]}
    assert set(rows) == {"admin", "analytiker", "controller", "leder", "sagsbehandler1", "sagsbehandler2"}
    assert "<td>Controller</td>" in rows["controller"]
    assert "<td>Anna Testesen</td>" in rows["sagsbehandler1"]
    assert "<td>Social og sundhed</td>" in rows["leder"]
    assert "<td>Aktiv</td>" in rows["analytiker"]
    assert "<td>aldrig</td>" in rows["analytiker"]
    assert "<td>aldrig</td>" not in rows["admin"]


# --- creating a user -------------------------------------------------------------------------------------


def test_creating_a_caseworker_user_links_the_caseload_and_is_audited(admin: Client) -> None:
    admin.post(f"/administration/brugere/{pk('sagsbehandler2')}/", edit_data("sagsbehandler2", caseworker=""))
    sb2 = Caseworker.objects.get(caseworker_id="sb2")
    response = admin.post(
        "/administration/brugere/ny/",
        {
            "username": "mette",
            "first_name": "Mette",
            "last_name": "Madsen",
            "password": NEW_PASSWORD,
            "roles": ["sagsbehandler"],
            "caseworker": sb2.pk,
        },
    )
    mette = User.objects.get(username="mette")
    assert response["Location"] == f"/administration/brugere/{mette.pk}/"
    assert mette.get_full_name() == "Mette Madsen"
    assert list(Citizen.objects.visible_to(mette).values_list("citizen_id", flat=True)) == ["c2"]
    client = Client()
    assert client.login(username="mette", password=NEW_PASSWORD)
    assert client.get("/borger/c2/").status_code == 200
    assert client.get("/borger/c1/").status_code == 403
    logged = AuditEntry.objects.filter(arguments__bruger="mette").order_by("id")
    assert [e.action for e in logged] == ["bruger-oprettet", "bruger-navn", "bruger-roller", "bruger-sagsbehandler"]
    assert logged.get(action="bruger-sagsbehandler").arguments["efter"] == {"caseworker": "sb2"}
    assert all(e.username == "admin" and e.citizens == [] for e in logged)


def test_creating_a_leader_scopes_them_to_their_units(admin: Client) -> None:
    u1 = OrgUnit.objects.get(unit_id="u1")
    admin.post(
        "/administration/brugere/ny/",
        {"username": "lone", "password": NEW_PASSWORD, "roles": ["leder"], "units": [u1.pk]},
    )
    lone = User.objects.get(username="lone")
    assert list(LeaderUnit.objects.filter(user=lone).values_list("unit__unit_id", flat=True)) == ["u1"]
    assert sorted(Grant.objects.visible_to(lone).values_list("grant_id", flat=True)) == ["g1", "g2", "g3", "g4"]
    entry = AuditEntry.objects.get(action="bruger-enheder", arguments__bruger="lone")
    assert (entry.arguments["før"], entry.arguments["efter"]) == ({"units": []}, {"units": ["u1"]})


def test_bad_new_users_are_refused_with_danish_messages(admin: Client) -> None:
    page = admin.post(
        "/administration/brugere/ny/",
        {"username": "controller", "password": "1234", "roles": []},
    ).content.decode()
    assert "Brugeren er ikke gemt. Ret fejlene markeret nedenfor." in page
    found = errors(page)
    assert "Brugernavnet &#x27;controller&#x27; findes allerede." in found
    assert "Vælg mindst én rolle." in found
    assert "Denne adgangskode er for kort. Den skal indeholde mindst 10 tegn." in found
    assert "Denne adgangskode er udelukkende numerisk." in found
    assert User.objects.count() == 6


def test_a_user_name_with_spaces_or_the_same_name_in_capitals_is_refused(admin: Client) -> None:
    spaced = admin.post("/administration/brugere/ny/", {"username": "mette madsen", "password": NEW_PASSWORD})
    assert any("gyldigt brugernavn" in e for e in errors(spaced.content.decode()))
    shouted = admin.post(
        "/administration/brugere/ny/", {"username": "CONTROLLER", "password": NEW_PASSWORD, "roles": ["controller"]}
    )
    assert "Brugernavnet &#x27;CONTROLLER&#x27; findes allerede." in errors(shouted.content.decode())


def test_a_caseworker_link_needs_the_caseworker_role_and_units_need_the_leader_role(admin: Client) -> None:
    sb1 = Caseworker.objects.get(caseworker_id="sb1")
    u1 = OrgUnit.objects.get(unit_id="u1")
    page = admin.post(
        f"/administration/brugere/{pk('sagsbehandler1')}/",
        edit_data("sagsbehandler1", roles=["analytiker"], caseworker=sb1.pk, units=[u1.pk]),
    ).content.decode()
    assert errors(page) == [
        "Kun en bruger med rollen Sagsbehandler kan kobles til en sagsbehandler.",
        "Kun en bruger med rollen Leder kan være leder for enheder.",
    ]


def test_a_caseworker_already_linked_to_another_user_cannot_be_chosen(admin: Client) -> None:
    sb1 = Caseworker.objects.get(caseworker_id="sb1")
    page = admin.post(
        f"/administration/brugere/{pk('sagsbehandler2')}/", edit_data("sagsbehandler2", caseworker=sb1.pk)
    ).content.decode()
    assert errors(page) == ["Sagsbehandleren findes ikke eller er allerede koblet til en anden bruger."]
    assert Caseworker.objects.get(caseworker_id="sb1").user == User.objects.get(username="sagsbehandler1")


# --- changing a user -------------------------------------------------------------------------------------


def test_changing_roles_takes_effect_and_is_audited_with_before_and_after(admin: Client, users: dict[str, str]) -> None:
    admin.post(f"/administration/brugere/{pk('controller')}/", edit_data("controller", roles=["analytiker"]))
    controller = logged_in(users, "controller")
    assert controller.get("/borger/c1/").status_code == 403
    entry = AuditEntry.objects.get(action="bruger-roller")
    assert entry.arguments == {
        "bruger": "controller",
        "før": {"roles": ["controller"]},
        "efter": {"roles": ["analytiker"]},
    }
    page = admin.get(f"/administration/brugere/{pk('controller')}/").content.decode()
    assert "Roller: controller → analytiker" in page


def test_saving_without_changes_writes_nothing(admin: Client) -> None:
    response = admin.post(f"/administration/brugere/{pk('leder')}/", edit_data("leder"), follow=True)
    assert "Ingen ændringer at gemme." in response.content.decode()
    assert not AuditEntry.objects.filter(action__startswith="bruger-").exists()


def test_deactivating_a_user_ends_their_session_and_is_audited(admin: Client, users: dict[str, str]) -> None:
    caseworker = logged_in(users, "sagsbehandler1")
    admin.post(f"/administration/brugere/{pk('sagsbehandler1')}/", edit_data("sagsbehandler1", is_active=""))
    assert caseworker.get("/borger/c1/").status_code == 302
    assert not Client().login(username="sagsbehandler1", password=users["sagsbehandler1"])
    assert AuditEntry.objects.get(action="bruger-deaktiveret").arguments == {"bruger": "sagsbehandler1"}
    assert "<td>Deaktiveret</td>" in admin.get("/administration/brugere/").content.decode()
    admin.post(f"/administration/brugere/{pk('sagsbehandler1')}/", edit_data("sagsbehandler1", is_active="on"))
    assert AuditEntry.objects.filter(action="bruger-aktiveret").count() == 1


def test_an_administrator_cannot_lock_themselves_out(admin: Client) -> None:
    page = admin.post(
        f"/administration/brugere/{pk('admin')}/", edit_data("admin", roles=["controller"], is_active="")
    ).content.decode()
    assert errors(page) == [
        "Du kan ikke fjerne din egen rolle som systemadministrator.",
        "Du kan ikke deaktivere dig selv.",
    ]
    assert User.objects.get(username="admin").groups.get().name == "administrator"


def test_a_new_password_is_set_audited_and_never_stored_in_the_log(admin: Client) -> None:
    admin.post(f"/administration/brugere/{pk('leder')}/", edit_data("leder", new_password=NEW_PASSWORD))
    assert Client().login(username="leder", password=NEW_PASSWORD)
    assert AuditEntry.objects.get(action="bruger-adgangskode").arguments == {"bruger": "leder"}
    logged = " ".join(str(v) for row in AuditEntry.objects.values() for v in row.values())
    assert "Havørn" not in logged


def test_a_weak_new_password_is_refused(admin: Client) -> None:
    page = admin.post(
        f"/administration/brugere/{pk('leder')}/", edit_data("leder", new_password="password123")
    ).content.decode()
    assert "Denne adgangskode er for almindelig." in errors(page)


def test_a_locked_user_is_shown_and_an_administrator_can_lift_the_lock(admin: Client) -> None:
    now = timezone.now()
    for minutes in (5, 4, 3, 2, 1):
        LoginFailure.objects.create(username="controller", remote_addr="10.0.0.1", at=now - timedelta(minutes=minutes))
    until = timezone.localtime(now - timedelta(minutes=1) + timedelta(minutes=15))
    assert f"Spærret til kl. {until:%H.%M}" in admin.get("/administration/brugere/").content.decode()
    assert f"<li>controller – til kl. {until:%H.%M}</li>" in admin.get("/administration/").content.decode()
    assert admin.get(f"/administration/brugere/{pk('controller')}/ophaev-spaerring/").status_code == 405
    admin.post(f"/administration/brugere/{pk('controller')}/ophaev-spaerring/")
    assert "Spærret til" not in admin.get("/administration/brugere/").content.decode()
    assert LoginFailure.objects.filter(counted=True).count() == 0
    assert LoginFailure.objects.count() == 5
    assert AuditEntry.objects.get(action="bruger-spærring-ophævet").arguments == {"bruger": "controller"}


# --- the audit log ---------------------------------------------------------------------------------------


def entry(username: str, action: str, citizens: list[str], local: str, **arguments: str) -> None:
    """An audit entry at a local (Copenhagen) time; `at` is set by the database on insert, so it is moved."""
    created = AuditEntry.objects.create(
        username=username,
        action=action,
        path=f"/{action}/",
        arguments=arguments,
        citizens=citizens,
        remote_addr="10.1.1.1",
    )
    at = datetime.fromisoformat(local).replace(tzinfo=COPENHAGEN)
    AuditEntry.objects.filter(pk=created.pk).update(at=at)


@pytest.fixture
def log(users: dict[str, str]) -> None:
    entry("controller", "borger", ["c1"], "2025-03-01 10:00")
    entry("sagsbehandler2", "borger", ["c2"], "2025-03-02 00:30")  # 1 March 23:30 UTC: 2 March in Denmark
    entry("controller", "paragraf-bevillinger", ["c1", "c2"], "2025-03-03 12:00")
    entry("leder", "borger", ["c10"], "2025-03-03 13:00")


def shown(admin: Client, query: str) -> list[tuple[str, str, str]]:
    """(time, user, action) of each row the audit page shows for `query`."""
    page = admin.get("/administration/revisionsspor/?" + query).content.decode()
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    rows = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in body.split("<tr>")[1:]]
    return [(r[0], r[1], r[2]) for r in rows if len(r) > 2]


def test_the_audit_log_is_searched_by_user(admin: Client, log: None) -> None:
    assert shown(admin, "bruger=Controller") == [
        ("03-03-2025 12.00.00", "controller", "paragraf-bevillinger"),
        ("01-03-2025 10.00.00", "controller", "borger"),
    ]


def test_the_audit_log_is_searched_by_action(admin: Client, log: None) -> None:
    assert [r[1] for r in shown(admin, "handling=borger")] == ["leder", "sagsbehandler2", "controller"]


def test_a_citizen_search_finds_the_whole_id_only(admin: Client, log: None) -> None:
    # c1 is in the first and third entries; c10 is another citizen.
    assert [r[0] for r in shown(admin, "borger=c1")] == ["03-03-2025 12.00.00", "01-03-2025 10.00.00"]


def test_a_date_range_counts_whole_danish_days(admin: Client, log: None) -> None:
    assert shown(admin, "fra=2025-03-02&til=2025-03-02") == [("02-03-2025 00.30.00", "sagsbehandler2", "borger")]
    assert len(shown(admin, "fra=2025-03-02")) == 3 + 1  # three entries, and the previous search's own entry


def test_searches_combine(admin: Client, log: None) -> None:
    assert shown(admin, "bruger=controller&borger=c2&til=2025-03-31") == [
        ("03-03-2025 12.00.00", "controller", "paragraf-bevillinger")
    ]


def test_the_audit_log_shows_who_when_what_which_citizens_and_from_where(admin: Client, log: None) -> None:
    page = admin.get("/administration/revisionsspor/?handling=paragraf-bevillinger").content.decode()
    row = page.split("<tbody>")[1].split("</tr>")[0]
    assert re.findall(r"<td>(.*?)</td>", row, re.S) == [
        "03-03-2025 12.00.00",
        "controller",
        "paragraf-bevillinger",
        "<code>/paragraf-bevillinger/</code>",
        "c1, c2",
        "10.1.1.1",
    ]
    assert "1 poster" in page


def test_bad_search_input_gets_danish_messages_and_no_rows(admin: Client, log: None) -> None:
    page = admin.get("/administration/revisionsspor/?fra=2025-13-01&handling=slet-alt").content.decode()
    assert "Skriv fra-datoen som ÅÅÅÅ-MM-DD, fx 2025-06-30." in page
    assert "Handlingen &#x27;slet-alt&#x27; findes ikke i sporet. Vælg en fra listen." in page
    assert "Søgningen kan ikke udføres: ret fejlene ovenfor." in page
    assert "0 poster" in page
    reversed_range = admin.get("/administration/revisionsspor/?fra=2025-03-03&til=2025-03-01").content.decode()
    assert "Til-datoen ligger før fra-datoen." in reversed_range


def test_the_audit_log_is_paginated_by_fifty(admin: Client, users: dict[str, str]) -> None:
    for i in range(120):
        entry("controller", "borger", [f"c{i}"], f"2025-01-01 {i // 60:02d}:{i % 60:02d}")
    first = admin.get("/administration/revisionsspor/?handling=borger").content.decode()
    # 120 entries at 50 a page: pages of 50, 50 and 20.
    assert "120 poster · side 1 af 3" in first
    assert first.count("<tr>") == 1 + 50
    last = admin.get("/administration/revisionsspor/?handling=borger&side=3").content.decode()
    assert last.count("<tr>") == 1 + 20
    assert 'href="?handling=borger&amp;side=2" rel="prev"' in last
    assert "side 1 af 3" in admin.get("/administration/revisionsspor/?handling=borger&side=x").content.decode()


def test_many_citizens_in_one_entry_fold_away(admin: Client, users: dict[str, str]) -> None:
    entry("controller", "paragraf-bevillinger", [f"c{i}" for i in range(12)], "2025-03-01 10:00")
    page = admin.get("/administration/revisionsspor/?handling=paragraf-bevillinger").content.decode()
    assert "<details><summary>12 borgere</summary>c0, c1, c2" in page


def test_cpr_numbers_typed_into_a_search_never_appear_in_the_log(admin: Client, users: dict[str, str]) -> None:
    AuditEntry.objects.create(
        username="controller", action="soeg", path="/soeg/6102651234/", arguments={"q": "610265-1234"}, citizens=["c1"]
    )
    page = admin.get("/administration/revisionsspor/").content.decode()
    assert "610265-XXXX" in page
    assert "6102651234" not in page
    assert "610265-1234" not in page
    download = admin.get("/administration/revisionsspor/?format=csv").content.decode("utf-8-sig")
    assert "610265-XXXX" in download
    assert "1234" not in download


def test_the_audit_log_is_read_only(admin: Client, log: None) -> None:
    before = list(AuditEntry.objects.values_list("id", "at", "username", "action"))
    for method in (admin.post, admin.put, admin.patch, admin.delete):
        assert method("/administration/revisionsspor/").status_code == 405
    after = list(AuditEntry.objects.values_list("id", "at", "username", "action"))
    assert after == before
    page = admin.get("/administration/revisionsspor/").content.decode()
    assert '<form method="post"' not in page.split("<main")[1]


def test_the_csv_download_holds_the_search_and_is_itself_audited(admin: Client, log: None) -> None:
    response = admin.get("/administration/revisionsspor/?bruger=controller&format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="revisionsspor.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["at"], r["action"], r["citizens"]) for r in rows] == [
        ("2025-03-03 12:00:00", "paragraf-bevillinger", "c1, c2"),
        ("2025-03-01 10:00:00", "borger", "c1"),
    ]
    audit = AuditEntry.objects.get(action="revisionsspor-eksport")
    assert (audit.username, audit.citizens) == ("admin", ["c1", "c2"])
    assert audit.arguments == {"bruger": "controller", "format": "csv"}


def test_the_xlsx_download_has_danish_headers(admin: Client, log: None) -> None:
    response = admin.get("/administration/revisionsspor/?handling=borger&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Tidspunkt", "Bruger", "Handling", "Side", "Argumenter", "Borgere", "Adresse")
    assert [r[1] for r in rows[1:4]] == ["leder", "sagsbehandler2", "controller"]
    assert AuditEntry.objects.filter(action="revisionsspor-eksport").count() == 1


def test_reading_the_audit_log_is_itself_audited(admin: Client, log: None) -> None:
    admin.get("/administration/revisionsspor/?borger=c2")
    audit = AuditEntry.objects.get(action="revisionsspor")
    assert (audit.username, audit.citizens, audit.arguments) == ("admin", ["c1", "c2"], {"borger": "c2"})
