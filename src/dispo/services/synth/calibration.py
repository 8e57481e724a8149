"""The figures the synthetic municipality is calibrated to, as data.

Source: DESIGN.md §8 / seed (a municipality of about 95,000 inhabitants, its adult disability staircase in
September and its budget per paragraph for disability and psychiatry together). The split of each step's cost
over its paragraphs and the budget/cost ratios are our own design, chosen so that the steps and the budget lines
add up; they are synthetic, not facts.
"""

from __future__ import annotations

from typing import NamedTuple

SOURCE = "DESIGN.md §8 / seed"

MIO = 1_000_000.0

ADULT_STEPS: dict[str, int] = {
    "SEL82a": 1,
    "SEL82b": 1,
    "SEL82c": 1,
    "SEL82d": 1,
    "SEL103": 2,
    "SEL104": 2,
    "SEL84": 3,
    "SEL85": 3,
    "SEL95": 3,
    "SEL96": 3,
    "SEL97": 3,
    "SEL99": 3,
    "SEL100": 3,
    "SEL102": 3,
    "SEL107": 4,
    "SEL109": 4,
    "SEL110": 4,
    "SEL108": 5,
    "ABL105": 5,
}
"""Paragraph → step on the adult staircase (1 early prevention … 5 long-term residential care)."""


class StepTarget(NamedTuple):
    """One step of the seed's adult disability staircase for the current year."""

    fte: float
    citizens: int
    cost: float  # kr.


STEP_TARGETS: dict[int, StepTarget] = {
    1: StepTarget(40.0, 121, 2.3 * MIO),
    2: StepTarget(369.7, 393, 50.7 * MIO),
    3: StepTarget(672.2, 751, 63.4 * MIO),
    4: StepTarget(42.9, 56, 35.2 * MIO),
    5: StepTarget(229.4, 247, 207.1 * MIO),
}
"""Target group `handicap`, per step: årsværk, unique citizens, expected cost (DESIGN.md §8 / seed)."""

BUDGET_TARGETS: dict[str, float] = {
    "SEL103": 14.7 * MIO,
    "SEL104": 44.4 * MIO,
    "SEL84": 23.3 * MIO,
    "SEL85": 23.2 * MIO,
    "SEL96": 3.6 * MIO,
    "SEL107": 44.0 * MIO,
    "SEL108": 140.6 * MIO,
    "ABL105": 220.2 * MIO,
}
"""Current year's budget per paragraph, `handicap` and `psykiatri` together (DESIGN.md §8 / seed)."""

BUDGET_RATIO: dict[str, float] = {
    "SEL103": 1.05,
    "SEL104": 0.96,
    "SEL84": 1.04,
    "SEL85": 0.94,
    "SEL96": 1.06,
    "SEL107": 0.95,
    "SEL108": 1.02,
    "ABL105": 0.97,
}
"""Budget / expected cost per budget paragraph (design): some lines are under-, some overspent."""

HANDICAP_COST: dict[str, float] = {
    "SEL82a": 1.03 * MIO,
    "SEL82b": 0.65 * MIO,
    "SEL82c": 0.4 * MIO,
    "SEL82d": 0.22 * MIO,
    "SEL103": 11.0 * MIO,
    "SEL104": 39.7 * MIO,
    "SEL84": 20.3 * MIO,
    "SEL85": 13.9 * MIO,
    "SEL95": 7.2 * MIO,
    "SEL96": 3.396 * MIO,
    "SEL97": 7.0 * MIO,
    "SEL99": 1.5 * MIO,
    "SEL100": 7.8 * MIO,
    "SEL102": 2.304 * MIO,
    "SEL107": 35.2 * MIO,
    "SEL108": 92.0 * MIO,
    "ABL105": 115.1 * MIO,
}
"""Design split of each handicap step's expected cost over its paragraphs (sums to STEP_TARGETS)."""

BUDGET_LINE_SPREAD = 0.07
"""Other budget lines: budget = expected cost × a factor within ± this (a real budget is never exact)."""


def cost_targets() -> dict[tuple[str, str], float]:
    """Expected cost of the current year per (target group, paragraph) for the demo municipality, kr.

    Handicap from the design split; psychiatry is what the budget line needs beyond handicap, so that
    budget / (handicap + psychiatry cost) is BUDGET_RATIO for every budget paragraph.
    """
    targets = {("handicap", paragraph): cost for paragraph, cost in HANDICAP_COST.items()}
    for paragraph, budget in BUDGET_TARGETS.items():
        rest = budget / BUDGET_RATIO[paragraph] - HANDICAP_COST.get(paragraph, 0.0)
        if rest > 0.005 * MIO:
            targets["psykiatri", paragraph] = rest
    return targets


PRICE_INDEX: dict[int, float] = {
    2016: 0.017,
    2017: 0.019,
    2018: 0.021,
    2019: 0.020,
    2020: 0.018,
    2021: 0.022,
    2022: 0.038,
    2023: 0.040,
    2024: 0.031,
    2025: 0.027,
    2026: 0.024,
    2027: 0.025,
    2028: 0.025,
}
"""Synthetic yearly P/L regulation (about 2-4 %), applied to rates from 1 January of the year."""

DEFAULT_PRICE_INDEX = 0.025
"""The P/L regulation for years outside PRICE_INDEX."""


def price_level(year: int, base_year: int) -> float:
    """Price level of `year` relative to `base_year` (1.0 in the base year)."""
    level = 1.0
    for y in range(min(year, base_year) + 1, max(year, base_year) + 1):
        level *= 1.0 + PRICE_INDEX.get(y, DEFAULT_PRICE_INDEX)
    return level if year >= base_year else 1.0 / level
