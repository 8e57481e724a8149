"""Shares as Danish percentages for the screening pages: 0.294 → "29 %"."""

from __future__ import annotations

from typing import Any

from django import template

from dispo.services.exports import danish_number

register = template.Library()


@register.filter
def pct(value: Any) -> str:
    """A share as a whole percent; an empty cell for no value."""
    if value is None or value == "":
        return ""
    return f"{danish_number(float(value) * 100, 0)} %"


@register.filter
def pct1(value: Any) -> str:
    """A share as a percent with one decimal (6,7 %), for the small shares of the key figures."""
    if value is None or value == "":
        return ""
    return f"{danish_number(float(value) * 100, 1)} %"
