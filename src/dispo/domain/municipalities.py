"""The Danish municipalities: code, name, region and socio-economic index.

Benchmarks across municipalities group them by region (the seed's "rammeaftaleområder") and set them against a
socio-economic index; both are facts about the municipality, not about its ledger, so they are reviewed data in
`data/municipalities.yaml` with their sources named there (the index there is synthetic: see the file).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from dispo.domain.datafile import (
    EntryError,
    Problems,
    as_mapping,
    check_fields,
    mapping_section,
    number,
    read_yaml,
    value,
)

FILE = "municipalities.yaml"


class UnknownMunicipality(LookupError):
    """A code that is not one of the municipalities in the data file."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"ukendt kommunekode {code!r}: {FILE} kender de 98 kommuner (koder 101-860)")


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str
    name: str
    region: str
    region_name: str
    socio_economic_index: float
    synthetic: bool = False


@cache
def municipalities() -> Mapping[str, Municipality]:
    """The municipalities by code, read once."""
    return MappingProxyType(parse_municipalities(read_yaml(FILE)))


def municipality(code: str) -> Municipality:
    try:
        return municipalities()[code]
    except KeyError:
        raise UnknownMunicipality(code) from None


def parse_municipalities(document: object) -> dict[str, Municipality]:
    """The municipalities of a parsed document; raise `DataFileError` listing every problem."""
    problems = Problems(FILE)
    regions = problems.collect("regions", mapping_section, document, "regions") or {}
    names = {code: name for code, name in regions.items() if isinstance(name, str)}
    found: dict[str, Municipality] = {}
    for code, raw in (problems.collect("municipalities", mapping_section, document, "municipalities") or {}).items():
        entry = problems.collect(f"municipality {code}", _municipality, code, raw, names)
        if entry is not None:
            found[code] = entry
    problems.raise_if_any()
    return found


def _municipality(code: str, raw: object, regions: Mapping[str, str]) -> Municipality:
    entry = as_mapping(raw, "a municipality")
    check_fields(entry, required=("name", "region", "socio_economic_index"), optional=("synthetic",))
    region = value(entry, "region", str)
    if region not in regions:
        raise EntryError(f"region {region!r} should be one of {', '.join(sorted(regions))}")
    index = number(entry.get("socio_economic_index"), "'socio_economic_index'")
    if not 0 < index < 5:
        raise EntryError(f"'socio_economic_index' should be a positive index around 1, found {index}")
    synthetic = entry.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise EntryError(f"'synthetic' should be true or false, found {synthetic!r}")
    return Municipality(code, value(entry, "name", str), region, regions[region], index, synthetic)
