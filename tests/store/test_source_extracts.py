"""Source extracts in the database: bad files change nothing, the quality of each import is measured.

The exports are tests/data/sources (see tests/services/test_reconciling.py for what they hold).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from dispo.services import data_quality, sources
from dispo.services.canonical import InvalidData
from dispo.store.models import Payment
from dispo.store.sources.models import QualityMeasurement, SourceExtract, SourceLine

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
DATA = Path(__file__).parents[1] / "data" / "sources"
HEADER = (DATA / "afregning.csv").read_text(encoding="utf-8").splitlines()[0]
ROWS = (DATA / "afregning.csv").read_text(encoding="utf-8").splitlines()[1:]


def store(profile: str, name: str, at: datetime | None = None, folder: Path = DATA) -> sources.Stored:
    path = folder / name
    return sources.store_extract(sources.read_extract(profile, path), path, user="test", at=at)


BAD_FILES = {
    "tom.csv": (b"", "filen er tom"),
    "kun-overskrift.csv": (HEADER.encode() + b"\n", "mindst én række under overskriften"),
    "udtraek.pdf": ("\n".join([HEADER, *ROWS]).encode(), "en CSV- eller XLSX-fil"),
    "tegn.csv": (HEADER.encode() + b"\n610265-1234;G \x81 Borger;108;p1;X;01-01-2025;;1;D;1;1,00;03-01-2025\n", "0x81"),
    "mangler.csv": ("\n".join([HEADER.replace("Beløb", "Belob"), *ROWS]).encode(), "'Beløb' i overskriften (den"),
    "to-gange.csv": (
        "\n".join([HEADER.replace("Paragraf", "Beløb"), *ROWS]).encode(),
        "kolonnen 'Beløb' én gang i overskriften; den står i kolonne 3 og 11",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_file_that_cannot_be_read_is_refused_with_a_message_and_changes_nothing(name: str, tmp_path: Path) -> None:
    content, message = BAD_FILES[name]
    store("boern-og-voksne", "afregning.csv")
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InvalidData) as refused:
        store("boern-og-voksne", name, folder=tmp_path)
    assert message in str(refused.value)
    assert refused.value.problems[0].file == name
    assert (SourceExtract.objects.count(), SourceLine.objects.count()) == (1, 10)
    assert SourceExtract.objects.get().file_name == "afregning.csv"


def test_rows_with_problems_are_kept_flagged_and_listed_by_row_column_value() -> None:
    reading = sources.read_extract("boern-og-voksne", DATA / "afregning.csv")
    (problem,) = reading.problems
    assert (problem.row, problem.column, problem.value) == (11, "Paragraf", "§ 999")
    assert "en paragraf fra kataloget" in problem.expected
    assert reading.lines.filter("problem")["row"].to_list() == [11]


def test_a_repeated_row_is_a_problem_of_that_row(tmp_path: Path) -> None:
    (tmp_path / "to-gange.csv").write_text("\n".join([HEADER, ROWS[0], ROWS[1], ROWS[0]]), encoding="utf-8")
    reading = sources.read_extract("boern-og-voksne", tmp_path / "to-gange.csv")
    assert (reading.duplicate_rows, reading.problems[0].row) == (1, 4)
    assert "magen til række 2" in reading.problems[0].expected


def test_a_failing_ledger_import_stores_no_extract() -> None:
    path = DATA / "afregning.csv"
    with pytest.raises(InvalidData):
        sources.store_extract(sources.read_extract("boern-og-voksne", path), path, user="test", into_ledger=True)
    assert (SourceExtract.objects.count(), Payment.objects.count()) == (0, 0)


def test_no_cpr_number_is_stored_only_the_pseudonym_and_the_masked_form() -> None:
    store("nexus", "fagsystem.csv")
    values = {v for line in SourceLine.objects.values() for v in line.values() if isinstance(v, str)}
    assert not any("1234" in v for v in values)
    assert "610265-XXXX" in values


def test_each_import_measures_the_quality_of_its_source() -> None:
    store("nexus", "fagsystem.csv")
    store("prisme", "oekonomi.csv")
    store("boern-og-voksne", "afregning.csv", at=datetime(2025, 4, 2, 12, tzinfo=UTC))
    store("boern-og-voksne", "afregning-rettet.csv", at=datetime(2025, 5, 2, 12, tzinfo=UTC))
    found = {(q.kind, q.measured_on.isoformat()): q for q in QualityMeasurement.objects.all()}
    case = next(q for (kind, _), q in found.items() if kind == "case")
    assert (case.rows, case.clean_rows, case.score) == (5, 4, 100.0)  # 4 decided grants, all clean; g9 expected
    before, after = found[("settlement", "2025-04-02")], found[("settlement", "2025-05-02")]
    # 10 rows: row 11 unknown paragraph (a problem), c5 not in the case system → 8 clean, 80 %
    assert (before.rows, before.problem_rows, before.unknown_paragraphs, before.unmatched_citizens) == (10, 1, 1, 1)
    assert (before.clean_rows, before.score) == (8, 80.0)
    # cleaned up: the bad row removed, 9 rows of which c5's is still unmatched → 8/9 = 88.89 %
    assert (after.rows, after.clean_rows, after.score) == (9, 8, pytest.approx(800 / 9))
    finance = next(q for (kind, _), q in found.items() if kind == "finance")
    # 9 postings: 6.45.51 is no function of the social area; two without CPR count, but are clean → 8/9
    assert (finance.unknown_paragraphs, finance.without_citizen, finance.clean_rows) == (1, 2, 8)
    assert data_quality.series().filter(kind="settlement")["score"].to_list() == [80.0, pytest.approx(800 / 9)]
