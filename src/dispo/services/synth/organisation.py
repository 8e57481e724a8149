"""A municipality's organisation and market: units, caseworkers and providers."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np
import polars as pl

from .names import FIRST_NAMES, PROVIDER_PREFIXES, PROVIDER_STEMS, SURNAMES
from .places import MUNICIPALITIES, NAMES, Place
from .segments import EXPENSIVE_PRICES, SEGMENTS

UNITS: tuple[tuple[str, str, str], ...] = (
    ("soc", "Social og Sundhed", ""),
    ("bu", "Børn og Unge", ""),
    ("vh", "Voksenhandicap, myndighed", "soc"),
    ("sp", "Socialpsykiatri, myndighed", "soc"),
    ("mh", "Misbrug og hjemløse, myndighed", "soc"),
    ("bf", "Børn og familie, myndighed", "bu"),
    ("bh", "Børn med handicap, myndighed", "bu"),
)
"""Units below the municipality itself (suffix, name, parent suffix; "" is the municipality)."""

GROUP_UNIT: dict[str, str] = {
    "handicap": "vh",
    "psykiatri": "sp",
    "misbrug": "mh",
    "hjemloese": "mh",
    "boern": "bf",
    "boern_handicap": "bh",
}
"""The unit that steers each target group."""

CASEWORKERS: dict[str, int] = {"vh": 8, "sp": 5, "mh": 3, "bf": 6, "bh": 3}
"""Caseworkers per unit in the demo municipality."""

PROVIDERS: dict[tuple[str, str], int] = {
    ("bo", "egen"): 8,
    ("bo", "anden_kommune"): 12,
    ("bo", "region"): 5,
    ("bo", "privat"): 14,
    ("dag", "egen"): 5,
    ("dag", "anden_kommune"): 4,
    ("dag", "region"): 2,
    ("dag", "privat"): 4,
    ("stoette", "egen"): 4,
    ("stoette", "privat"): 6,
    ("behandling", "egen"): 2,
    ("behandling", "privat"): 3,
    ("behandling", "region"): 2,
    ("herberg", "egen"): 1,
    ("herberg", "anden_kommune"): 2,
    ("herberg", "privat"): 2,
    ("boern", "egen"): 3,
    ("boern", "privat"): 10,
    ("boern", "region"): 3,
    ("boern", "anden_kommune"): 4,
    ("bpa", "privat"): 3,
}
"""Providers per kind and provider type in the demo municipality (others get 2)."""


def unit_id(code: str, suffix: str) -> str:
    return f"{code}-{suffix}" if suffix else code


def units(place: Place) -> pl.DataFrame:
    """The municipality as the root unit, two areas and five authority units."""
    name = place.name if place.name.endswith("Kommune") else f"{place.name} Kommune"
    rows: list[tuple[str, str, str | None]] = [(place.code, name, None)]
    rows += [(unit_id(place.code, s), label, unit_id(place.code, parent)) for s, label, parent in UNITS]
    return pl.DataFrame(rows, schema=["unit_id", "name", "parent_id"], orient="row")


@dataclass(frozen=True)
class Staff:
    """Caseworkers and where each unit's block of them starts."""

    frame: pl.DataFrame
    first: dict[str, int]
    count: dict[str, int]


def caseworkers(rng: np.random.Generator, place: Place, scale: float) -> Staff:
    """About 25 caseworkers per 95,000 inhabitants, with made-up Danish names."""
    count = {unit: max(1, round(n * scale)) for unit, n in CASEWORKERS.items()}
    total = sum(count.values())
    pairs = list(product(FIRST_NAMES, SURNAMES))
    picked = rng.choice(len(pairs), size=total, replace=total > len(pairs))
    width = max(3, len(str(total)))
    ids: list[str] = []
    names: list[str] = []
    unit_ids: list[str] = []
    first: dict[str, int] = {}
    for unit, n in count.items():
        first[unit] = len(ids)
        for _ in range(n):
            number = len(ids)
            given, family = pairs[picked[number]]
            ids.append(f"{place.code}-sb{number + 1:0{width}d}")
            names.append(f"{given} {family}")
            unit_ids.append(unit_id(place.code, unit))
    frame = pl.DataFrame({"caseworker_id": ids, "name": names, "unit_id": unit_ids})
    return Staff(frame, first, count)


def _provider_keys() -> list[tuple[str, str]]:
    """Every (kind, provider type) a grant can ask for."""
    keys: set[tuple[str, str]] = set()
    for segment in SEGMENTS:
        if segment.kind is None:
            continue
        prices = segment.prices + (EXPENSIVE_PRICES if segment.expensive > 0 else ())
        keys.update((segment.kind, p.provider_type) for p in prices if p.provider_type is not None)
    return sorted(keys)


PROVIDER_KEYS = _provider_keys()


@dataclass(frozen=True)
class Market:
    """Providers and, per (kind, provider type), where its block of them starts and how many."""

    frame: pl.DataFrame
    first: dict[tuple[str, str], int]
    count: dict[tuple[str, str], int]


def providers(rng: np.random.Generator, place: Place, scale: float, others: tuple[str, ...]) -> Market:
    """Own, other municipalities', regional and private providers with synthetic names."""
    regional = [p.code for p in MUNICIPALITIES if p.region == place.region and p.code != place.code]
    factor = max(1.0, float(np.sqrt(scale)))
    rows: list[tuple[str, str, str, str]] = []
    first: dict[tuple[str, str], int] = {}
    count: dict[tuple[str, str], int] = {}
    names: dict[str, list[str]] = {}
    used: dict[str, int] = {}
    for kind, ptype in PROVIDER_KEYS:
        if kind not in names:
            pool = [f"{prefix} {stem}" for prefix, stem in product(PROVIDER_PREFIXES[kind], PROVIDER_STEMS)]
            names[kind] = [pool[i] for i in rng.permutation(len(pool))]
        n = max(1, round(PROVIDERS.get((kind, ptype), 2) * factor))
        first[kind, ptype], count[kind, ptype] = len(rows), n
        for _ in range(n):
            taken = used[kind] = used.get(kind, -1) + 1
            pool = names[kind]
            name = pool[taken % len(pool)] + ("" if taken < len(pool) else f" {taken // len(pool) + 1}")
            municipality = place.code
            if ptype == "anden_kommune":
                municipality = str(rng.choice(others))
                name += f" ({NAMES[municipality]} Kommune)"
            elif ptype == "region":
                municipality = str(rng.choice(regional))
                name += f" ({place.region})"
            elif ptype == "privat":
                municipality = str(rng.choice((place.code, *others)))
                name += " (privat)"
            rows.append((name, ptype, municipality, kind))
    width = max(4, len(str(len(rows))))
    frame = pl.DataFrame(
        {
            "provider_id": [f"{place.code}-L{i + 1:0{width}d}" for i in range(len(rows))],
            "name": [r[0] for r in rows],
            "provider_type": [r[1] for r in rows],
            "municipality": [r[2] for r in rows],
        }
    )
    return Market(frame, first, count)
