"""Keys of the synthetic tables: the municipality code, a letter and a zero-padded number."""

from __future__ import annotations

import polars as pl


def numbered(prefix: str, number: pl.Expr, width: int) -> pl.Expr:
    """`prefix` + (number + 1) padded to `width` digits, e.g. 999-G000001."""
    return pl.concat_str(pl.lit(prefix), (number + 1).cast(pl.String).str.zfill(width))


def width(count: int) -> int:
    """Digits for numbering `count` rows (at least six)."""
    return max(6, len(str(count)))
