"""Danish number formats for the templates: 1.234.567 kr., 22,8 årsværk."""

from __future__ import annotations

from typing import Any

from django import template

from dispo.services.exports import danish_number

register = template.Library()


@register.filter
def kr(value: Any) -> str:
    """Whole kroner with a dot as thousands separator; an empty cell for no value."""
    return danish_number(value, 0)


@register.filter
def kr2(value: Any) -> str:
    return danish_number(value, 2)


@register.filter
def fte(value: Any) -> str:
    return danish_number(value, 1)


@register.filter
def fte3(value: Any) -> str:
    return danish_number(value, 3)


@register.filter
def dkdate(value: Any) -> str:
    return "" if value is None else value.strftime("%d-%m-%Y")
