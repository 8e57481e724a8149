"""When each synthetic grant became known: known.csv, beside the canonical tables.

A forecast replayed on a past day may use only what the ledger knew then (`engine.knowledge`). Decisions come
some days or weeks before the start, a few after it (an acute placement is decided once the citizen is in).
An end is known from the decision when the grant is time-limited; for a grant "until further notice" it is
registered around the day it happens, most often some weeks after. Nothing is known after `today`. The draws
use a stream of their own, so the other tables stay the same with or without this file.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from .grants import EXPECTED, SEG_ONE_OFF, SEG_OPEN
from .timeline import ADVANCE_DAYS, Timeline, day_number

LATE_DECISION_SHARE = 0.15
"""Grants decided after their start (retroactively), up to LATE_DECISION_DAYS later."""
LATE_DECISION_DAYS = 21
END_REGISTERED = (-14, 45)
"""An open end is registered between two weeks before and six weeks after the last day (uniform)."""
EXPECTED_REGISTERED_DAYS = 60
"""An expected grant was registered within this many days before today."""
STREAM = 101
"""The random stream of these draws (see `world.build`)."""


def known_dates(rng: np.random.Generator, grants: pl.DataFrame, tl: Timeline) -> pl.DataFrame:
    """known.csv rows (grant_id, known_on, end_known_on) for the internal grants frame of `world.build`."""
    n = grants.height
    today = day_number(tl.today)
    seg = grants["seg"].to_numpy()
    start = grants["start"].cast(pl.Int32).to_numpy().astype(np.int64)
    end = grants["end"].cast(pl.Int32).fill_null(-1).to_numpy().astype(np.int64)
    late = rng.random(n) < LATE_DECISION_SHARE
    lead = np.where(late, -rng.integers(1, LATE_DECISION_DAYS + 1, n), rng.integers(0, ADVANCE_DAYS + 1, n))
    known = start - lead
    expected = grants["origin"].to_numpy() == EXPECTED
    known = np.where(expected, today - rng.integers(0, EXPECTED_REGISTERED_DAYS + 1, n), known)
    known = np.minimum(known, today)

    has_end = end >= 0
    ended = has_end & (end < today)
    open_type = ended & ~SEG_ONE_OFF[seg] & ~expected & (rng.random(n) < SEG_OPEN[seg])
    registered = end + rng.integers(END_REGISTERED[0], END_REGISTERED[1] + 1, n)
    end_known = np.where(open_type, np.clip(registered, known, today), known)
    return pl.DataFrame(
        {
            "grant_id": grants["grant_id"],
            "known_on": known.astype(np.int32),
            "end_known_on": np.where(has_end, end_known, -1).astype(np.int32),
        }
    ).with_columns(
        pl.col("known_on").cast(pl.Date),
        pl.when(pl.col("end_known_on") >= 0).then(pl.col("end_known_on")).cast(pl.Date).alias("end_known_on"),
    )
