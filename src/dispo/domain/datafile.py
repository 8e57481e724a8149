"""Reading the domain's reviewed data files (`dispo/domain/data/*.yaml`) and reporting what is wrong in them.

A loader reads its file once, checks every entry and raises one `DataFileError` that lists all the problems it
found, so a reviewer can fix a file in one pass (DESIGN.md §3, "Errors"). Within one entry the first problem
stops that entry: its later fields are only checked once the first is fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from importlib import resources
from typing import ParamSpec, TypeVar

import yaml

T = TypeVar("T")
P = ParamSpec("P")


class DataFileError(ValueError):
    """A data file breaks its rules; `problems` holds one line per problem, each saying where and what."""

    def __init__(self, file: str, problems: Sequence[str]) -> None:
        self.file = file
        self.problems = tuple(problems)
        listing = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"{file} is invalid ({len(self.problems)} problem(s)):\n{listing}")


class EntryError(Exception):
    """One entry of a data file is wrong; `Problems.collect` records it and moves on to the next entry."""


class Problems:
    """The problems found so far in one data file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.found.append(f"{where}: {message}")

    def collect(self, where: str, build: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        """Run `build(*args, **kwargs)`; if it raises `EntryError`, record it at `where` and return None."""
        try:
            return build(*args, **kwargs)
        except EntryError as problem:
            self.add(where, str(problem))
            return None

    def raise_if_any(self) -> None:
        if self.found:
            raise DataFileError(self.file, self.found)


SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it: ten times faster at start-up than the pure one."""


def read_yaml(name: str) -> object:
    """The parsed content of the package data file `data/<name>` (no other I/O: it ships with the package)."""
    text = resources.files("dispo.domain").joinpath("data", name).read_text(encoding="utf-8")
    document: object = yaml.load(text, Loader=SAFE_LOADER)
    return document


def mapping_section(document: object, name: str) -> Mapping[str, object]:
    """The top-level mapping `name` of a data file."""
    return as_mapping(as_mapping(document, "the file").get(name), name)


def list_section(document: object, name: str) -> list[object]:
    """The top-level list `name` of a data file."""
    return as_list(as_mapping(document, "the file").get(name), name)


def as_mapping(raw: object, what: str) -> Mapping[str, object]:
    if isinstance(raw, Mapping) and all(isinstance(key, str) for key in raw):
        return raw
    raise EntryError(f"{what} should be a mapping of names to values, found {type(raw).__name__}")


def as_list(raw: object, what: str) -> list[object]:
    if isinstance(raw, list):
        return raw
    raise EntryError(f"{what} should be a list, found {type(raw).__name__}")


def check_fields(entry: Mapping[str, object], required: Collection[str], optional: Collection[str] = ()) -> None:
    """Raise `EntryError` naming the missing required fields and the fields that are not expected at all."""
    missing = sorted(set(required) - entry.keys())
    unknown = sorted(entry.keys() - set(required) - set(optional))
    if missing:
        raise EntryError(f"missing field(s) {', '.join(missing)}")
    if unknown:
        expected = ", ".join(sorted({*required, *optional}))
        raise EntryError(f"unknown field(s) {', '.join(unknown)}; the fields are {expected}")


def value(entry: Mapping[str, object], name: str, kind: type[T]) -> T:
    """The value of `name`, which must be a `kind` (a YAML boolean is not accepted as a number)."""
    found = entry.get(name)
    if isinstance(found, kind) and not (isinstance(found, bool) and kind is not bool):
        return found
    raise EntryError(f"'{name}' should be {kind.__name__}, found {found!r}")


def optional_value(entry: Mapping[str, object], name: str, kind: type[T]) -> T | None:
    return None if entry.get(name) is None else value(entry, name, kind)


def number(raw: object, what: str) -> float:
    """A YAML int or float as a float (amounts are written without decimals where they have none)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    raise EntryError(f"{what} should be a number, found {raw!r}")
