"""Every page checked by axe-core (WCAG 2.1 A and AA rules) in a real Chromium, under the site's
Content-Security-Policy.

The pages are the site's URL patterns, read from the resolver, with example values for their parameters from
the tiny world (tests/support/world.py). Each is opened as a controller, or as an administrator where a
controller is refused. A violation of impact serious or critical fails the test; every violation is printed.
axe-core comes inside the PyPI package axe-playwright-python (MPL-2.0), so nothing is fetched at run time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, include, path
from pytest_django.fixtures import Settings
from support.reviews import first_item, first_review, reviewed_followup
from support.screens import screenshot
from support.world import write_world

from dispo.services.demo import create_demo_users
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.store.models import Budget, Provider, ProviderRate
from dispo.web.auth import LockoutLoginView
from dispo.web.middleware import content_security_policy

axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PERIOD = "?aar=2025&dato=2025-06-30"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
FAILING_IMPACTS = {"serious", "critical"}


def _provider_rate() -> str:
    """The tiny world has no provider price list: one rate to show."""
    rate, _ = ProviderRate.objects.get_or_create(
        provider=Provider.objects.get(provider_id="p1"),
        paragraph="SEL108",
        price_basis="dag",
        valid_from=date(2025, 1, 1),
        defaults={"rate": 1000},
    )
    return str(rate.pk)


# An example value for each URL parameter, from the tiny world, by name or, where one name means different things,
# by the path segment before it and the name. A new page with a new parameter needs one here.
EXAMPLES: dict[str, Callable[[], str]] = {
    "code": lambda: "SEL108",
    "citizen_id": lambda: "c1",
    "grant_id": lambda: "g1",
    "caseworker_id": lambda: "sb1",
    "provider_id": lambda: "p1",
    "user_id": lambda: str(User.objects.get(username="sagsbehandler1").pk),
    "budgetter/pk": lambda: str(Budget.objects.order_by("pk").values_list("pk", flat=True)[0]),
    "takster/pk": _provider_rate,
    "pair": lambda: "fag-afregning",
    "token": lambda: "0" * 32,
    "followup_id": lambda: str(reviewed_followup().pk),
    "line_id": lambda: str(reviewed_followup().lines.get(level="total").pk),
    "review_id": lambda: str(first_review().pk),
    "item_id": lambda: str(first_item().pk),
    "question_id": lambda: "v-eks-igang",
}
_PARAMETER = re.compile(r"([\w-]+/)?<(?:\w+:)?(\w+)>")


def routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[str]:
    """Every URL pattern of the site as a route string, e.g. 'paragraf/<str:code>/'."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


ROUTES = sorted(set(routes()))


def example_key(segment: str | None, name: str) -> str:
    return f"{segment}{name}" if f"{segment}{name}" in EXAMPLES else name


def example_path(route: str) -> str:
    return "/" + _PARAMETER.sub(lambda m: (m.group(1) or "") + EXAMPLES[example_key(m.group(1), m.group(2))](), route)


@pytest.fixture
def server(live_server: Any, tmp_path: Path, settings: Settings) -> str:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    import_ledger(Ledger.from_folder(write_world(tmp_path / "world")), user="test", reason="Import")
    create_demo_users()
    return str(live_server.url)


def under_policy(page: Any) -> list[str]:
    """Serve every page with the site's Content-Security-Policy (whether or not the server's settings send it
    yet) and collect what the browser refuses under it."""
    page.add_init_script(
        "window.__refused = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__refused.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
    )

    def with_policy(route: Any) -> None:
        if route.request.resource_type != "document":
            route.continue_()
            return
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": content_security_policy()}
        route.fulfill(response=response, headers=headers)

    page.route("**/*", with_policy)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    return console


def log_in(page: Any, server: str, username: str) -> None:
    page.goto(server + "/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(f"demo-{username}")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()


def problems(page: Any, name: str) -> list[str]:
    """axe's serious and critical violations on the page as it is, and anything the policy refused.
    Every violation, of any impact, is printed."""
    page.wait_for_load_state("networkidle")
    screenshot(page, f"a11y-{name}")
    results = axe_playwright.Axe().run(page, options=WCAG_21_AA)
    found = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"]]
        line = f"{name}: {violation['id']} ({violation['impact']}) {violation['help']} — {targets}"
        print(line)
        if violation["impact"] in FAILING_IMPACTS:
            found.append(line)
    refused = page.evaluate("window.__refused")
    found += [f"{name}: Content-Security-Policy refused {r}" for r in refused]
    return found


def status(page: Any, url: str) -> int:
    """The status a GET of `url` answers with the page's cookies, without showing it."""
    return int(page.request.get(url, max_redirects=0).status)


@pytest.mark.parametrize("route", ROUTES)
def test_every_page_meets_wcag_21_aa(page: Any, server: str, route: str) -> None:
    under_policy(page)
    log_in(page, server, "controller")
    url = server + example_path(route) + PERIOD
    if status(page, url) == 403:
        page.context.clear_cookies()
        log_in(page, server, "admin")
    answer = status(page, url)
    if answer == 405:
        pytest.skip(f"/{route} answers POST only: not a page")
    assert answer == 200, f"/{route} answered {answer} with the example values"
    page.goto(url)
    if page.evaluate("document.doctype === null"):
        pytest.skip(f"/{route} is a fragment for htmx, not a page")
    name = re.sub(r"[^a-z0-9]+", "-", route.lower()).strip("-") or "forside"
    assert problems(page, name) == []


def test_every_url_parameter_has_an_example_value() -> None:
    missing = {example_key(seg, name) for route in ROUTES for seg, name in _PARAMETER.findall(route)} - set(EXAMPLES)
    assert not missing, f"add example values to EXAMPLES for the URL parameters {sorted(missing)}"


def test_the_login_page_with_an_error_meets_wcag_21_aa(page: Any, server: str) -> None:
    under_policy(page)
    page.goto(server + "/login/")
    assert problems(page, "login") == []
    page.get_by_label("Brugernavn").fill("controller")
    page.get_by_label("Adgangskode").fill("forkert")
    page.get_by_role("button", name="Log ind").click()
    assert problems(page, "login-fejl") == []


# The login page with lock-out, for the test below, whether or not the site's urls.py uses it yet.
urlpatterns = [path("login/", LockoutLoginView.as_view(), name="login"), path("", include("dispo.web.urls"))]


@pytest.mark.urls(__name__)
def test_the_lockout_message_meets_wcag_21_aa(page: Any, server: str) -> None:
    under_policy(page)
    for _ in range(6):
        page.goto(server + "/login/")
        page.get_by_label("Brugernavn").fill("controller")
        page.get_by_label("Adgangskode").fill("forkert")
        page.get_by_role("button", name="Log ind").click()
    assert page.get_by_role("alert").inner_text().startswith("For mange mislykkede forsøg på at logge ind.")
    assert problems(page, "login-spaerret") == []


def test_forms_showing_errors_meet_wcag_21_aa(page: Any, server: str) -> None:
    under_policy(page)
    log_in(page, server, "admin")
    page.goto(server + "/administration/brugere/ny/")
    page.get_by_label("Brugernavn").fill("controller")
    page.get_by_label("Adgangskode (første gang)").fill("1234")
    page.get_by_role("button", name="Opret bruger").click()
    assert page.get_by_role("alert").inner_text() == "Brugeren er ikke gemt. Ret fejlene markeret nedenfor."
    assert problems(page, "bruger-fejl") == []
    page.goto(server + "/administration/revisionsspor/?fra=2025-13-01&til=2025-01-01")
    assert problems(page, "revisionsspor-fejl") == []


def test_htmx_runs_under_the_content_security_policy(page: Any, server: str) -> None:
    console = under_policy(page)
    log_in(page, server, "controller")
    page.goto(server + "/" + PERIOD)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("window.__refused") == []
    assert not [m for m in console if "Content Security Policy" in m]


def test_the_first_tab_reaches_the_skip_link_to_the_content(page: Any, server: str) -> None:
    log_in(page, server, "controller")
    page.goto(server + "/" + PERIOD)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Gå til indhold"
    assert page.get_by_role("link", name="Gå til indhold").is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#indhold")


def test_axe_finds_a_known_violation(page: Any) -> None:
    """The check itself works: an image without a text alternative is reported."""
    page.set_content('<!doctype html><html lang="da"><title>x</title><main><img src="data:,"></main></html>')
    results = axe_playwright.Axe().run(page, options=WCAG_21_AA)
    assert "image-alt" in {v["id"] for v in results.response["violations"]}
