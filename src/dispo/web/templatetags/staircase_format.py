"""Number formats of the staircase pages, after the seed's picture: 2,3 mio. kr., 88,57 months, +1.234 kr."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from dispo.services.exports import danish_number

register = template.Library()


@register.filter
def mio(value: Any) -> str:
    """Kroner in millions with one decimal (2,3)."""
    return "" if value is None else danish_number(float(value) / 1_000_000, 1)


@register.filter
def months(value: Any) -> str:
    """A duration in months with two decimals (88,57)."""
    return danish_number(value, 2)


@register.filter
def signed_kr(value: Any) -> str:
    """Whole kroner with a sign, so a change reads as a change (+1.234; −567)."""
    if value is None:
        return ""
    return ("+" if value > 0 else "−" if value < 0 else "") + danish_number(abs(value), 0)


@register.filter
def per_day(value: Any, days: int) -> float | None:
    """A yearly amount per day of a year of `days` days."""
    return None if value is None else float(value) / days


@register.filter
def get(mapping: Mapping[str, Any], key: str) -> Any:
    return mapping.get(key)
