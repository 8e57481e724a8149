"""How the source systems write a paragraph: the spellings a profile reads, and misspellings it cannot read.

Caseworkers and settlement clerks type the legal basis by hand, so one paragraph appears as `§ 108`, `SEL 108`,
`Serviceloven § 108`, `§108 stk. 1` or `108`; children's paragraphs always name their law (`BL 32`, `Barnets
lov § 32`: a number alone is read under serviceloven). Every spelling in `spellings` is read back to its code by
the profiles' paragraph rules (`dispo.services.profiles.paragraph_codes`), so it is realism, not a disagreement.
A `misspelling` is a typed digit too many (`SEL 1088`): no paragraph of the catalogue, so a profile cannot read
it and the row becomes an import problem.
"""

from __future__ import annotations

import re

import polars as pl

_CODE = re.compile(r"^(?P<law>[A-Z]+)(?P<number>\d+)(?P<letter>[a-z]?)$")


def _parts(code: str) -> tuple[str, str, str]:
    match = _CODE.match(code)
    if match is None:
        raise ValueError(f"{code!r} is not a catalogue code such as SEL108 or BL32")
    return match["law"], match["number"], match["letter"]


def spellings(code: str) -> tuple[str, ...]:
    """The ways the source systems write `code` that the profiles read back to it (the first is the usual one)."""
    law, number, letter = _parts(code)
    section = f"{number}{letter}"
    if law == "SEL":
        return (f"§ {section}", f"SEL {section}", f"Serviceloven § {section}", f"§{section} stk. 1", section)
    if law == "BL":
        return (f"BL {section}", f"Barnets lov § {section}")
    if law == "ABL":
        return (f"ABL {section}", f"ABL {section}/SEL 85")
    return (f"{law} {section}",)


def misspelling(code: str) -> str:
    """`code` with its last digit typed twice, under its law's abbreviation: `SEL108` → `SEL 1088`."""
    law, number, letter = _parts(code)
    return f"{law} {number}{number[-1]}{letter}"


def spelled(paragraph: pl.Expr, draw: pl.Expr, codes: list[str]) -> pl.Expr:
    """One of each paragraph's `spellings`, picked by `draw` (a uniform in [0, 1)), for the `codes` that occur."""
    table = {code: spellings(code) for code in codes}
    count = paragraph.replace_strict({c: len(s) for c, s in table.items()}, return_dtype=pl.Int64)
    index = (draw * count).floor().cast(pl.Int64)
    keys = pl.concat_str(paragraph, pl.lit("|"), index.cast(pl.String))
    lookup = {f"{code}|{i}": spelling for code, options in table.items() for i, spelling in enumerate(options)}
    return keys.replace_strict(lookup, return_dtype=pl.String)
