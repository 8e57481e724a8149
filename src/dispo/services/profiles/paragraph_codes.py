"""The paragraph as the source systems spell it, onto the catalogue's code.

Exports write the same legal basis as `108`, `§108`, `§ 108 stk. 1`, `SEL 108`, `SL108`, `Serviceloven § 108`,
`Lov om social service § 108` or `96.3` (section 96, subsection 3); a housing place is often written
`ABL 105/SEL 85` (the rent under almenboligloven, the support under serviceloven). The rules:

- a spelling that is a catalogue code once case, spaces and `§` are left out (`sel 108`) is that code;
- otherwise each part (split at `/`, `+`, `,`, `;` or ` og `) is read as an optional law and a section: the law
  by its abbreviation or name (`LAWS`), the profile's law when none is written, the section as its number and an
  optional letter (`82 b`), ignoring a subsection (`stk. 2`, `.3`) and any words after it;
- of the parts that give a catalogue code, the one highest on the staircase wins (the first of equals), so
  `ABL 105/SEL 85` and `SEL 85/ABL 105` are both `ABL105`, the long-term residential place the pair describes.

A profile can add its own spellings (`paragraphs:`), for codes a system writes in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from dispo.domain.paragraphs import catalogue

LAWS = {
    "sel": "SEL",
    "sl": "SEL",
    "servicel": "SEL",
    "servicelov": "SEL",
    "serviceloven": "SEL",
    "lovomsocialservice": "SEL",
    "bl": "BL",
    "barnetslov": "BL",
    "abl": "ABL",
    "almenboligloven": "ABL",
    "lovomalmeneboliger": "ABL",
    "sul": "SUL",
    "sundhedsloven": "SUL",
}
_PARTS = re.compile(r"/|\+|,|;|\bog\b")
_SECTION = re.compile(r"^(?P<law>[a-zæøå. ]*?)\s*(?P<number>\d+)(?:\s?(?P<letter>[a-z])(?![a-zæøå]))?(?P<rest>.*)$")


def _key(spelling: str) -> str:
    """A spelling compared as the catalogue compares codes: no case, spaces or '§'."""
    return spelling.replace("§", "").replace(" ", "").casefold()


def code(spelling: str, law: str = "SEL", extra: Mapping[str, str] | None = None) -> str | None:
    """The catalogue code of one spelling, or None when no reading of it is in the catalogue."""
    known = catalogue()
    own = {_key(k): v for k, v in (extra or {}).items()}
    if _key(spelling) in own:
        return own[_key(spelling)]
    by_key = {_key(c): c for c in known}
    if _key(spelling) in by_key:
        return by_key[_key(spelling)]
    found = [c for c in (_section(part, law) for part in _PARTS.split(spelling.casefold())) if c is not None]
    return max((c for c in found if c in known), key=_highest_step, default=None)


def _highest_step(found: str) -> int:
    """How intensive the help under a code is: its highest default step on any staircase (0 for none)."""
    return max((step for step in catalogue()[found].steps.values() if step is not None), default=0)


def _section(part: str, default_law: str) -> str | None:
    match = _SECTION.match(part.replace("§", " ").strip())
    if match is None:
        return None
    written = re.sub(r"[ .]", "", match["law"])
    law = LAWS.get(written) if written else default_law
    if law is None:
        return None
    return f"{law}{match['number']}{match['letter'] or ''}"


def codes(spellings: Iterable[str], law: str = "SEL", extra: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """The code of each distinct spelling (None where there is none): a file has few distinct spellings."""
    return {spelling: code(spelling, law, extra) for spelling in set(spellings)}
