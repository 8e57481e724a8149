"""Synthetic citizens: ages by target group, sex, substitute CPR numbers and children's households.

CPR numbers are substitute numbers (day of month + 60), so they can never be a real person's. The 7th digit
follows the century rule (0-3 for births in the 1900s, 4 or 9 for 2000-2036), the last digit the sex (odd for
men), and the serial is unique per birth date and sex within a municipality's block of serials.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from .segments import CHILD_GROUPS, MALE_SHARE, SEGMENTS
from .timeline import ADULT_DAYS, YEAR_DAYS, Timeline, day_number

TARGET_GROUPS = ("handicap", "psykiatri", "misbrug", "hjemloese", "boern", "boern_handicap")

ADULT_AGES: dict[str, tuple[float, float, float, float]] = {
    "handicap": (18.0, 72.0, 1.3, 2.2),
    "psykiatri": (18.0, 62.0, 1.5, 3.0),
    "misbrug": (20.0, 50.0, 2.0, 3.0),
    "hjemloese": (18.0, 50.0, 1.8, 2.8),
}
"""Age today of new adult citizens: low + span × Beta(a, b)."""

YOUNG_EXPENSIVE = 2 / 3
"""Two thirds of the expensive single cases are aged 18-35 (DESIGN.md §8)."""
SIBLING_SHARE = 0.15
"""Share of children who share a household with another child in the ledger."""

_GROUP = np.array([TARGET_GROUPS.index(s.target_group) for s in SEGMENTS])
_CHILD = np.array([group in CHILD_GROUPS for group in TARGET_GROUPS])
_MALE = np.array([MALE_SHARE[s.target_group] if s.male_share is None else s.male_share for s in SEGMENTS])
_AGE = np.array([ADULT_AGES.get(group, (0.0, 17.0, 1.0, 1.0)) for group in TARGET_GROUPS])


def draw_people(
    rng: np.random.Generator,
    seg: npt.NDArray[np.int16],
    start: npt.NDArray[np.int64],
    expensive: npt.NDArray[np.bool_],
    tl: Timeline,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Birth day numbers and sexes of new citizens, one per grant (its segment, start and cost)."""
    n = len(seg)
    today = day_number(tl.today)
    group = _GROUP[seg]
    low, span, a, b = (_AGE[group, i] for i in range(4))
    age = low + span * rng.beta(a, b)
    young = rng.random(n) < YOUNG_EXPENSIVE
    dear = np.where(young, rng.uniform(18.0, 35.9, n), rng.uniform(36.0, 66.9, n))
    age = np.where(expensive, dear, age)
    adult = np.minimum(today - np.floor(age * YEAR_DAYS), start - ADULT_DAYS - rng.integers(0, 365, n))
    child = np.minimum(start, today) - np.floor(rng.uniform(0.0, 16.5, n) * YEAR_DAYS)
    birth = np.where(_CHILD[group], child, adult).astype(np.int64)
    male = rng.random(n) < _MALE[seg]
    return birth, male


def cpr_numbers(birth: pl.Expr, male: pl.Expr, block: tuple[float, float]) -> pl.Expr:
    """Substitute CPR numbers `ddmmyy-xxxx` (day + 60), unique per birth date and sex within `block`.

    `block` = (start, width) as fractions of the serials available for a birth date and sex, so that the
    municipalities of a national world use disjoint serials. Needs a frame sorted deterministically.
    """
    nineties = birth.dt.year() < 2000
    slots = pl.when(nineties).then(2000).otherwise(1000)
    offset = (slots * block[0]).floor().cast(pl.Int64)
    size = pl.max_horizontal((slots * block[1]).floor(), 1).cast(pl.Int64)
    ordinal = pl.int_range(pl.len()).over(birth, male)
    spread = birth.cast(pl.Int64) * 7919 % size
    slot = offset + (ordinal + spread) % size
    seventh = pl.when(nineties).then(slot // 500).otherwise(pl.when(slot // 500 == 0).then(4).otherwise(9))
    rest = slot % 500
    last = 2 * (rest % 5) + male.cast(pl.Int64)
    return pl.concat_str(
        (birth.dt.day() + 60).cast(pl.String),
        birth.dt.month().cast(pl.String).str.zfill(2),
        (birth.dt.year() % 100).cast(pl.String).str.zfill(2),
        pl.lit("-"),
        seventh.cast(pl.String),
        (rest // 5).cast(pl.String).str.zfill(2),
        last.cast(pl.String),
    )


def households(rng: np.random.Generator, is_child: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Household numbers: pairs of siblings among the children share one (1, 2, …); everyone else has 0."""
    children = np.flatnonzero(is_child)
    rng.shuffle(children)
    pairs = int(len(children) * SIBLING_SHARE / 2)
    number = np.zeros(len(is_child), np.int64)
    number[children[: 2 * pairs]] = np.repeat(np.arange(1, pairs + 1), 2)
    return number
