"""Test set-up shared by every layer.

Tests that touch the database carry the `postgres` marker automatically, so `pytest -m postgres` with
DISPO_DATABASE_URL=postgresql://… runs exactly them against PostgreSQL. Without a reachable server they are
skipped with a message, unless DISPO_REQUIRE_POSTGRES=1, which turns that into a failure (as CI sets it).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import pytest


def _postgres_problem() -> str | None:
    """Why the configured PostgreSQL cannot be used, or None when it can (or none is configured)."""
    url = os.environ.get("DISPO_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    import psycopg

    from dispo.web.settings import database_from_url

    db = database_from_url(url)
    try:
        psycopg.connect(
            dbname="postgres",
            user=db["USER"],
            password=db["PASSWORD"],
            host=db["HOST"],
            port=db["PORT"],
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as error:
        return f"PostgreSQL at {db['HOST']}:{db['PORT']} is not reachable ({error})"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    problem = _postgres_problem()
    if problem and os.environ.get("DISPO_REQUIRE_POSTGRES") == "1":
        raise pytest.UsageError(f"{problem}, and DISPO_REQUIRE_POSTGRES=1 requires it")
    for item in items:
        uses_db = item.get_closest_marker("django_db") or {
            "db",
            "transactional_db",
            "client",
            "admin_client",
        } & set(getattr(item, "fixturenames", ()))
        if uses_db:
            item.add_marker(pytest.mark.postgres)
            if problem:
                item.add_marker(pytest.mark.skip(reason=f"{problem}: skipping the database tests"))


@pytest.fixture(autouse=True)
def _fresh_ledger_cache() -> None:
    """Each test starts without cached ledgers from another test's database."""
    current = sys.modules.get("dispo.services.current")
    if current is not None:
        current.clear()
    if "django.core.cache" in sys.modules:
        sys.modules["django.core.cache"].cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Logging in is not what the tests measure: a fast hasher saves seconds per test that logs in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
