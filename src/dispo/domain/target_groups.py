"""Target groups (målgrupper): the areas a grant is steered and budgeted under, with their Danish labels.

Each target group belongs to the adults' or the children's side (`voksne` / `boern`) and places its
citizens on one staircase model; a grant's staircase step is the paragraph's default step in that model. The
groups are reviewed data in `data/target_groups.yaml`.
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
    read_yaml,
    value,
)
from dispo.domain.staircase import staircase_models

FILE = "target_groups.yaml"
GROUPS = ("voksne", "boern")


@dataclass(frozen=True, slots=True)
class TargetGroup:
    """A target group, e.g. `handicap` ("Voksenhandicap"), its side and its staircase model."""

    code: str
    label: str
    group: str
    staircase_model: str


@cache
def target_groups() -> Mapping[str, TargetGroup]:
    """The target groups by code, read once from `data/target_groups.yaml`."""
    return MappingProxyType(parse_target_groups(read_yaml(FILE)))


def parse_target_groups(document: object) -> dict[str, TargetGroup]:
    """The target groups of a parsed document; raise `DataFileError` listing every problem."""
    problems = Problems(FILE)
    groups: dict[str, TargetGroup] = {}
    for code, raw in (problems.collect("target_groups", mapping_section, document, "target_groups") or {}).items():
        group = problems.collect(f"target group {code}", _target_group, code, raw)
        if group is not None:
            groups[code] = group
    problems.raise_if_any()
    return groups


def _target_group(code: str, raw: object) -> TargetGroup:
    entry = as_mapping(raw, "a target group")
    check_fields(entry, required=("label", "group", "staircase_model"))
    group = TargetGroup(
        code=code,
        label=value(entry, "label", str),
        group=value(entry, "group", str),
        staircase_model=value(entry, "staircase_model", str),
    )
    if group.group not in GROUPS:
        raise EntryError(f"group {group.group!r} should be one of {', '.join(GROUPS)}")
    if group.staircase_model not in staircase_models():
        known = ", ".join(staircase_models())
        raise EntryError(f"unknown staircase model {group.staircase_model!r}; the models are {known}")
    return group
