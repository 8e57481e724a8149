"""Importing Danmarks Statistik's FOLK1A population table and counting the inhabitants of an age group."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dispo.services.canonical import InvalidData
from dispo.services.population import import_folk1a, inhabitants, load_demo_population, population_by_year
from dispo.store.population.models import Population

pytestmark = pytest.mark.django_db

SMALL = Path(__file__).parents[1] / "data" / "population" / "folk1a-small.csv"
HEADER = '"FOLK1A: Befolkningen den 1. i kvartalet efter område, alder og tid"\nOMRÅDE;ALDER;TID;INDHOLD\n'


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "folk1a.csv"
    path.write_text(text, encoding=encoding)
    return path


def refusal(path: Path) -> list[str]:
    with pytest.raises(InvalidData) as error:
        import_folk1a(path)
    return [str(p) for p in error.value.problems]


def test_the_small_file_stores_one_count_per_municipality_quarter_age_and_sex() -> None:
    result = import_folk1a(SMALL)
    # 16 data rows; the "I alt" row of 18-year-olds is skipped because men and women are there, and the
    # "Alder i alt" row because every age is there: 8 + 4 counts in 999, 2 in 998.
    assert (result.rows, result.cells) == (16, 14)
    assert result.municipalities == ("998", "999")
    assert result.quarters == ("2025K1", "2025K2")
    assert Population.objects.get(municipality="999", year=2025, quarter=1, age=18, sex="K").count == 22
    assert Population.objects.filter(sex="").count() == 0


def test_inhabitants_of_an_age_group_are_the_mean_of_the_years_stored_quarters() -> None:
    import_folk1a(SMALL)
    # Aged 18-66 in 999: 2025K1 = 20 + 22 + 30 + 31 = 103; 2025K2 = 24 + 26 + 30 + 30 = 110; mean 106.5.
    assert inhabitants("999", 2025, 18, 66) == 106.5
    # All ages: K1 = 10 + 12 + 103 + 40 + 41 = 206, K2 = 110; mean 158.
    assert inhabitants("999", 2025) == 158.0
    # 998 has only its first quarter: 7 + 8.
    assert inhabitants("998", 2025, 18, 66) == 15.0
    assert inhabitants("999", 2024, 18, 66) is None
    assert population_by_year("999", 67, 67) == {2025: 81.0}


def test_importing_the_same_file_twice_changes_nothing() -> None:
    import_folk1a(SMALL)
    before = sorted(Population.objects.values_list("municipality", "year", "quarter", "age", "sex", "count"))
    import_folk1a(SMALL)
    after = sorted(Population.objects.values_list("municipality", "year", "quarter", "age", "sex", "count"))
    assert before == after


def test_a_revised_download_replaces_the_quarters_it_brings_and_keeps_the_others(tmp_path: Path) -> None:
    import_folk1a(SMALL)
    import_folk1a(write(tmp_path, HEADER + "999 Eksempel Kommune;18 år;2025K2;60\n"))
    # K2 now holds one count for both sexes together (60); K1 stays 103: (103 + 60) / 2.
    assert inhabitants("999", 2025, 18, 66) == 81.5
    assert inhabitants("998", 2025) == 15.0


def test_a_file_split_by_marital_status_is_summed_without_its_total_rows(tmp_path: Path) -> None:
    text = (
        "OMRÅDE;ALDER;CIVILSTAND;TID;INDHOLD\n"
        "999 Eksempel Kommune;30 år;I alt;2025K1;9\n"
        "999 Eksempel Kommune;30 år;Ugift;2025K1;5\n"
        "999 Eksempel Kommune;30 år;Gift/separeret;2025K1;4\n"
    )
    import_folk1a(write(tmp_path, text))
    assert inhabitants("999", 2025, 30, 30) == 9.0  # 5 + 4, the total row of 9 not counted again


def test_a_windows_1252_download_is_read(tmp_path: Path) -> None:
    import_folk1a(write(tmp_path, HEADER + "999 Eksempel Kommune;18 år;2025K1;5\n", encoding="cp1252"))
    assert inhabitants("999", 2025) == 5.0


def test_a_missing_column_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    import_folk1a(SMALL)
    problems = refusal(write(tmp_path, "FOLK1A\nOMRÅDE;TID;INDHOLD\n999 Eksempel Kommune;2025K1;5\n"))
    assert problems == ["folk1a.csv, række 2, kolonne 'ALDER' — forventede kolonnen (den mangler i overskriften)"]
    assert Population.objects.count() == 14


def test_a_count_that_is_not_a_number_is_refused_with_row_column_and_value(tmp_path: Path) -> None:
    problems = refusal(
        write(tmp_path, HEADER + "999 Eksempel Kommune;18 år;2025K1;5\n999 Eksempel Kommune;19 år;2025K1;..\n")
    )
    assert problems == [
        "folk1a.csv, række 4, kolonne 'INDHOLD': værdien '..' — forventede et antal indbyggere (et helt tal ≥ 0)"
    ]
    assert Population.objects.count() == 0


def test_a_quarter_written_the_english_way_is_refused(tmp_path: Path) -> None:
    problems = refusal(write(tmp_path, HEADER + "999 Eksempel Kommune;18 år;2025Q1;5\n"))
    assert problems == [
        "folk1a.csv, række 3, kolonne 'TID': værdien '2025Q1' — forventede et kvartal på formen ÅÅÅÅKn, fx 2025K1"
    ]


def test_every_bad_value_of_a_file_is_listed_at_once(tmp_path: Path) -> None:
    text = HEADER + "Eksempel Kommune;18 år;2025K1;5\n999 Eksempel Kommune;130 år;2025K5;-3\n"
    problems = refusal(write(tmp_path, text))
    assert [p.split(" — ")[0] for p in problems] == [
        "folk1a.csv, række 3, kolonne 'OMRÅDE': værdien 'Eksempel Kommune'",
        "folk1a.csv, række 4, kolonne 'ALDER': værdien '130 år'",
        "folk1a.csv, række 4, kolonne 'INDHOLD': værdien '-3'",
        "folk1a.csv, række 4, kolonne 'TID': værdien '2025K5'",
    ]


def test_the_same_cell_twice_is_refused(tmp_path: Path) -> None:
    row = "999 Eksempel Kommune;18 år;2025K1;5\n"
    problems = refusal(write(tmp_path, HEADER + row + row))
    assert problems[0].startswith("folk1a.csv, række 3, kolonne 'TID'")
    assert len(problems) == 2


def test_a_file_in_another_encoding_is_refused_with_what_was_expected(tmp_path: Path) -> None:
    problems = refusal(write(tmp_path, HEADER + "999 Eksempel Kommune;18 år;2025K1;5\n", encoding="utf-16"))
    assert problems == [
        "folk1a.csv — forventede en tekstfil i UTF-8 eller Windows-1252 (Statistikbankens CSV-download, "
        "semikolonsepareret)"
    ]


def test_a_file_without_the_folk1a_columns_is_refused(tmp_path: Path) -> None:
    problems = refusal(write(tmp_path, "grant_id,citizen_id\ng1,c1\n"))
    assert "OMRÅDE;ALDER;TID;INDHOLD" in problems[0]


def test_the_demo_population_has_about_95000_inhabitants_in_every_quarter_up_to_today(tmp_path: Path) -> None:
    result = load_demo_population(tmp_path, date(2025, 8, 15))
    assert result.quarters[0] == "2023K1"
    assert result.quarters[-1] == "2025K3"
    assert len(result.quarters) == 11
    assert 95_000 <= inhabitants("999", 2023) <= 96_000  # type: ignore[operator]
    share = inhabitants("999", 2025, 18, 66) / inhabitants("999", 2025)  # type: ignore[operator]
    assert 0.55 < share < 0.65


def test_the_example_file_imports(tmp_path: Path) -> None:
    result = import_folk1a(Path(__file__).parents[2] / "examples" / "folk1a-eksempel-kommune.csv")
    assert (result.rows, result.municipalities) == (1512, ("999",))
