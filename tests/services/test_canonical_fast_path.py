"""A clean canonical file is read straight into its types; the result must equal the full check's."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from support.world import write_world

from dispo.engine.schema import TABLES
from dispo.services import canonical
from dispo.services.synth import write_world as write_synthetic_world


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    tiny = write_world(tmp_path_factory.mktemp("tiny"))
    synthetic = tmp_path_factory.mktemp("synth")
    write_synthetic_world("demo", 3, synthetic)
    return [tiny, synthetic]


@pytest.mark.parametrize("table", list(TABLES))
def test_the_typed_read_of_a_clean_file_equals_the_full_check(
    worlds: list[Path], table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for folder in worlds:
        path = folder / f"{table}.csv"
        if not path.exists():
            continue
        fast = canonical.read_table(path, table)
        assert canonical._clean(path, table) is not None, "a clean file takes the typed read"
        with monkeypatch.context() as patched:
            patched.setattr(canonical, "_clean", lambda _path, _table: None)
            full = canonical.read_table(path, table)
        assert fast.equals(full), f"{folder.name}/{table}.csv"


def test_a_file_with_a_problem_falls_back_to_the_full_check_that_names_it(tmp_path: Path) -> None:
    path = write_world(tmp_path / "world") / "grants.csv"
    frame = pl.read_csv(path, infer_schema=False)
    frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("hverdag")).otherwise("price_basis").alias("price_basis")
    ).write_csv(path)
    assert canonical._clean(path, "grants") is None
    with pytest.raises(canonical.InvalidData) as refused:
        canonical.read_table(path, "grants")
    assert [(p.row, p.column, p.value) for p in refused.value.problems] == [(2, "price_basis", "hverdag")]
