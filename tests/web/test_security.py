"""Login security: lock-out after repeated failures, sessions that end, and the Content-Security-Policy.

The login view with lock-out and the two middlewares are switched on here by this module's own URLs and by
`settings`, so the tests hold whether or not the site's settings and urls.py have them yet.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import include, path
from django.utils import timezone
from pytest_django.fixtures import Settings
from support.world import write_world

from dispo.services.demo import create_demo_users
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.store.models import AuditEntry
from dispo.web.auth import LockoutLoginView, LockoutRule
from dispo.web.middleware import LAST_SEEN
from dispo.web.models import LoginFailure

urlpatterns = [
    path("login/", LockoutLoginView.as_view(), name="login"),
    path("", include("dispo.web.urls")),
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
PASSWORD = "demo-controller"
# Hashing a password the production way costs a good part of a second; these tests hash hundreds.
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURITY_MIDDLEWARE = [
    "dispo.web.middleware.IdleTimeoutMiddleware",
    "dispo.web.middleware.ContentSecurityPolicyMiddleware",
]


@pytest.fixture
def users(tmp_path: Path, settings: Settings) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHER
    import_ledger(Ledger.from_folder(write_world(tmp_path / "world")), user="test", reason="Import")
    create_demo_users()


@pytest.fixture
def secured(settings: Settings, users: None) -> None:
    """The site with the security middlewares, as the lead adds them to settings.MIDDLEWARE."""
    missing = [m for m in SECURITY_MIDDLEWARE if m not in django_settings.MIDDLEWARE]
    settings.MIDDLEWARE = [*django_settings.MIDDLEWARE, *missing]


def attempt(username: str, password: str, address: str = "10.0.0.1", client: Client | None = None) -> str:
    """One login through the login page; the page shown afterwards (the form again, or where it led)."""
    client = client or Client()
    response = client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)
    return "logged in" if response.status_code == 302 else response.content.decode()


def fail(times: int, username: str = "controller", address: str = "10.0.0.1") -> None:
    for _ in range(times):
        assert "Brugernavn eller adgangskode er forkert." in attempt(username, "forkert", address)


# --- lock-out ----------------------------------------------------------------------------------------------


def test_the_right_password_logs_in(users: None) -> None:
    assert attempt("controller", PASSWORD) == "logged in"


def test_five_failures_refuse_even_the_right_password_with_a_danish_message(users: None) -> None:
    fail(5)
    page = attempt("controller", PASSWORD)
    assert "For mange mislykkede forsøg på at logge ind" in page
    assert 'role="alert"' in page


def test_four_failures_still_let_the_right_password_in(users: None) -> None:
    fail(4)
    assert attempt("controller", PASSWORD) == "logged in"


def test_the_lock_on_a_user_name_holds_from_every_address(users: None) -> None:
    fail(5, address="10.0.0.1")
    assert "For mange mislykkede forsøg" in attempt("controller", PASSWORD, address="10.0.0.2")


def test_five_failures_from_one_address_lock_that_address_for_every_user_name(users: None) -> None:
    for name in ("anna", "bo", "carl", "dorte", "erik"):
        fail(1, username=name, address="10.0.0.9")
    assert "For mange mislykkede forsøg" in attempt("controller", PASSWORD, address="10.0.0.9")
    assert attempt("controller", PASSWORD, address="10.0.0.1") == "logged in"


def test_user_names_are_counted_regardless_of_case(users: None) -> None:
    for i, name in enumerate(("Controller", "CONTROLLER", "controller ", "controller", "cOntroller")):
        fail(1, username=name, address=f"10.0.1.{i}")
    assert "For mange mislykkede forsøg" in attempt("controller", PASSWORD, address="10.0.2.1")


def test_a_success_resets_the_count(users: None) -> None:
    fail(4)
    assert attempt("controller", PASSWORD) == "logged in"
    fail(4)
    assert attempt("controller", PASSWORD) == "logged in"


def test_a_missing_password_does_not_reset_the_count(users: None) -> None:
    fail(4)
    Client().post("/login/", {"username": "controller"}, REMOTE_ADDR="10.0.0.1")
    fail(1)
    assert "For mange mislykkede forsøg" in attempt("controller", PASSWORD)


def _failures_at(minutes_ago: list[float], username: str = "controller") -> None:
    now = timezone.now()
    for minutes in minutes_ago:
        LoginFailure.objects.create(username=username, remote_addr="10.0.0.1", at=now - timedelta(minutes=minutes))


def lock_end() -> datetime:
    """15 minutes after the latest counted failure, in Danish time."""
    last = LoginFailure.objects.filter(refused=False).order_by("-at").first()
    assert last is not None
    return timezone.localtime(last.at + timedelta(minutes=15))


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(users: None) -> None:
    # 20, 16, 12, 8, 4 minutes ago: no five of them fall within 15 minutes of each other (20 → 4 is 16).
    _failures_at([20, 16, 12, 8, 4])
    assert attempt("controller", PASSWORD, address="10.0.0.2") == "logged in"


def test_the_lock_lasts_fifteen_minutes_from_the_fifth_failure(users: None) -> None:
    # Fifth failure 14 minutes ago: locked for one more minute.
    _failures_at([18, 17, 16, 15, 14])
    page = attempt("controller", PASSWORD, address="10.0.0.2")
    assert f"spærret til kl. {lock_end():%H.%M}" in page


def test_the_lock_has_ended_sixteen_minutes_after_the_fifth_failure(users: None) -> None:
    _failures_at([20, 19, 18, 17, 16])
    assert attempt("controller", PASSWORD, address="10.0.0.2") == "logged in"


def test_refused_attempts_are_recorded_but_do_not_prolong_the_lock(users: None) -> None:
    _failures_at([18, 17, 16, 15, 14])
    attempt("controller", "forkert", address="10.0.0.2")
    assert LoginFailure.objects.filter(refused=True).count() == 1
    LoginFailure.objects.filter(refused=True).update(at=timezone.now() - timedelta(minutes=1))
    # Without the refused attempt counting, the lock still ends 15 minutes after the failure 14 minutes ago.
    assert f"spærret til kl. {lock_end():%H.%M}" in attempt("controller", PASSWORD, "10.0.0.3")


def test_failures_are_recorded_with_name_and_address_but_never_the_password(users: None) -> None:
    attempt("controller", "mit-hemmelige-gæt-42", address="10.0.0.7")
    failure = LoginFailure.objects.get()
    assert (failure.username, failure.remote_addr, failure.counted) == ("controller", "10.0.0.7", True)
    stored = [str(v) for row in LoginFailure.objects.values() for v in row.values()]
    stored += [str(v) for row in AuditEntry.objects.values() for v in row.values()]
    assert not any("hemmelige" in value for value in stored)


def test_the_lock_rule_counts_five_failures_within_the_window() -> None:
    rule = LockoutRule(attempts=5, window=timedelta(minutes=15), lock=timedelta(minutes=15))
    t0 = datetime(2025, 6, 30, 12, 0)
    minutes = [0, 3, 6, 9, 12]
    assert rule.lock_end(t0 + timedelta(minutes=m) for m in minutes) == t0 + timedelta(minutes=27)
    assert rule.lock_end(t0 + timedelta(minutes=m) for m in [0, 4, 8, 12, 16]) is None
    assert rule.lock_end(t0 + timedelta(minutes=m) for m in [0, 1, 2, 3]) is None


# --- sessions ----------------------------------------------------------------------------------------------


def test_the_session_cookie_ends_with_the_browser_and_after_eight_hours(users: None) -> None:
    client = Client()
    client.post("/login/", {"username": "controller", "password": PASSWORD})
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"] is True
    assert client.session.get_expiry_age() == 8 * 3600


def logged_in_client() -> Client:
    client = Client()
    client.post("/login/", {"username": "controller", "password": PASSWORD})
    return client


def _idle_for(client: Client, seconds: float) -> None:
    session = client.session
    session[LAST_SEEN] = time.time() - seconds
    session.save()


def test_a_user_active_within_thirty_minutes_stays_logged_in(secured: None) -> None:
    client = logged_in_client()
    assert client.get("/?aar=2025&dato=2025-06-30").status_code == 200
    _idle_for(client, 29 * 60)
    assert client.get("/?aar=2025&dato=2025-06-30").status_code == 200


def test_thirty_minutes_without_a_request_log_the_user_out(secured: None) -> None:
    client = logged_in_client()
    client.get("/")
    _idle_for(client, 30 * 60 + 1)
    response = client.get("/?aar=2025")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2F%3Faar%3D2025&inaktiv=1"
    assert client.get("/").status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Du er blevet logget ud, fordi du ikke har været aktiv i 30 minutter." in page


def test_the_idle_timeout_is_configurable(secured: None, settings: Settings) -> None:
    settings.DISPO_IDLE_SECONDS = 60
    client = logged_in_client()
    client.get("/")
    _idle_for(client, 61)
    assert client.get("/").status_code == 302


def test_an_idle_htmx_request_is_sent_to_the_login_page_whole(secured: None) -> None:
    client = logged_in_client()
    client.get("/")
    _idle_for(client, 31 * 60)
    response = client.get("/paragraf/SEL108/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/login/?next=%2Fparagraf%2FSEL108%2F&inaktiv=1")


# --- Content-Security-Policy -------------------------------------------------------------------------------


def test_every_response_carries_a_content_security_policy_without_inline_scripts(secured: None) -> None:
    for response in (Client().get("/login/"), logged_in_client().get("/?aar=2025&dato=2025-06-30")):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self';" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy


def test_the_policy_can_be_replaced_by_a_setting(secured: None, settings: Settings) -> None:
    settings.DISPO_CONTENT_SECURITY_POLICY = "default-src 'none'"
    assert Client().get("/login/")["Content-Security-Policy"] == "default-src 'none'"


def test_a_deactivated_users_open_session_ends_at_the_next_request(users: None) -> None:
    client = logged_in_client()
    User.objects.filter(username="controller").update(is_active=False)
    assert client.get("/").status_code == 302
    assert "Brugernavn eller adgangskode er forkert." in attempt("controller", PASSWORD)
