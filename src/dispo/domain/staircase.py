"""The intervention staircases (indsatstrappen): each model's steps with the Danish names the UI shows.

A municipality steers each area on a staircase from general prevention up to long-term residential care
(adults) or placement in an institution (children). The models are reviewed data in `data/staircases.yaml`;
the default step of each paragraph per model is in the paragraph catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from dispo.domain.datafile import (
    EntryError,
    Problems,
    as_list,
    as_mapping,
    check_fields,
    mapping_section,
    read_yaml,
    value,
)

FILE = "staircases.yaml"


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a staircase: its number (1 is the lowest) and its Danish name."""

    number: int
    name: str


@dataclass(frozen=True, slots=True)
class StaircaseModel:
    """A staircase model, e.g. `voksen_handicap`, with its Danish label and its steps, lowest first."""

    name: str
    label: str
    steps: tuple[Step, ...]


@cache
def staircase_models() -> Mapping[str, StaircaseModel]:
    """The staircase models by name, read once from `data/staircases.yaml`."""
    return MappingProxyType(parse_staircases(read_yaml(FILE)))


def parse_staircases(document: object) -> dict[str, StaircaseModel]:
    """The models of a parsed staircases document; raise `DataFileError` listing every problem."""
    problems = Problems(FILE)
    models: dict[str, StaircaseModel] = {}
    for name, raw in (problems.collect("models", mapping_section, document, "models") or {}).items():
        model = problems.collect(f"model {name}", _model, name, raw)
        if model is not None:
            models[name] = model
    problems.raise_if_any()
    return models


def _model(name: str, raw: object) -> StaircaseModel:
    entry = as_mapping(raw, "a model")
    check_fields(entry, required=("label", "steps"))
    steps = tuple(_step(item) for item in as_list(entry["steps"], "steps"))
    numbers = [step.number for step in steps]
    if numbers != list(range(1, len(steps) + 1)):
        raise EntryError(f"steps must be numbered 1..{len(steps)} in order without gaps, found {numbers}")
    return StaircaseModel(name=name, label=value(entry, "label", str), steps=steps)


def _step(raw: object) -> Step:
    entry = as_mapping(raw, "a step")
    check_fields(entry, required=("number", "name"))
    return Step(number=value(entry, "number", int), name=value(entry, "name", str))
