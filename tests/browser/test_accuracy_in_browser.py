"""Prognosens træfsikkerhed in a real Chromium on a synthetic demo municipality with its known dates: the
outlook, the chart and the back-test tables are there, and axe finds nothing serious."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from support.screens import log_in, screenshot

from dispo.services.demo import create_demo_users
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.services.synth import write_world
from dispo.store.knowledge.loading import import_known

axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = date(2026, 11, 25)
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def server(live_server: Any, tmp_path: Path) -> str:
    folder = tmp_path / "demo"
    write_world("demo", 1, folder, today=TODAY)
    import_ledger(Ledger.from_folder(folder), user="test", reason="Import")
    import_known(folder / "known.csv")
    create_demo_users()
    return str(live_server.url)


def test_a_leader_reads_the_outlook_and_last_years_backtest(page: Any, server: str) -> None:
    log_in(page, server, "leder", "demo-leder")
    page.goto(server + "/rapporter/")
    page.get_by_role("link", name="Prognosens træfsikkerhed").click()
    page.goto(server + f"/rapporter/traefsikkerhed/?aar=2026&dato={TODAY.isoformat()}")
    assert page.get_by_role("heading", name="Forventet resultat 2026").is_visible()
    assert page.get_by_role("heading", name="Genspillet 2025: fejl pr. måned").is_visible()
    assert page.get_by_role("img", name="Prognosefejl pr. måned 2025").is_visible()
    assert page.get_by_role("row", name="31-03-2025").is_visible()
    screenshot(page, "accuracy")
    results = axe_playwright.Axe().run(page, options=WCAG_21_AA)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
