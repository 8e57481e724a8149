"""The ottetals-kontrol on three tiny exports (tests/data/sources) whose counts and amounts are worked out by hand.

Window January-March 2025 (the months the settlement and finance exports cover).
Case system (fagsystem.csv), decided grants:
  c1 SEL108 p1 1,000 kr./day from 2025-01-01, open      → 90 days × 1,000 = 90,000
  c2 SEL85  p2 10 h/week × 350 kr. 2025-01-01..03-31    → 90 days × 500 = 45,000
  c3 SEL108 p1 1,000 kr./day from 2025-01-01, open      → 90,000 (neither settled nor booked)
  c4 SEL107 p3 700 kr./day 2025-02-01..03-31            → 59 days × 700 = 41,300
  (c1's expected grant g9 is no line: no other system can know it.)
Settlement system (afregning.csv): c1 Jan-Mar 90,000; c2 Jan-Mar 45,000; c4 at provider p4 Feb-Mar
  19,600 + 21,700 = 41,300; c5 SEL85 Jan 5,000 (no grant); one row with the unknown paragraph "§ 999" (a problem).
Finance system (oekonomi.csv): c1 5.38.50 Jan-Mar 90,000; c2 5.38.38 Jan-Mar 45,000; c4 5.38.52 Feb 19,600;
  10,000 on 5.38.38 without CPR; 1,000 on 6.45.51 (not the social area).
Keys in pairs with the finance system: SEL108 (5.38.50 is its own), SEL107 (5.38.52), and 5.38.38 for SEL85
(the function is shared by several paragraphs).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dispo.services import reconciling, sources
from dispo.services.source_lines import Window

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parents[1] / "data" / "sources"
Q1 = Window(date(2025, 1, 1), date(2025, 3, 31))
COUNTS = ("only_in_a", "only_in_b", "differs_from_a", "differs_from_b", "equal_a", "equal_b")


def store_all() -> dict[str, pl.DataFrame]:
    for profile, name in (("nexus", "fagsystem.csv"), ("boern-og-voksne", "afregning.csv"), ("prisme", "oekonomi.csv")):
        path = DATA / name
        sources.store_extract(sources.read_extract(profile, path), path, user="test")
    return sources.current_lines()


def counts(a: str, b: str, lines: dict[str, pl.DataFrame]) -> dict[str, tuple[int, ...]]:
    summary = reconciling.compare(a, lines[a], b, lines[b], Q1).summary
    return {row["paragraph"]: tuple(row[c] for c in COUNTS) for row in summary.iter_rows(named=True)}


def test_case_against_settlement_per_paragraph() -> None:
    # only in a, only in b, differs from a, differs from b, equal a, equal b
    assert counts("case", "settlement", store_all()) == {
        "SEL107": (0, 0, 1, 1, 0, 0),  # c4: provider p3 against p4
        "SEL108": (1, 0, 0, 0, 1, 1),  # c3 not settled; c1 equal
        "SEL85": (0, 1, 0, 0, 1, 1),  # c5 settled without a grant; c2 equal
    }


def test_case_against_finance_per_key() -> None:
    assert counts("case", "finance", store_all()) == {
        "5.38.38": (0, 0, 0, 0, 1, 1),  # c2: 45,000 Jan-Mar on both sides
        "SEL107": (0, 0, 1, 1, 0, 0),  # c4: 41,300 Feb-Mar against 19,600 Feb
        "SEL108": (1, 0, 0, 0, 1, 1),  # c3 never booked
    }


def test_settlement_against_finance_per_key() -> None:
    assert counts("settlement", "finance", store_all()) == {
        "5.38.38": (1, 0, 0, 0, 1, 1),  # c5's 5,000 is not booked on the citizen
        "SEL107": (0, 0, 1, 1, 0, 0),
        "SEL108": (0, 0, 0, 0, 1, 1),
    }


def test_each_count_opens_to_its_rows_and_says_what_differs() -> None:
    lines = store_all()
    comparison = reconciling.compare("case", lines["case"], "finance", lines["finance"], Q1)
    differs = comparison.lines.filter(pl.col("category") == "differs_from_a").row(0, named=True)
    assert (differs["cpr_masked"], differs["differs"], differs["rows"]) == ("650575-XXXX", "end,rate", [5])
    assert (differs["rate"], differs["rate_other"]) == (pytest.approx(41_300.0), pytest.approx(19_600.0))
    booked = comparison.lines.filter(pl.col("category") == "differs_from_b").row(0, named=True)
    assert booked["rows"] == [8]  # the finance export's row of voucher 1007


def test_amounts_side_by_side_per_key() -> None:
    table = reconciling.amounts(store_all(), Q1)
    found = {r["key"]: (r["granted"], r["settled"], r["booked"]) for r in table.iter_rows(named=True)}
    assert found == {
        "5.38.38": (45_000.0, 50_000.0, 55_000.0),  # settled 45,000 + c5's 5,000; booked 45,000 + 10,000 without CPR
        "6.45.51": (0.0, 0.0, 1_000.0),
        "SEL107": (pytest.approx(41_300.0), 41_300.0, 19_600.0),
        "SEL108": (180_000.0, 90_000.0, 90_000.0),  # c1 + c3 granted 2 × 90,000
    }


def test_the_same_file_twice_adds_nothing() -> None:
    path = DATA / "afregning.csv"
    first = sources.store_extract(sources.read_extract("boern-og-voksne", path), path, user="test")
    again = sources.store_extract(sources.read_extract("boern-og-voksne", path), path, user="test")
    assert (first.added, again.added, again.extract.pk) == (True, False, first.extract.pk)
    assert first.extract.lines.count() == 10


def test_a_new_extract_replaces_the_current_one_of_its_kind() -> None:
    store_all()
    path = DATA / "afregning-rettet.csv"
    stored = sources.store_extract(sources.read_extract("boern-og-voksne", path), path, user="test")
    assert sources.current_extracts()["settlement"] == stored.extract
    assert sources.current_lines()["settlement"].height == 9
