"""Page tests run on the hand-worked ledger of support/world.py, with one demo user per role."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.world import write_world

from dispo.services.demo import create_demo_users
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger


@pytest.fixture
def users(tmp_path: Path) -> dict[str, str]:
    """The tiny world imported, and the demo users' names and passwords."""
    import_ledger(Ledger.from_folder(write_world(tmp_path / "world")), user="test", reason="Import")
    return {u.username: u.password for u in create_demo_users()}
