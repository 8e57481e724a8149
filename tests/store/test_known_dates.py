"""known.csv: a bad file is refused whole with every problem named and changes nothing; a good one stored twice
changes nothing the second time; the stored dates load back as the engine's table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support.world import write_world

from dispo.services.canonical import InvalidData
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.store.knowledge.loading import import_known, load_known
from dispo.store.knowledge.models import KnownDates

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(tmp_path: Path) -> None:
    import_ledger(Ledger.from_folder(write_world(tmp_path / "world")), user="test", reason="Import")


def known_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "known.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_good_file_is_stored_and_a_second_import_changes_nothing(ledger: None, tmp_path: Path) -> None:
    path = known_file(
        tmp_path,
        "grant_id,known_on,end_known_on",
        "g1,2024-12-10,",
        "g2,2025-03-15,2025-03-15",
    )
    assert import_known(path) == 2
    assert import_known(path) == 2
    assert KnownDates.objects.count() == 2
    loaded = {row["grant_id"]: row for row in load_known().to_dicts()}
    assert loaded["g1"] == {"grant_id": "g1", "known_on": date(2024, 12, 10), "end_known_on": None}
    assert loaded["g2"]["end_known_on"] == date(2025, 3, 15)


def test_a_bad_file_names_every_problem_and_changes_nothing(ledger: None, tmp_path: Path) -> None:
    import_known(known_file(tmp_path, "grant_id,known_on,end_known_on", "g1,2024-12-10,"))
    bad = known_file(
        tmp_path,
        "grant_id,known_on,end_known_on",
        "g1,2024-12-01,",
        "g9,2025-01-01,",
        "g2,15-03-2025,",
        "g3,2025-03-15,2025-03-01",
        "g1,2024-12-02,",
    )
    with pytest.raises(InvalidData) as refused:
        import_known(bad)
    found = {(p.row, p.column, p.value) for p in refused.value.problems}
    assert (3, "grant_id", "g9") in found  # not a grant of the ledger
    assert (4, "known_on", "15-03-2025") in found  # not an ISO date
    assert (5, "end_known_on", "2025-03-01") in found  # an end known before the grant
    assert (2, "grant_id", "g1") in found  # twice: the first …
    assert (6, "grant_id", "g1") in found  # … and the second
    message = str(refused.value)
    assert "known.csv, række 4, kolonne 'known_on': værdien '15-03-2025' — forventede en dato ÅÅÅÅ-MM-DD" in message
    assert "intet er indlæst" in message
    assert [row["known_on"] for row in load_known().to_dicts()] == [date(2024, 12, 10)]


def test_a_file_without_the_known_on_column_is_refused(ledger: None, tmp_path: Path) -> None:
    with pytest.raises(InvalidData) as refused:
        import_known(known_file(tmp_path, "grant_id,decided", "g1,2025-01-01"))
    assert {(p.column, p.expected) for p in refused.value.problems} == {
        ("known_on", "kolonnen (den mangler i overskriften)"),
        ("decided", "kun kolonnerne grant_id, known_on, end_known_on"),
    }
