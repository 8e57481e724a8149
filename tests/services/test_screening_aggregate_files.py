"""The aggregate file: written without any person-level field or cell under 5, read back with every problem
named by file, row, column and value, and imported all or nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispo.domain.screening import first_question_set
from dispo.services.canonical import InvalidData
from dispo.services.screening.aggregate import (
    COLUMNS,
    CannotExport,
    answer_rows,
    build_aggregate,
    import_aggregates,
    read_aggregate,
    to_csv,
)
from dispo.services.screening.consortium import hypothesis_report, load, region_table
from dispo.services.screening.synth import CONSORTIUM, consortium_files, draw_answers
from dispo.store.screening.models import ConsortiumFile

DATA = Path(__file__).parent.parent / "data" / "screening"
GOOD = (DATA / "odense-461.csv").read_text(encoding="utf-8")


def bad(text: str) -> list[str]:
    with pytest.raises(InvalidData) as refused:
        read_aggregate("fil.csv", text.encode("utf-8"))
    return [str(p) for p in refused.value.problems]


def replaced(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def aggregate_of(people: int, seed: int) -> str:
    questions = first_question_set()
    rng = np.random.default_rng(seed)
    registrations = [
        (str(n), draw_answers(rng, questions) | {"notes": f"Borger {n} bor på Egely"}) for n in range(people)
    ]
    answers = answer_rows(registrations, questions)
    return to_csv(build_aggregate("461", 2025, questions, answers, people, 20_000, 3))


@settings(max_examples=40, deadline=None)
@given(people=st.integers(min_value=5, max_value=80), seed=st.integers(min_value=0, max_value=10_000))
def test_no_exported_aggregate_has_a_cell_under_five_or_a_person_level_field(people: int, seed: int) -> None:
    text = aggregate_of(people, seed)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS  # no column beyond the documented ones: no CPR, id, date, amount, text
    assert all(int(row["count"]) >= 5 for row in rows)
    assert "notes" not in {row["question"] for row in rows}  # free text never leaves
    assert "Egely" not in text
    assert {row["municipality"] for row in rows} == {"461"}
    # 3 citizens in residential care is under 5: the total is left out rather than shown.
    assert "residential_care" not in {row["question"] for row in rows}
    read_aggregate("fil.csv", text.encode("utf-8"))  # and a coordinator accepts it


def test_fewer_than_five_screened_cannot_be_exported() -> None:
    questions = first_question_set()
    with pytest.raises(CannotExport, match="mindst 5"):
        build_aggregate("461", 2025, questions, answer_rows([], questions), 4, 20_000, 100)


def test_a_good_file_is_read_with_its_totals_and_cells() -> None:
    found = read_aggregate("odense-461.csv", GOOD.encode("utf-8"))
    assert (found.municipality, found.year, found.question_set) == ("461", 2025, 1)
    assert found.totals == {"screened": 10, "inhabitants_18_66": 20_000, "residential_care": 160}
    assert found.answers.height == 7


def test_a_cell_under_five_is_refused_with_its_row_column_and_value() -> None:
    assert bad(replaced("provider_type,privat,5", "provider_type,privat,3")) == [
        "fil.csv, række 7, kolonne 'count': værdien '3' — forventede mindst 5: en samlet fil må ikke vise en celle "
        "under 5 borgere"
    ]


def test_every_problem_of_a_file_is_listed_at_once() -> None:
    text = replaced("461,2025,1,answer,age,18-25,5", "462,2025,1,answer,age,18-25,fem")
    text = text.replace("total,residential_care,,160", "summary,residential_care,,160")
    text = text.replace(
        "dispo-screening-aggregate,1,461,2025,1,answer,court_sentence",
        "dispo-screening-aggregate,2,461,2025,1,answer,court_sentence",
    )
    problems = bad(text)
    assert "fil.csv, række 4, kolonne 'record': værdien 'summary' — forventede total eller answer" in problems
    assert (
        "fil.csv, række 5, kolonne 'municipality': værdien '462' — forventede en kommunekode fra listen over de 98 "
        "kommuner" in problems
    )
    assert "fil.csv, række 5, kolonne 'count': værdien 'fem' — forventede et helt antal" in problems
    assert "fil.csv, række 11, kolonne 'format_version': værdien '2' — forventede formatversion 1" in problems
    assert len(problems) == 4


def test_a_file_for_two_municipalities_or_with_an_unknown_header_is_refused() -> None:
    assert bad(replaced("461,2025,1,answer,age,18-25", "157,2025,1,answer,age,18-25")) == [
        "fil.csv, række 5, kolonne 'municipality': værdien '157' — forventede det samme som i række 2 (461): "
        "én kommune og ét år pr. fil"
    ]
    problems = bad(GOOD.replace("question,answer,count", "question,answer,count,cpr", 1))
    assert problems[0].startswith("fil.csv, række 1: værdien 'format,format_version,municipality")
    assert problems[0].endswith("forventede overskriften " + ",".join(COLUMNS))


def test_a_count_above_the_screened_and_a_missing_total_are_refused() -> None:
    assert bad(replaced("answer,long_term_residential,ja,10", "answer,long_term_residential,ja,11")) == [
        "fil.csv, kolonne 'count': værdien '11' — forventede højst 10 (de screenede) for long_term_residential=ja"
    ]
    assert bad("\n".join(line for line in GOOD.splitlines() if ",screened," not in line)) == [
        "fil.csv, kolonne 'question' — forventede en total-række for screened"
    ]


def test_a_file_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(InvalidData, match="UTF-8"):
        read_aggregate("fil.csv", "Ærø".encode("utf-16"))


def files() -> list[tuple[str, bytes]]:
    return [(path.name, path.read_bytes()) for path in sorted(DATA.glob("*.csv"))]


@pytest.mark.django_db
def test_importing_the_files_twice_stores_each_municipality_once() -> None:
    import_aggregates(files(), "koordinator")
    import_aggregates(files(), "koordinator")
    assert sorted(ConsortiumFile.objects.values_list("municipality", flat=True)) == ["157", "461", "561"]
    overall = region_table(load(2025)).row(-1, named=True)
    assert (overall["screened"], overall["inhabitants_18_66"]) == (28, 60_000)


@pytest.mark.django_db
def test_one_bad_file_among_good_ones_imports_nothing() -> None:
    broken = ("broken.csv", GOOD.replace(",10\n", ",4\n", 1).encode("utf-8"))
    with pytest.raises(InvalidData) as refused:
        import_aggregates([*files(), broken], "koordinator")
    assert {p.file for p in refused.value.problems} == {"broken.csv"}
    assert not ConsortiumFile.objects.exists()


@pytest.mark.django_db
def test_two_files_for_the_same_municipality_and_year_are_refused() -> None:
    with pytest.raises(InvalidData, match=r"én fil pr\. kommune og år"):
        import_aggregates([("a.csv", GOOD.encode()), ("b.csv", GOOD.encode())], "koordinator")


@pytest.mark.django_db
def test_the_synthetic_consortium_imports_and_tests_all_ten_hypotheses() -> None:
    made = consortium_files(2025, seed=1)
    assert len(made) == len(CONSORTIUM) == 10
    assert made == consortium_files(2025, seed=1)  # deterministic
    import_aggregates([(name, text.encode()) for name, text in made.items()], "koordinator")
    report = hypothesis_report(load(2025))
    assert [r.hypothesis.number for r in report] == list(range(1, 11))
    assert all(r.reading in ("støtter", "svækker", "uafklaret") for r in report)
