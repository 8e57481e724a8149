"""The provider list per paragraph on the hand-worked world of tests/data/mi (Varde's § 108 layout)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dispo.services.ledger import Ledger
from dispo.services.mi.provider_list import (
    groups_shown,
    paragraph_index,
    provider_download,
    provider_rows,
    provider_summary,
    provider_table,
)
from dispo.services.reports import ledger_frame

WORLD = Path(__file__).parents[1] / "data" / "mi"
LABELS = {"total": "Total", "vat_net": "Momsafløftet", "average": "Gennemsnit", "fte": "Årsværk"}


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return Ledger.from_folder(WORLD)


@pytest.fixture(scope="module")
def grants(ledger: Ledger) -> pl.DataFrame:
    return ledger_frame(ledger, 2025, date(2025, 6, 30), "999").collect()


@pytest.fixture(scope="module")
def rows(ledger: Ledger, grants: pl.DataFrame) -> pl.DataFrame:
    return provider_rows(grants, ledger["citizens"], ledger["providers"], "SEL108", 2025)


def test_rows_are_ordered_private_other_own(rows: pl.DataFrame) -> None:
    assert rows.select("grant_id", "group").rows() == [
        ("g1", "privat"),
        ("g2", "andre"),
        ("g9", "andre"),
        ("g11", "andre"),
        ("g4", "egen"),
    ]


def test_the_period_is_the_grants_within_the_year(rows: pl.DataFrame) -> None:
    periods = {r["grant_id"]: (r["period_start"], r["period_end"]) for r in rows.to_dicts()}
    assert periods["g1"] == (date(2025, 1, 1), date(2025, 12, 31))  # from 2024, open
    assert periods["g2"] == (date(2025, 1, 1), date(2025, 6, 30))
    assert periods["g9"] == (date(2025, 3, 15), date(2025, 3, 15))  # a one-off: its date


def test_the_unit_price_is_the_amount_per_aarsvaerk(rows: pl.DataFrame) -> None:
    prices = dict(rows.select("grant_id", "unit_price").rows())
    assert prices["g2"] == pytest.approx(543_000 / (181 / 365))  # = 1,095,000 = 3,000 × 365
    assert prices["g11"] == pytest.approx(876_000)
    assert prices["g9"] is None  # a one-off has no årsværk
    assert rows.filter(pl.col("grant_id") == "g1")["vat_net"].item() == pytest.approx(2_920_000 * 0.95)


def test_the_type_average_divides_the_types_amount_by_its_aarsvaerk(rows: pl.DataFrame) -> None:
    summary = provider_summary(rows)
    # (543,000 + 10,000 + 441,600) / (181/365 + 0 + 184/365) = 994,600 — not the rows' mean, 985,500.
    assert summary["average"]["andre"] == pytest.approx(994_600)
    assert summary["fte"]["andre"] == pytest.approx(1.0)
    assert summary["total"] == pytest.approx(
        {"privat": 2_920_000, "andre": 994_600, "egen": 730_000, "ingen": None, "all": 4_644_600}
    )
    assert summary["vat_net"]["privat"] == pytest.approx(2_774_000)
    assert summary["vat_net"]["all"] == pytest.approx(4_498_600)
    assert summary["fte"]["all"] == pytest.approx(3.0)


def test_the_unit_price_stands_in_the_column_of_its_provider_type(rows: pl.DataFrame) -> None:
    table = provider_table(rows)
    assert [c for c in table.columns if c.startswith("price_")] == ["price_privat", "price_andre", "price_egen"]
    g2 = table.filter(pl.col("grant_id") == "g2").row(0, named=True)
    assert (g2["price_privat"], g2["price_andre"], g2["price_egen"]) == (None, pytest.approx(1_095_000), None)


def test_a_column_for_grants_without_provider_appears_only_when_there_are_any(rows: pl.DataFrame) -> None:
    assert groups_shown(rows) == ["privat", "andre", "egen"]
    without = rows.with_columns(group=pl.when(pl.col("grant_id") == "g4").then(pl.lit("ingen")).otherwise("group"))
    assert groups_shown(without) == ["privat", "andre", "egen", "ingen"]


def test_the_download_ends_with_the_summary_lines_in_the_type_columns(rows: pl.DataFrame) -> None:
    table = provider_download(rows, LABELS)
    lines = table.tail(4)
    assert lines["grant_id"].to_list() == ["Total", "Momsafløftet", "Gennemsnit", "Årsværk"]
    assert lines["price_andre"].to_list() == pytest.approx([994_600, 994_600, 994_600, 1.0])
    # The summary lines leave amount and årsværk empty, so those columns still sum to the grants.
    assert table["forecast"].sum() == pytest.approx(4_644_600)
    assert table["fte"].sum() == pytest.approx(3.0)


def test_the_index_lists_the_paragraphs_in_catalogue_order(grants: pl.DataFrame) -> None:
    index = paragraph_index(grants)
    assert index["paragraph"].to_list() == ["SEL85", "SEL107", "SEL108", "SUL141", "BL46"]
    sel108 = index.filter(pl.col("paragraph") == "SEL108").row(0, named=True)
    assert (sel108["label"], sel108["grants"], sel108["citizens"]) == ("SEL § 108 Længerevarende botilbud", 5, 4)
    assert sel108["avg_price"] == pytest.approx(4_644_600 / 3)
