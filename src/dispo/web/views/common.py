"""What every page needs: the year and as-of date asked for, the ledger, downloads, role checks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from dispo.services import exports
from dispo.store.access import Role, roles_of


def period(request: HttpRequest) -> tuple[int, date]:
    """The as-of date (?dato=ÅÅÅÅ-MM-DD, default today) and year (?aar=, default the date's year)."""
    try:
        as_of = date.fromisoformat(request.GET.get("dato", "")) if request.GET.get("dato") else date.today()
        year = int(request.GET.get("aar") or as_of.year)
    except ValueError:
        as_of, year = date.today(), date.today().year
    return year, as_of


def year_asked(request: HttpRequest) -> int:
    """The year asked for (?aar=), this year when none or not a number: for pages of a whole year."""
    try:
        return int(request.GET.get("aar") or date.today().year)
    except ValueError:
        return date.today().year


def require_role(request: HttpRequest, *roles: Role) -> None:
    if not roles_of(request.user) & set(roles):
        raise PermissionDenied("Din rolle giver ikke adgang til denne side.")


def download(
    table: pl.DataFrame, fmt: str, name: str, headers: dict[str, str] | None = None, totals: bool = True
) -> HttpResponse:
    """The table as an XLSX or CSV attachment; `totals=False` for a table that carries its own total rows."""
    if fmt == "xlsx":
        body: Any = exports.to_xlsx(table, sheet=name, headers=headers, totals=totals)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = exports.to_csv(table).encode("utf-8-sig")
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


DOWNLOAD_FORMATS = ("xlsx", "csv")


def requested_download(
    request: HttpRequest, table: pl.DataFrame, name: str, headers: Mapping[str, str], totals: bool = True
) -> HttpResponse | None:
    """The table as the download asked for by ?format=, or None when the page itself is asked for.

    The download holds the page's rows under the page's Danish headings (the CSV too, in its header row);
    `totals=False` for a table that carries its own total rows or whose columns do not add up."""
    fmt = request.GET.get("format")
    if not fmt:
        return None
    if fmt not in DOWNLOAD_FORMATS:
        return HttpResponseBadRequest(
            f"Ukendt format »{fmt}«. Vælg format=xlsx (Excel) eller format=csv.",
            content_type="text/plain; charset=utf-8",
        )
    shown = {column: label for column, label in headers.items() if column in table.columns}
    rows = table.select(list(shown))
    return download(rows.rename(shown) if fmt == "csv" else rows, fmt, name, shown, totals=totals)
