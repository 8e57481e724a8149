"""KL's eight steps to data validation: the checklist a municipality keeps its own status on.

The steps are reviewed data in `data/kl_checklist.yaml` with their public source; the status of each step is the
municipality's own and lives in the store (`dispo.store.sources.models.ChecklistStatus`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from dispo.domain.datafile import EntryError, Problems, as_mapping, check_fields, list_section, read_yaml, value

FILE = "kl_checklist.yaml"
STEPS = 8


@dataclass(frozen=True, slots=True)
class Step:
    """One of the eight steps: its number, KL's title and dispo's short help on where it supports the step."""

    number: int
    title: str
    help: str


@cache
def source() -> str:
    """Where the steps come from, as the page names it."""
    return value(as_mapping(read_yaml(FILE), FILE), "source", str)


@cache
def checklist() -> tuple[Step, ...]:
    """The eight steps in order, read once from `data/kl_checklist.yaml`."""
    return parse_checklist(read_yaml(FILE))


def parse_checklist(document: object) -> tuple[Step, ...]:
    """The steps of a parsed document; raise `DataFileError` listing every problem (numbered 1 to 8, once each)."""
    problems = Problems(FILE)
    steps: list[Step] = []
    for index, raw in enumerate(problems.collect("steps", list_section, document, "steps") or [], start=1):
        step = problems.collect(f"step {index}", _step, raw)
        if step is not None:
            steps.append(step)
    numbers = [s.number for s in steps]
    if numbers and numbers != list(range(1, STEPS + 1)):
        problems.add("steps", f"the steps should be numbered 1 to {STEPS} in order, got {numbers}")
    problems.raise_if_any()
    return tuple(steps)


def _step(raw: object) -> Step:
    entry = as_mapping(raw, "a step")
    check_fields(entry, required=("number", "title", "help"))
    step = Step(number=value(entry, "number", int), title=value(entry, "title", str), help=value(entry, "help", str))
    if not step.title.strip():
        raise EntryError("the title should not be empty")
    return step
