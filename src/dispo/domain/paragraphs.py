"""The paragraph catalogue: the legal bases a grant is booked under, and the facts that follow from each.

A grant's paragraph (SEL § 108, ABL § 105, BL § 32 …) decides the line of the budget follow-up table, the
municipal account function, whether the expense counts for the state reimbursement of expensive single cases,
and the grant's default step on each staircase. These facts change with the law, so they live as reviewed data
in `data/paragraphs.yaml`, each with its public source, and are checked here when the file is loaded.

Codes are the law code and the section without spaces (`SEL108`, `SEL82b`, `ABL105`, `BL32`, `SUL141`).
Children's paragraphs of serviceloven that barnets lov replaced on 2024-01-01 stay in the catalogue with
`valid_to` and `replaced_by`, so that history before 2024 still maps.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType

from dispo.domain.datafile import (
    EntryError,
    Problems,
    as_list,
    as_mapping,
    check_fields,
    list_section,
    optional_value,
    read_yaml,
    value,
)
from dispo.domain.staircase import StaircaseModel, staircase_models
from dispo.domain.target_groups import GROUPS, TargetGroup, target_groups

FILE = "paragraphs.yaml"
_REQUIRED = (
    "code",
    "law",
    "section",
    "title",
    "group",
    "category",
    "account_function",
    "sde",
    "target_groups",
    "steps",
    "valid_from",
    "source",
)
_OPTIONAL = ("valid_to", "replaced_by", "note")
_ACCOUNT_FUNCTION = re.compile(r"\d\.\d\d\.\d\d")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One legal basis with the facts that follow from it; see `data/paragraphs.yaml` for each field."""

    code: str
    law: str
    section: str
    title: str
    group: str
    category: str
    account_function: str
    sde: bool
    target_groups: tuple[str, ...]
    steps: Mapping[str, int | None] = field(hash=False)
    """Default step per staircase model; every model is a key, None where the paragraph has no step."""
    valid_from: date
    valid_to: date | None
    replaced_by: str | None
    source: str
    note: str | None


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A checked catalogue: the paragraphs by code and the follow-up table's categories in table order."""

    paragraphs: Mapping[str, Paragraph]
    categories: tuple[str, ...]


class UnknownParagraph(LookupError):
    """A paragraph code that is not in the catalogue; the message suggests the closest codes."""

    def __init__(self, code: str, suggestions: Sequence[str] = ()) -> None:
        self.code = code
        self.suggestions = tuple(suggestions)
        hint = f"did you mean {', '.join(self.suggestions)}?" if self.suggestions else "no code is close to it."
        super().__init__(
            f"unknown paragraph code {code!r}: {hint} Codes are the law code and the section without spaces, "
            "e.g. SEL108, SEL82b, ABL105, BL32."
        )


def catalogue() -> Mapping[str, Paragraph]:
    """All paragraphs by code, read and checked once from `data/paragraphs.yaml`."""
    return _loaded().paragraphs


def categories() -> list[str]:
    """The categories of the budget follow-up table in table order (adults first, then children)."""
    return list(_loaded().categories)


def paragraph(code: str) -> Paragraph:
    """The paragraph with this exact code; `UnknownParagraph` (with suggestions) if there is none."""
    found = catalogue().get(code)
    if found is None:
        raise UnknownParagraph(code, _close_codes(code))
    return found


def label(code: str) -> str:
    """The Danish label the UI shows, e.g. "SEL § 108 Længerevarende botilbud" or "BL § 32 …"."""
    found = paragraph(code)
    return f"{found.law} § {found.section} {found.title}"


@cache
def _loaded() -> Catalogue:
    return parse_catalogue(read_yaml(FILE))


def _close_codes(code: str) -> list[str]:
    """Catalogue codes close to `code`, compared without case, spaces or '§' ("sel § 108" finds SEL108)."""
    by_key = {_key(known): known for known in catalogue()}
    return [by_key[key] for key in difflib.get_close_matches(_key(code), by_key, n=3, cutoff=0.6)]


def _key(code: str) -> str:
    return code.replace("§", "").replace(" ", "").casefold()


def parse_catalogue(document: object) -> Catalogue:
    """Check a parsed paragraphs document and build the catalogue; `DataFileError` lists every problem."""
    problems = Problems(FILE)
    category_groups = problems.collect("categories", _categories, document) or {}
    paragraphs: dict[str, Paragraph] = {}
    for index, raw in enumerate(problems.collect("paragraphs", list_section, document, "paragraphs") or []):
        where = _where(raw, index)
        parsed = problems.collect(where, _paragraph, raw, category_groups)
        if parsed is not None and parsed.code in paragraphs:
            problems.add(where, f"duplicate code {parsed.code}: each code may appear once")
        elif parsed is not None:
            paragraphs[parsed.code] = parsed
    for parsed in paragraphs.values():
        problems.collect(f"paragraph {parsed.code}", _check_replacement, parsed, paragraphs)
    problems.raise_if_any()
    return Catalogue(MappingProxyType(paragraphs), tuple(category_groups))


def _categories(document: object) -> dict[str, str]:
    """The categories in table order, each with its group."""
    groups: dict[str, str] = {}
    for raw in list_section(document, "categories"):
        entry = as_mapping(raw, "a category")
        check_fields(entry, required=("name", "group"))
        name, group = value(entry, "name", str), value(entry, "group", str)
        if name in groups:
            raise EntryError(f"category {name!r} is listed twice")
        if group not in GROUPS:
            raise EntryError(f"category {name!r} has group {group!r}; expected one of {', '.join(GROUPS)}")
        groups[name] = group
    return groups


def _where(raw: object, index: int) -> str:
    code = raw.get("code") if isinstance(raw, Mapping) else None
    return f"paragraph {code}" if isinstance(code, str) else f"paragraphs[{index}]"


def _paragraph(raw: object, category_groups: Mapping[str, str]) -> Paragraph:
    entry = as_mapping(raw, "a paragraph")
    check_fields(entry, _REQUIRED, _OPTIONAL)
    parsed = Paragraph(
        code=value(entry, "code", str),
        law=value(entry, "law", str),
        section=value(entry, "section", str),
        title=value(entry, "title", str),
        group=value(entry, "group", str),
        category=value(entry, "category", str),
        account_function=value(entry, "account_function", str),
        sde=value(entry, "sde", bool),
        target_groups=tuple(_strings(entry["target_groups"], "target_groups")),
        steps=_steps(entry["steps"], staircase_models()),
        valid_from=value(entry, "valid_from", date),
        valid_to=optional_value(entry, "valid_to", date),
        replaced_by=optional_value(entry, "replaced_by", str),
        source=value(entry, "source", str),
        note=optional_value(entry, "note", str),
    )
    _check_identity(parsed, category_groups)
    _check_facts(parsed, target_groups())
    return parsed


def _strings(raw: object, what: str) -> list[str]:
    items = as_list(raw, what)
    if not all(isinstance(item, str) for item in items):
        raise EntryError(f"{what} should be a list of codes, found {items!r}")
    return [str(item) for item in items]


def _steps(raw: object, models: Mapping[str, StaircaseModel]) -> Mapping[str, int | None]:
    """Every model's default step: the given ones checked against the model's range, the others None."""
    given = as_mapping(raw, "steps")
    unknown = sorted(given.keys() - models.keys())
    if unknown:
        raise EntryError(
            f"steps name unknown staircase model(s) {', '.join(unknown)}; the models are {', '.join(models)}"
        )
    return MappingProxyType({name: _step(name, given.get(name), model) for name, model in models.items()})


def _step(name: str, raw: object, model: StaircaseModel) -> int | None:
    top = len(model.steps)
    if raw is None or (isinstance(raw, int) and not isinstance(raw, bool) and 1 <= raw <= top):
        return raw
    raise EntryError(f"step {raw!r} on the {name} staircase is outside its steps 1..{top} (or null for no step)")


def _check_identity(parsed: Paragraph, category_groups: Mapping[str, str]) -> None:
    """The code must spell law + section, and the group and category must exist and agree."""
    if parsed.code != parsed.law + parsed.section.replace(" ", ""):
        raise EntryError(
            f"code {parsed.code} should be the law code and section without spaces: "
            f"{parsed.law}{parsed.section.replace(' ', '')}"
        )
    if parsed.group not in GROUPS:
        raise EntryError(f"group {parsed.group!r} should be one of {', '.join(GROUPS)}")
    if category_groups.get(parsed.category) != parsed.group:
        raise EntryError(f"category {parsed.category!r} is not a {parsed.group} category of the file's `categories`")


def _check_facts(parsed: Paragraph, groups: Mapping[str, TargetGroup]) -> None:
    """The account function's form, the target groups (on the paragraph's side) and the validity dates."""
    if not _ACCOUNT_FUNCTION.fullmatch(parsed.account_function):
        raise EntryError(f"account_function {parsed.account_function!r} should look like 5.38.50")
    wrong = [code for code in parsed.target_groups if code not in groups or groups[code].group != parsed.group]
    if wrong or not parsed.target_groups:
        raise EntryError(
            f"target_groups {wrong or '[]'} should be {parsed.group} target groups from target_groups.yaml"
        )
    if parsed.valid_to is not None and parsed.valid_to < parsed.valid_from:
        raise EntryError(f"valid_to {parsed.valid_to} is before valid_from {parsed.valid_from}")


def _check_replacement(parsed: Paragraph, paragraphs: Mapping[str, Paragraph]) -> None:
    """A replaced paragraph ends the day before its replacement begins, so a grant always maps to one code."""
    if parsed.replaced_by is None:
        return
    successor = paragraphs.get(parsed.replaced_by)
    if successor is None:
        raise EntryError(f"replaced_by {parsed.replaced_by} is not a code in the catalogue")
    day_before = successor.valid_from - timedelta(days=1)
    if parsed.valid_to != day_before:
        raise EntryError(
            f"valid_to should be {day_before}, the day before {successor.code} begins, found {parsed.valid_to}"
        )
