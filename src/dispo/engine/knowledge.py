"""The ledger as it looked on a past day: what a forecast made that day could have known.

The canonical ledger holds each grant as it is known today. To replay a forecast made on day d, three things
must be taken back to d: grants decided after d were unknown; an end registered after d was unknown (the grant
ran "until further notice" as far as anyone knew); payments booked after d had not been booked. The table
`known` (docs/data-formats.md, known.csv) holds, per grant, the day it entered the ledger (`known_on`: the
decision, or for an expected grant its registration) and the day its end became known (`end_known_on`).

A grant without a row in `known` counts as known from its start, and its end from the end date itself: the
latest a caseworker could have registered it without paying too much. An expected grant without a row counts as
known all along (`known_on` empty): an expectation is registered before its start, and nothing tells when.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import polars as pl

from dispo.engine.periods import Frame, lazy

KNOWN: dict[str, type[pl.DataType] | pl.DataType] = {
    "grant_id": pl.String,
    "known_on": pl.Date,
    "end_known_on": pl.Date,
}
"""known.csv: per grant the day it entered the ledger and the day its end became known (empty: not yet)."""


class KnownLedger(NamedTuple):
    """The tables the forecast reads, as they stood on one day."""

    grants: pl.LazyFrame
    payments: pl.LazyFrame
    rates: pl.LazyFrame


def with_knowledge(grants: Frame, known: Frame) -> pl.LazyFrame:
    """The grants with `known_on`, `end_known_on` and `open_type` (the end was not known at the decision).

    Missing dates follow the module's rule: known from the start, the end known on the end date itself.
    """
    return (
        lazy(grants)
        .join(lazy(known).select(list(KNOWN)), on="grant_id", how="left", maintain_order="left")
        .with_columns(
            known_on=pl.coalesce("known_on", pl.when(pl.col("status") != "forventet").then(pl.col("start"))),
            end_known_on=pl.when(pl.col("end").is_not_null()).then(pl.coalesce("end_known_on", "end")),
        )
        .with_columns(
            open_type=pl.col("end_known_on").is_null() | (pl.col("end_known_on") > pl.col("known_on")).fill_null(True),
        )
    )


def as_known_on(grants: Frame, payments: Frame, rates: Frame, known: Frame, day: date) -> KnownLedger:
    """The grants decided (or registered as expected) by `day`, with an end not yet known on `day` removed;
    the payments booked by `day`; the rate changes valid from `day` or before.

    The grants keep the columns of `grants` plus those of `with_knowledge`, and a grant whose end is hidden is
    `bevilget` again (an ended one was still running as far as the ledger knew).
    """
    on = pl.lit(day)
    end_known = pl.col("end_known_on") <= on
    visible = (
        with_knowledge(grants, known)
        .filter(pl.col("known_on").is_null() | (pl.col("known_on") <= on))
        .with_columns(
            end=pl.when(end_known).then(pl.col("end")),
            status=pl.when((pl.col("status") == "afsluttet") & ~end_known.fill_null(False))
            .then(pl.lit("bevilget"))
            .otherwise(pl.col("status")),
        )
    )
    ids = visible.select("grant_id")
    return KnownLedger(
        grants=visible,
        payments=lazy(payments).filter(pl.col("booked_on") <= on).join(ids, on="grant_id", how="semi"),
        rates=lazy(rates).filter(pl.col("valid_from") <= on).join(ids, on="grant_id", how="semi"),
    )
