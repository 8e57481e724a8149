"""The world sizes: the demo municipality, one large municipality and all 98 municipalities."""

from __future__ import annotations

from .places import DEMO, DEMO_NEIGHBOURS, MUNICIPALITIES
from .world import Municipality

SIZES = ("demo", "large", "national")

LARGE_SCALE = 11.5
"""The large municipality has this many times the demo's grants (≈ 60,000)."""
NATIONAL_SCALE = 4.6
"""Grants per inhabitant of the national world relative to the demo (≈ 1.5 M grants in all)."""
SERIAL_RESERVE = 0.002
"""Every municipality's smallest share of the CPR serials of a birth date (two of 1,000)."""


def municipalities(size: str, fraction: float = 1.0) -> tuple[Municipality, ...]:
    """The municipalities of a world size; `fraction` shrinks them (for tests)."""
    if size == "demo":
        return (Municipality(DEMO, 0, fraction, DEMO_NEIGHBOURS),)
    if size == "large":
        return (Municipality(DEMO, 0, LARGE_SCALE * fraction, DEMO_NEIGHBOURS),)
    if size == "national":
        total = sum(place.population for place in MUNICIPALITIES)
        spare = 1.0 - SERIAL_RESERVE * len(MUNICIPALITIES)
        result, start = [], 0.0
        for index, place in enumerate(MUNICIPALITIES):
            width = SERIAL_RESERVE + spare * place.population / total
            others = tuple(p.code for p in MUNICIPALITIES if p.region == place.region and p.code != place.code)
            scale = NATIONAL_SCALE * fraction * place.population / DEMO.population
            result.append(Municipality(place, index, scale, others, (start, width), varied=True))
            start += width
        return tuple(result)
    raise ValueError(f"unknown world size {size!r}: expected one of {', '.join(SIZES)}")
