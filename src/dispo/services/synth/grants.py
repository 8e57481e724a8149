"""The grants of one municipality, drawn segment by segment with numpy.

Each segment is in steady state: the grants active on the first day of the world (their ages and remaining
durations drawn length-biased, so the stock is stationary) plus a seasonal inflow up to `today` (and a few
decided in advance). Then companions and successors for the same citizens, the children's grants stopped at 18,
and a few expected grants after `today`. The result is one row per grant with its true end (which the ledger
only knows once it has passed) and the end the ledger records.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from .people import TARGET_GROUPS, draw_people
from .segments import (
    CHILD_GROUPS,
    COMPANIONS,
    EXPENSIVE_PRICES,
    SEGMENTS,
    SUCCESSORS,
    Link,
    Price,
    segment_for,
)
from .timeline import ADULT_DAYS, EXPECTED_DAYS, YEAR_DAYS, Timeline, day_number

Array = npt.NDArray[Any]
Columns = dict[str, Array]

PROVIDER_TYPES = ("egen", "anden_kommune", "region", "privat")
BASE, COMPANION, SUCCESSOR, EXPECTED = 0, 1, 2, 3
STATUSES = ("bevilget", "afsluttet", "forventet")
"""Status codes 0, 1, 2 of the internal frame."""
EXPECTED_SHARE = 0.03
"""Expected (not yet decided) grants as a share of a segment's stock."""
ADVANCE_SHARE = 0.4
"""Share of the grants starting in the next month that are already decided."""
REUSE_SHARE = 0.5
"""Share of adults' expected grants that are for a citizen the municipality already serves."""
MAX_AGE_DAYS = 40 * 365
REFERENCE_DRAWS = 4096
EXPENSIVE_YEARS = 12

SEG_GROUP = np.array([TARGET_GROUPS.index(s.target_group) for s in SEGMENTS], np.int8)
SEG_PARAGRAPH = np.array([s.paragraph for s in SEGMENTS], dtype=object)
SEG_OPEN = np.array([s.open_share for s in SEGMENTS])
SEG_MOVED = np.array([s.moved for s in SEGMENTS])
SEG_ONE_OFF = np.array([s.is_one_off for s in SEGMENTS])
GROUP_IS_CHILD = np.array([group in CHILD_GROUPS for group in TARGET_GROUPS])


def _count(rng: np.random.Generator, x: float) -> int:
    """`x` rounded up or down at random, so that fractional stocks are right on average."""
    whole = int(np.floor(x))
    return whole + int(rng.random() < x - whole)


def stratified(rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
    """`n` uniforms in [0, 1), one in each of n equal strata, in random order.

    Stratified draws keep a small municipality's counts and sums close to their expectation: the demo is
    calibrated to within a few per cent with any seed, not only on average over seeds.
    """
    return (rng.permutation(n) + rng.random(n)) / max(n, 1)


def _gamma(rng: np.random.Generator, shape: float, mean: float, n: int) -> npt.NDArray[np.int64]:
    """`n` stratified gamma-distributed durations in days (at least 1), via an empirical quantile function."""
    if n == 0:
        return np.zeros(0, np.int64)
    draws = min(REFERENCE_DRAWS, max(256, 8 * n))
    reference = np.sort(rng.gamma(shape, mean / shape, draws))
    levels = (np.arange(draws) + 0.5) / draws
    days = np.interp(stratified(rng, n), levels, reference)
    return np.clip(np.rint(days), 1, MAX_AGE_DAYS).astype(np.int64)


def _durations(rng: np.random.Generator, s: int, n: int) -> npt.NDArray[np.int64]:
    segment = SEGMENTS[s]
    if segment.is_one_off:
        return np.ones(n, np.int64)
    return _gamma(rng, segment.shape, segment.years * YEAR_DAYS, n)


def _pick(rng: np.random.Generator, prices: tuple[Price, ...], n: int) -> tuple[Array, Array]:
    shares = np.cumsum([p.share for p in prices])
    pick = np.searchsorted(shares / shares[-1], stratified(rng, n), side="right").clip(0, len(prices) - 1)
    low = np.array([p.low for p in prices])[pick]
    high = np.array([p.high for p in prices])[pick]
    codes = np.array([PROVIDER_TYPES.index(p.provider_type) if p.provider_type else -1 for p in prices], np.int8)
    return low + stratified(rng, n) * (high - low), codes[pick]


def _terms(rng: np.random.Generator, s: int, start: Array, tl: Timeline) -> Columns:
    """Rate (current year's prices), provider type, hours and own payment of grants of segment `s`.

    Expensive cases are picked among the grants that started in the last EXPENSIVE_YEARS, so that most of
    them can be young adults (DESIGN.md §8: two thirds are aged 18-35).
    """
    segment, n = SEGMENTS[s], len(start)
    rate, ptype = _pick(rng, segment.prices, n)
    expensive = np.zeros(n, bool)
    recent = np.flatnonzero(start >= day_number(tl.today) - EXPENSIVE_YEARS * YEAR_DAYS)
    dear = min(len(recent), _count(rng, n * segment.expensive))
    expensive[rng.choice(recent, size=dear, replace=False)] = True
    if segment.expensive > 0:
        dear_rate, dear_type = _pick(rng, EXPENSIVE_PRICES, n)
        rate, ptype = np.where(expensive, dear_rate, rate), np.where(expensive, dear_type, ptype)
    hours = np.full(n, np.nan)
    if segment.hours is not None:
        low, mean, high = segment.hours
        drawn = low + rng.gamma(1.3, (mean - low) / 1.3, n)
        hours = np.clip(np.round(drawn * 2) / 2, low, high)
    share, low, high = segment.own_payment
    own = np.round((low + rng.random(n) * (high - low)) / 100) * 100
    own = np.where(rng.random(n) < share, own, np.nan)
    return {
        "seg": np.full(n, s, np.int16),
        "rate": rate,
        "ptype": ptype,
        "expensive": expensive,
        "hours": hours,
        "own_payment": own,
    }


def _base(rng: np.random.Generator, s: int, stock: float, tl: Timeline) -> Columns:
    """The stock on the first day and the inflow after it, for one segment."""
    segment = SEGMENTS[s]
    first, today = day_number(tl.first), day_number(tl.today)
    if segment.is_one_off:
        n = _count(rng, stock * (today - first + 1) / YEAR_DAYS)
        start = tl.inflow_days(stratified(rng, n), tl.today)
        end = start.copy()
    else:
        mean_days = segment.years * YEAR_DAYS
        n0 = _count(rng, stock)
        length = _gamma(rng, segment.shape + 1, mean_days * (segment.shape + 1) / segment.shape, n0)
        start0 = first - np.floor(stratified(rng, n0) * length).astype(np.int64)
        end0 = start0 + length - 1
        start0 = np.maximum(start0, first - MAX_AGE_DAYS)
        horizon = day_number(tl.horizon)
        n1 = _count(rng, stock / mean_days * (horizon - first + 1))
        start1 = tl.inflow_days(stratified(rng, n1), tl.horizon)
        end1 = start1 + _durations(rng, s, n1) - 1
        decided = (start1 <= today) | (rng.random(n1) < ADVANCE_SHARE)
        start = np.concatenate([start0, start1[decided]])
        end = np.concatenate([end0, end1[decided]])
    columns = _terms(rng, s, start, tl)
    columns.update(start=start, true_end=end, origin=np.full(len(start), BASE, np.int8))
    return columns


def _concat(parts: list[Columns]) -> Columns:
    keys = parts[0].keys()
    return {key: np.concatenate([part[key] for part in parts]) for key in keys}


def _take(columns: Columns, keep: Array) -> Columns:
    return {key: value[keep] for key, value in columns.items()}


def _linked(rng: np.random.Generator, grants: Columns, link: Link, successor: bool, tl: Timeline) -> Columns:
    """Grants that come with (or after) a host grant of the same citizen."""
    seg = grants["seg"]
    host = (
        (SEG_GROUP[seg] == TARGET_GROUPS.index(link.host_group))
        & np.isin(SEG_PARAGRAPH[seg], link.host_paragraphs)
        & (grants["origin"] == BASE)
    )
    idx = np.flatnonzero(host)
    idx = np.sort(rng.choice(idx, size=round(len(idx) * link.share), replace=False))
    s = segment_for(link.group, link.paragraph)
    duration = _durations(rng, s, len(idx))
    if successor:
        start = grants["true_end"][idx] + 1
        end = start + duration - 1
    else:
        start = grants["start"][idx] + rng.integers(0, 61, len(idx))
        end = np.minimum(grants["true_end"][idx], start + duration - 1)
    columns = _terms(rng, s, start, tl)
    columns.update(
        start=start,
        true_end=end,
        origin=np.full(len(idx), SUCCESSOR if successor else COMPANION, np.int8),
        citizen=grants["citizen"][idx],
    )
    keep = (start <= end) & (start <= day_number(tl.today)) & (end >= day_number(tl.first))
    return _take(columns, keep)


def _expected(
    rng: np.random.Generator, s: int, stock: float, grants: Columns, next_citizen: int, tl: Timeline
) -> Columns:
    """Expected grants of one segment: start soon after today, with a probability; some for known citizens."""
    n = _count(rng, stock * EXPECTED_SHARE)
    today = day_number(tl.today)
    start = today + 1 + rng.integers(0, EXPECTED_DAYS, n)
    columns = _terms(rng, s, start, tl)
    columns.update(
        start=start,
        true_end=start + _durations(rng, s, n) - 1,
        origin=np.full(n, EXPECTED, np.int8),
        probability=np.round(rng.uniform(0.3, 0.9, n) * 20) / 20,
    )
    citizen = next_citizen + np.arange(n)
    running = np.flatnonzero(
        (SEG_GROUP[grants["seg"]] == SEG_GROUP[s]) & (grants["start"] <= today) & (grants["true_end"] >= today)
    )
    if SEGMENTS[s].target_group not in CHILD_GROUPS and len(running) > 0:
        known = rng.random(n) < REUSE_SHARE
        citizen = np.where(known, grants["citizen"][running[rng.integers(0, len(running), n)]], citizen)
    columns["citizen"] = citizen
    return columns


def _stop_at_adulthood(grants: Columns, birth: Array) -> None:
    """Children's grants end the day before the 18th birthday."""
    child = GROUP_IS_CHILD[SEG_GROUP[grants["seg"]]]
    adult_day = birth[grants["citizen"]] + ADULT_DAYS - 1
    grants["true_end"] = np.where(child, np.minimum(grants["true_end"], adult_day), grants["true_end"])


def draw_grants(
    rng: np.random.Generator, stocks: npt.NDArray[np.float64], tl: Timeline
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """All grants and citizens of one municipality; `stocks` is each segment's stock (scaled).

    Returns the grants (internal columns, one row per grant) and the people (`citizen`, `birth`, `male`).
    """
    grants = _concat([_base(rng, s, stocks[s], tl) for s in range(len(SEGMENTS))])
    n = len(grants["seg"])
    grants["citizen"] = np.arange(n)
    birth, male = draw_people(rng, grants["seg"], grants["start"], grants["expensive"], tl)
    _stop_at_adulthood(grants, birth)
    first = day_number(tl.first)
    grants = _take(grants, grants["true_end"] >= first)

    linked = [_linked(rng, grants, link, False, tl) for link in COMPANIONS]
    linked += [_linked(rng, grants, link, True, tl) for link in SUCCESSORS]
    grants = _concat([grants, *linked])
    _stop_at_adulthood(grants, birth)
    grants = _take(grants, (grants["true_end"] >= first) & (grants["true_end"] >= grants["start"]))
    grants["probability"] = np.ones(len(grants["seg"]))

    expected = []
    next_citizen = n
    for s, segment in enumerate(SEGMENTS):
        if segment.is_one_off:
            continue
        part = _expected(rng, s, stocks[s], grants, next_citizen, tl)
        fresh = part["citizen"] >= next_citizen
        new_birth, new_male = draw_people(rng, part["seg"][fresh], part["start"][fresh], part["expensive"][fresh], tl)
        part["citizen"][fresh] = next_citizen + np.arange(int(fresh.sum()))
        next_citizen += int(fresh.sum())
        birth, male = np.concatenate([birth, new_birth]), np.concatenate([male, new_male])
        expected.append(part)
    grants = _concat([grants, *expected])
    _stop_at_adulthood(grants, birth)
    grants = _take(grants, grants["true_end"] >= grants["start"])
    _record(rng, grants, tl)
    people = pl.DataFrame({"citizen": np.arange(len(birth)), "birth": birth.astype(np.int32), "male": male})
    return _frame(grants), people.with_columns(pl.col("birth").cast(pl.Date))


def _record(rng: np.random.Generator, grants: Columns, tl: Timeline) -> None:
    """What the ledger knows: status, the recorded end, the acting and paying municipality."""
    seg, n = grants["seg"], len(grants["seg"])
    today = day_number(tl.today)
    ended = grants["true_end"] < today
    expected = grants["origin"] == EXPECTED
    open_end = (rng.random(n) < SEG_OPEN[seg]) & ~ended & ~SEG_ONE_OFF[seg]
    grants["end"] = np.where(open_end, -1, grants["true_end"])
    grants["status"] = np.where(expected, 2, np.where(ended, 1, 0)).astype(np.int8)
    moved = rng.random(n) < SEG_MOVED[seg]
    grants["moved"] = np.where(moved, np.where(rng.random(n) < 0.5, 1, 2), 0).astype(np.int8)
    grants["other"] = rng.integers(0, 1 << 30, n)


def _frame(grants: Columns) -> pl.DataFrame:
    """The grants as a polars frame with dates, in a deterministic order (by start)."""
    frame = pl.DataFrame(
        {
            "seg": grants["seg"].astype(np.int16),
            "citizen": grants["citizen"].astype(np.int64),
            "start": grants["start"].astype(np.int32),
            "true_end": grants["true_end"].astype(np.int32),
            "end": grants["end"].astype(np.int32),
            "status": grants["status"],
            "origin": grants["origin"],
            "rate": grants["rate"],
            "ptype": grants["ptype"].astype(np.int8),
            "expensive": grants["expensive"].astype(bool),
            "hours": grants["hours"],
            "own_payment": grants["own_payment"],
            "probability": grants["probability"],
            "moved": grants["moved"],
            "other": grants["other"].astype(np.int64),
        }
    )
    return (
        frame.with_columns(
            pl.col("start", "true_end").cast(pl.Date),
            pl.when(pl.col("end") >= 0).then(pl.col("end")).cast(pl.Date).alias("end"),
            pl.col("hours").fill_nan(None),
            pl.col("own_payment").fill_nan(None),
        )
        .with_row_index("draw")
        .sort("start", "draw")
        .drop("draw")
        .with_row_index("gkey")
    )
