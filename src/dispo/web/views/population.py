"""The administrator's population table (/administration/befolkning/): upload Danmarks Statistik's FOLK1A in the
browser and see what is stored per municipality and year.

An upload is the same import as `dispo import-population FILE` (`services.population.import_folk1a`): validated
whole, all or nothing, the quarters it brings replacing the stored ones. The page answers with every problem
(row, column, value, what was expected) or with the counts just imported, and writes an audit entry either way.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dispo.services.canonical import InvalidData
from dispo.services.growth import inhabitants_table
from dispo.services.population import import_folk1a
from dispo.store.access import Role
from dispo.store.models import AuditEntry
from dispo.web.views.common import download, require_role

HEADERS = {
    "municipality": "Kommunekode",
    "area_name": "Kommune",
    "year": "År",
    "quarters": "Kvartaler",
    "alle": "Indbyggere i alt",
    "voksne": "Indbyggere 18-66 år",
    "boern": "Indbyggere 0-17 år",
}
COLUMNS = list(HEADERS)
SHOWN_PROBLEMS = 200
"""A file wrong in every row could list thousands of problems; the page shows the first ones and says how many."""


def _stored(table: pl.DataFrame) -> list[dict[str, Any]]:
    return table.select(COLUMNS).to_dicts()


@login_required
def population(request: HttpRequest) -> HttpResponse:
    """The stored population per municipality and year (downloadable), and the upload of a FOLK1A file."""
    require_role(request, Role.ADMINISTRATOR)
    stored = inhabitants_table()
    fmt = request.GET.get("format")
    if request.method != "POST" and fmt in ("xlsx", "csv"):
        return download(stored.select(COLUMNS), fmt, "befolkning", HEADERS, totals=False)
    context: dict[str, Any] = {"stored": _stored(stored)}
    if request.method != "POST":
        return render(request, "dispo/admin/population.html", context)
    upload = request.FILES.get("fil")
    if upload is None:
        context["error"] = "Vælg en fil med FOLK1A fra Statistikbanken (semikolonsepareret CSV)."
        return render(request, "dispo/admin/population.html", context, status=400)
    name = Path(upload.name or "folk1a.csv").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            result = import_folk1a(path)
        except InvalidData as refused:
            AuditEntry.record(request, "befolkning-afvist", [], {"fil": name, "problemer": len(refused.problems)})
            context |= {
                "file_name": name,
                "refused": refused.problems[:SHOWN_PROBLEMS],
                "refused_count": len(refused.problems),
            }
            return render(request, "dispo/admin/population.html", context, status=400)
    imported = {"fil": name, "rækker": result.rows, "kommuner": list(result.municipalities)}
    AuditEntry.record(request, "befolkning-indlaest", [], {**imported, "kvartaler": list(result.quarters)})
    years = tuple(sorted({int(q[:4]) for q in result.quarters}))
    context |= {
        "file_name": name,
        "result": result,
        "imported": _stored(inhabitants_table(result.municipalities, years)) if result.cells else [],
        "stored": _stored(inhabitants_table()),
    }
    return render(request, "dispo/admin/population.html", context)
