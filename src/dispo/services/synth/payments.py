"""What the settlement system booked: one payment per grant and service month, up to today.

A grant is paid the same way every month: in advance on the 1st of the service month, or one or two months
after it. The amount is the month's computed cost; a few are a little off, a few are wrong and corrected a month
or two later by a second row, and a few grants are paid one month too many after they stopped (a late stop),
mostly reversed later. Nothing is booked after today; expected grants have no payments.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from .costs import full_month, month_of
from .timeline import Timeline, day_number, month_index

BOOKING: dict[str, tuple[float, float, float]] = {
    "dag": (0.45, 0.40, 0.15),
    "maaned": (0.45, 0.40, 0.15),
    "aar": (0.50, 0.40, 0.10),
    "time": (0.10, 0.60, 0.30),
    "engang": (0.0, 1.0, 0.0),
}
"""Per price basis, the shares of grants paid in advance, one month after and two months after."""

NOISE_SHARE = 0.03
"""Payments a little off the computed cost (± 2 %), never corrected."""
CORRECTION_SHARE = 0.015
"""Payments 5-40 % wrong, corrected by a second row 25-70 days later."""
LATE_STOP_SHARE = 0.03
"""Ended grants paid for the month after their end."""
LATE_REVERSED_SHARE = 0.6
"""Late-stop payments reversed later."""

IntArray = npt.NDArray[np.int64]


def _month_first_day(mi: IntArray) -> IntArray:
    """Day number of the 1st of month index `mi`."""
    months = (mi - 1970 * 12).astype("datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int64)


class _Rows:
    """Payment rows as numpy columns."""

    def __init__(self, gkey: IntArray, mi: IntArray, booked: IntArray, amount: npt.NDArray[np.float64]):
        self.gkey, self.mi, self.booked, self.amount = gkey, mi, booked, amount

    def take(self, mask: npt.NDArray[Any]) -> _Rows:
        return _Rows(self.gkey[mask], self.mi[mask], self.booked[mask], self.amount[mask])


def _concat(parts: list[_Rows]) -> _Rows:
    return _Rows(*(np.concatenate([getattr(p, name) for p in parts]) for name in ("gkey", "mi", "booked", "amount")))


def payments(
    rng: np.random.Generator, grants: pl.DataFrame, rows: pl.DataFrame, levels: pl.DataFrame, tl: Timeline
) -> pl.DataFrame:
    """Payments (gkey, mi, booked_on, amount) of decided grants, booked on or before today."""
    today, today_mi = day_number(tl.today), month_index(tl.today)
    n = grants.height
    basis = grants["basis"].to_numpy()
    code = grants["basis"].replace_strict(list(BOOKING), list(range(len(BOOKING)))).to_numpy()
    cumulative = np.cumsum(np.array(list(BOOKING.values())), axis=1)[code]
    u = rng.random(n)
    pattern = (u > cumulative[:, 0]).astype(np.int64) + (u > cumulative[:, 1])
    day = rng.integers(1, 29, n)
    one_off = basis == "engang"
    start = grants["start"].cast(pl.Int32).to_numpy().astype(np.int64)

    def booked_on(gkey: IntArray, mi: IntArray) -> IntArray:
        lag = pattern[gkey]
        later = _month_first_day(mi + lag) + day[gkey] - 1
        regular = np.where(lag == 0, _month_first_day(mi), later)
        return np.where(one_off[gkey], start[gkey] + day[gkey] - 1, regular)

    decided = (grants["status"] != "forventet").to_numpy()
    paid = rows.filter(pl.col("mi") <= today_mi).select("gkey", "mi", "amount")
    gkey = paid["gkey"].to_numpy().astype(np.int64)
    keep = decided[gkey]
    gkey = gkey[keep]
    mi = paid["mi"].to_numpy().astype(np.int64)[keep]
    amount = paid["amount"].to_numpy()[keep]
    regular = _Rows(gkey, mi, booked_on(gkey, mi), amount)

    late = _late_stops(rng, grants, levels, tl)
    late_gkey = late["gkey"].to_numpy().astype(np.int64)
    late_mi = late["mi"].to_numpy().astype(np.int64)
    stopped = _Rows(late_gkey, late_mi, booked_on(late_gkey, late_mi), late["amount"].to_numpy())

    parts = [*_with_corrections(rng, regular), stopped, _reversals(rng, stopped)]
    result = _concat(parts)
    result.amount = np.round(result.amount, 2)
    result = result.take((result.booked <= today) & (result.amount != 0))
    order = np.lexsort((result.amount, result.mi, result.gkey, result.booked))
    result = result.take(order)
    return pl.DataFrame(
        {
            "gkey": result.gkey.astype(np.uint32),
            "mi": result.mi.astype(np.int32),
            "booked_on": result.booked.astype(np.int32),
            "amount": result.amount,
        }
    ).with_columns(pl.col("booked_on").cast(pl.Date))


def _with_corrections(rng: np.random.Generator, rows: _Rows) -> list[_Rows]:
    """The regular payments, a few a little off, a few wrong plus the later row that corrects them."""
    n = len(rows.gkey)
    u = rng.random(n)
    wrong = u < CORRECTION_SHARE
    off = (u >= CORRECTION_SHARE) & (u < CORRECTION_SHARE + NOISE_SHARE)
    error = rng.uniform(0.05, 0.4, n) * np.where(rng.random(n) < 0.5, -1.0, 1.0)
    noise = rng.normal(0.0, 0.02, n)
    first = np.where(wrong, rows.amount * (1 + error), np.where(off, rows.amount * (1 + noise), rows.amount))
    fixed = rows.take(wrong)
    fixed.booked = fixed.booked + rng.integers(25, 71, len(fixed.gkey))
    fixed.amount = -fixed.amount * error[wrong]
    return [_Rows(rows.gkey, rows.mi, rows.booked, first), fixed]


def _reversals(rng: np.random.Generator, rows: _Rows) -> _Rows:
    """Most late-stop payments are reversed 25-70 days after they were booked."""
    reversed_ = rows.take(rng.random(len(rows.gkey)) < LATE_REVERSED_SHARE)
    reversed_.booked = reversed_.booked + rng.integers(25, 71, len(reversed_.gkey))
    reversed_.amount = -reversed_.amount
    return reversed_


def _late_stops(rng: np.random.Generator, grants: pl.DataFrame, levels: pl.DataFrame, tl: Timeline) -> pl.DataFrame:
    """A whole month paid after an ended grant's last month (gkey, mi, amount)."""
    flagged = pl.Series(rng.random(grants.height) < LATE_STOP_SHARE)
    mi = month_of(pl.col("end")) + 1
    return (
        grants.filter(
            flagged & (pl.col("status") == "afsluttet") & (pl.col("basis") != "engang") & (pl.col("end") >= tl.first)
        )
        .with_columns(mi=mi, year=(mi // 12).cast(pl.Int32))
        .filter(pl.col("mi") <= month_index(tl.today))
        .join(levels, on="year", how="left")
        .select(
            "gkey",
            "mi",
            (
                (pl.col("rate") * pl.col("level")).round(2) * full_month(pl.col("basis"), pl.col("mi"), pl.col("hours"))
            ).alias("amount"),
        )
    )
