"""A synthetic population table in Danmarks Statistik's FOLK1A layout, for the demo municipality.

The age profile is a plain shape (flat through working age, thinning out after 65, nobody past 105) scaled to
the place's population, growing 0.1 % a quarter: enough to divide expenses by inhabitants of an age group. All
figures are synthetic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from .places import Place

TITLE = "FOLK1A: Befolkningen den 1. i kvartalet efter område, alder og tid"
AGES = np.arange(126)
GROWTH_PER_QUARTER = 0.001


def age_profile() -> npt.NDArray[np.float64]:
    """Relative number of inhabitants per age 0-125 (sums to 1)."""
    weight: npt.NDArray[np.float64] = np.clip(1.0 - (AGES - 65) / 40.0, 0.0, 1.0)
    share: npt.NDArray[np.float64] = weight / weight.sum()
    return share


def folk1a_lines(place: Place, quarters: list[tuple[int, int]]) -> list[str]:
    """The lines of a FOLK1A download for `place` and the (year, quarter)s given, oldest first."""
    lines = [f'"{TITLE}"', "OMRÅDE;ALDER;TID;INDHOLD"]
    for step, (year, quarter) in enumerate(quarters):
        total = place.population * 1000 * (1 + GROWTH_PER_QUARTER) ** step
        counts = np.rint(age_profile() * total).astype(int)
        area, period = f"{place.code} {place.name}", f"{year}K{quarter}"
        lines += [f'"{area}";"{age} år";"{period}";{n}' for age, n in zip(AGES, counts, strict=True)]
    return lines


def write_folk1a(path: Path, place: Place, years: tuple[int, ...], last: tuple[int, int]) -> Path:
    """Write FOLK1A for every quarter of `years` up to and including `last` (year, quarter)."""
    quarters = [(y, q) for y in years for q in range(1, 5) if (y, q) <= last]
    path.write_text("\n".join(folk1a_lines(place, quarters)) + "\n", encoding="utf-8")
    return path
