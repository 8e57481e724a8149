"""A controller uploads the three exports in a real Chromium, confirms them, and opens the ottetals-kontrol.

The exports are tests/data/sources; their hand-worked counts are in tests/services/test_reconciling.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.screens import log_in, screenshot
from support.world import write_world

from dispo.services.demo import create_demo_users
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger

axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DATA = Path(__file__).parents[1] / "data" / "sources"
EXPORTS = (
    ("Fagsystem (fx Nexus): borgere og bevillinger", "fagsystem.csv"),
    ("Afregningssystem (fx Børn og Voksne): betalinger", "afregning.csv"),
    ("Økonomisystem (fx Prisme eller Opus): posteringer", "oekonomi.csv"),
)


@pytest.fixture
def server(live_server: Any, tmp_path: Path, settings: Any) -> str:
    settings.VAR_DIR = tmp_path / "var"
    import_ledger(Ledger.from_folder(write_world(tmp_path / "world")), user="test", reason="Import")
    create_demo_users()
    return str(live_server.url)


def serious_violations(page: Any) -> list[str]:
    """axe's serious and critical WCAG 2.1 AA violations on the page as it is (as tests/browser/test_accessibility)."""
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    results = axe_playwright.Axe().run(page, options=options)
    return [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def upload(page: Any, server: str, profile: str, name: str) -> None:
    page.goto(server + "/datakilder/indlaes/")
    page.get_by_label("Profil (kildesystem)").select_option(label=profile)
    page.get_by_label("Fil", exact=True).set_input_files(str(DATA / name))
    page.get_by_role("button", name="Vis rækkerne").click()
    page.get_by_role("heading", name=name).wait_for()


def test_upload_preview_confirm_and_drill_down(page: Any, server: str) -> None:
    log_in(page, server, "controller", "demo-controller")
    page.goto(server + "/datakilder/")
    screenshot(page, "sources-index-empty")
    for profile, name in EXPORTS:
        upload(page, server, profile, name)
        if name == "afregning.csv":
            assert page.get_by_role("cell", name="§ 999").is_visible()
            screenshot(page, "sources-preview")
            assert serious_violations(page) == []
        page.get_by_role("button", name=f"Indlæs {name}").click()
        page.get_by_text(f"{name} er indlæst").wait_for()
    screenshot(page, "sources-index")
    page.goto(server + "/datakilder/ottetal/?fra=2025-01&til=2025-03")
    screenshot(page, "sources-reconciliation")
    assert serious_violations(page) == []
    table = page.get_by_role("table", name="Ottetals-kontrol: Fagsystem (A) mod Afregningssystem (B)")
    table.get_by_role("row", name="SEL108").get_by_role("link", name="1").first.click()
    assert page.get_by_role("heading", name="Kun i Fagsystem").is_visible()
    assert page.get_by_role("rowheader", name="700780-XXXX").is_visible()
    screenshot(page, "sources-lines")
    assert serious_violations(page) == []
    page.goto(server + "/datakilder/beloeb/?fra=2025-01&til=2025-03")
    screenshot(page, "sources-amounts")
    page.goto(server + "/datakilder/kvalitet/")
    screenshot(page, "sources-quality")
    page.goto(server + "/datakilder/tjekliste/")
    page.get_by_label("Status").nth(2).select_option(label="I gang")
    page.get_by_role("button", name="Gem trin 3").click()
    assert page.get_by_text("Trin 3 er gemt.").is_visible()
    screenshot(page, "sources-checklist")
    assert serious_violations(page) == []


def test_a_refused_file_shows_why_in_the_browser(page: Any, server: str, tmp_path: Path) -> None:
    bad = tmp_path / "tom.csv"
    bad.write_bytes(b"")
    log_in(page, server, "controller", "demo-controller")
    page.goto(server + "/datakilder/indlaes/")
    page.get_by_label("Fil", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Vis rækkerne").click()
    page.get_by_role("alert").wait_for()
    assert page.get_by_role("cell", name="en fil med en overskrift og rækker under den; filen er tom").is_visible()
    screenshot(page, "sources-refused")
    assert serious_violations(page) == []
