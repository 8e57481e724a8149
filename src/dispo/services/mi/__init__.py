"""Management information (ledelsesinformation): the seed's reports built on the per-grant ledger frame.

One module per report. Each takes the year's grant frame (`services.current.grant_frame`, or
`services.reports.ledger_frame` collected) and the canonical tables it needs, and returns plain Polars frames
whose rows are exactly what the page shows and the download holds. Nothing here imports Django, so every
figure is tested on frames (tests/services/test_mi_*.py, with the hand-worked world in tests/data/mi).
"""

from __future__ import annotations

import polars as pl

from dispo.engine.aggregate import SUMMARY_COLUMNS, summarise


def total(grants: pl.DataFrame) -> dict[str, object]:
    """The summary figures of all `grants` together (distinct citizens counted once, not summed per row)."""
    row = summarise(grants.with_columns(_all=pl.lit(True)), ["_all"]).collect()
    if row.is_empty():
        return dict.fromkeys(SUMMARY_COLUMNS, 0)
    return row.drop("_all").row(0, named=True)
