"""Datakilder: the source systems' exports, the ottetals-kontrol, data quality over time and KL's checklist.

Only roles that see every citizen (controller, administrator) come here: the extracts hold lines of citizens who
may not be in the ledger at all, so no narrower scope can be worked out for them. Every page with person-level
rows writes an audit row naming the ledger's citizen ids behind the shown pseudonyms.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dispo.domain.checklist import checklist, source
from dispo.engine.reconciliation import CATEGORIES
from dispo.services import data_quality, reconciling, source_lines, sources
from dispo.services.canonical import InvalidData
from dispo.services.profiles import load_profile, shipped_profiles
from dispo.services.source_lines import KINDS, Window
from dispo.store.access import SEES_EVERY_CITIZEN
from dispo.store.models import AuditEntry, Citizen
from dispo.store.sources.models import KIND_CHOICES, ChecklistStatus
from dispo.web.charts import Series, line_chart, one_decimal
from dispo.web.views.common import requested_download, require_role

_table_download = partial(requested_download, totals=False)
"""Downloads of tables that carry their own totals, or whose columns do not add up."""

ROLES = tuple(SEES_EVERY_CITIZEN)
KIND_LABELS = dict(KIND_CHOICES)
PAIR_SLUGS = {
    "fag-afregning": ("case", "settlement"),
    "fag-oekonomi": ("case", "finance"),
    "afregning-oekonomi": ("settlement", "finance"),
}
PREVIEW_HEADERS = {
    "row": "Række",
    "cpr_masked": "CPR-nummer",
    "paragraph": "Paragraf",
    "account_function": "Funktion",
    "provider": "Leverandør",
    "start": "Fra",
    "end": "Til",
    "price_basis": "Prisgrundlag",
    "rate": "Takst",
    "month": "Måned",
    "amount": "Beløb",
    "reference": "Reference",
}
SUMMARY_HEADERS = {
    "pair": "Par",
    "label": "Paragraf / funktion",
    "lines_a": "Linjer A",
    "lines_b": "Linjer B",
    "only_in_a": "Kun i A (borgere)",
    "only_in_b": "Kun i B (borgere)",
    "differs_from_a": "Afviger set fra A",
    "differs_from_b": "Afviger set fra B",
    "equal_a": "Ens",
}
LINE_HEADERS = {
    "side": "Kilde",
    "cpr_masked": "CPR-nummer",
    "label": "Paragraf / funktion",
    "provider": "Leverandør",
    "start": "Fra",
    "end": "Til",
    "rate": "Beløb i perioden",
    "differs": "Afviger i",
    "provider_other": "Anden side: leverandør",
    "start_other": "Anden side: fra",
    "end_other": "Anden side: til",
    "rate_other": "Anden side: beløb",
    "export_rows": "Rækker i udtrækket",
}
AMOUNT_HEADERS = {
    "label": "Paragraf / funktion",
    "granted": "Bevilget (beregnet)",
    "settled": "Afregnet",
    "booked": "Bogført",
    "settled_minus_granted": "Afregnet − bevilget",
    "booked_minus_settled": "Bogført − afregnet",
}
QUALITY_HEADERS = {
    "source": "Kilde",
    "measured_on": "Dato",
    "file_name": "Fil",
    "rows": "Rækker",
    "problem_rows": "Rækker med fejl",
    "duplicate_rows": "Gentagne rækker",
    "unknown_paragraphs": "Ukendt paragraf/funktion",
    "without_citizen": "Uden borger",
    "unmatched_citizens": "Borger ukendt i fagsystemet",
    "clean_rows": "Rene rækker",
    "score": "Kvalitet (%)",
}
CATEGORY_LABELS = {
    "only_in_a": "Kun i {a}",
    "only_in_b": "Kun i {b}",
    "differs_from_a": "Afviger set fra {a}",
    "differs_from_b": "Afviger set fra {b}",
    "equal_a": "Ens",
}
DIFFERS = {"provider": "leverandør", "start": "første måned", "end": "sidste måned", "rate": "beløb"}


def _guard(request: HttpRequest) -> None:
    require_role(request, *ROLES)


def _window(request: HttpRequest, lines: dict[str, pl.DataFrame]) -> Window:
    """The months asked for (?fra=ÅÅÅÅ-MM&til=ÅÅÅÅ-MM, within one year), else `reconciling.default_window`."""
    try:
        first = date.fromisoformat(request.GET.get("fra", "") + "-01")
        last_month = date.fromisoformat(request.GET.get("til", "") + "-01")
        last = (pl.Series([last_month]).dt.month_end()).item()
        return Window(first, last)
    except ValueError:
        return reconciling.default_window(lines, timezone.localdate())


def _query(window: Window) -> str:
    return f"fra={window.first:%Y-%m}&til={window.last:%Y-%m}"


def _audit(request: HttpRequest, action: str, pseudonyms: list[str]) -> None:
    """An audit row naming the ledger's citizens behind the pseudonyms shown (others are not in the ledger)."""
    ids = Citizen.objects.filter(cpr_pseudonym__in=set(pseudonyms)).values_list("citizen_id", flat=True)
    AuditEntry.record(request, action, sorted(ids))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The current extract of each kind of source, with its quality, and the way to everything else."""
    _guard(request)
    extracts = sources.current_extracts()
    rows = [{"kind": kind, "label": KIND_LABELS[kind], "extract": extracts.get(kind)} for kind in KINDS]
    return render(request, "dispo/sources/index.html", {"rows": rows})


def _profiles() -> list[tuple[str, str]]:
    return [(name, load_profile(path).title) for name, path in sorted(shipped_profiles().items())]


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Choose a profile and a file: a preview of the mapped rows and every problem, or why the file is refused."""
    _guard(request)
    context: dict[str, Any] = {"profiles": _profiles(), "chosen": request.POST.get("profile", "")}
    if request.method != "POST":
        return render(request, "dispo/sources/upload.html", context)
    file = request.FILES.get("fil")
    profile = request.POST.get("profile", "")
    if file is None or profile not in shipped_profiles():
        context["error"] = "Vælg både en profil og en fil."
        return render(request, "dispo/sources/upload.html", context, status=400)
    path = sources.keep_upload(file.name or "udtraek", file.chunks())
    try:
        reading = sources.read_extract(profile, path, file.name)
    except InvalidData as refused:
        sources.discard_upload(path.parent.name)
        context |= {"refused": refused.problems, "file_name": file.name}
        return render(request, "dispo/sources/upload.html", context, status=400)
    preview = reading.preview()
    context |= {
        "reading": reading,
        "kind_label": KIND_LABELS[reading.kind],
        "token": path.parent.name,
        "headers": PREVIEW_HEADERS,
        "preview": preview.to_dicts(),
        "problems": reading.problems,
        "into_ledger": request.POST.get("ledger") == "1",
    }
    AuditEntry.record(request, "datakilde-forhaandsvisning", [], {"profil": profile, "fil": reading.file})
    return render(request, "dispo/sources/preview.html", context)


@login_required
@require_POST
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Import the waiting file (action=confirm) or discard it (action=cancel); the file is deleted either way."""
    _guard(request)
    path = sources.upload_path(token)
    if path is None:
        raise Http404("Filen venter ikke længere; indlæs den igen.")
    profile = request.POST.get("profile", "")
    try:
        if request.POST.get("action") != "confirm" or profile not in shipped_profiles():
            messages.info(request, f"{path.name} er ikke indlæst.")
            return redirect("sources")
        reading = sources.read_extract(profile, path, request.POST.get("name") or path.name)
        stored = sources.store_extract(
            reading, path, user=request.user.get_username(), into_ledger=request.POST.get("ledger") == "1"
        )
    except InvalidData as refused:
        context = {"profiles": _profiles(), "chosen": profile, "refused": refused.problems, "file_name": path.name}
        return render(request, "dispo/sources/upload.html", context, status=400)
    finally:
        sources.discard_upload(token)
    if stored.added:
        messages.success(request, f"{reading.file} er indlæst: {reading.rows} rækker, {reading.problem_rows} med fejl.")
    else:
        messages.info(request, f"{reading.file} er allerede indlæst; intet er ændret.")
    return redirect("sources")


def _comparisons(lines: dict[str, pl.DataFrame], window: Window) -> list[reconciling.Comparison]:
    return [
        reconciling.compare(a, lines[a], b, lines[b], window) for a, b in reconciling.PAIRS if a in lines and b in lines
    ]


def _slug(a: str, b: str) -> str:
    return next(slug for slug, pair in PAIR_SLUGS.items() if pair == (a, b))


def _labelled(summary: pl.DataFrame) -> pl.DataFrame:
    labels = {key: reconciling.key_label(key) for key in summary["paragraph"].to_list()}
    return summary.with_columns(label=pl.col("paragraph").replace_strict(labels, return_dtype=pl.String))


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    """The ottetals-kontrol: per pair and key the sizes, the four counts and the equal lines, each a link."""
    _guard(request)
    lines = sources.current_lines()
    window = _window(request, lines)
    comparisons = _comparisons(lines, window)
    table = pl.concat(
        [
            _labelled(c.summary).with_columns(pair=pl.lit(f"{KIND_LABELS[c.a]} – {KIND_LABELS[c.b]}"))
            for c in comparisons
        ]
        or [pl.DataFrame(schema={"pair": pl.String, "label": pl.String})],
        how="diagonal",
    )
    if response := _table_download(
        request, table, f"ottetals-kontrol-{window.first:%Y-%m}-{window.last:%Y-%m}", SUMMARY_HEADERS
    ):
        return response
    pairs = [
        {
            "slug": _slug(c.a, c.b),
            "a": KIND_LABELS[c.a],
            "b": KIND_LABELS[c.b],
            "rows": _labelled(c.summary).to_dicts(),
            "totals": c.summary.select(pl.exclude("paragraph").sum()).row(0, named=True) if c.summary.height else {},
        }
        for c in comparisons
    ]
    missing = [KIND_LABELS[k] for k in KINDS if k not in lines]
    context = {"pairs": pairs, "window": window, "query": _query(window), "missing": missing}
    return render(request, "dispo/sources/reconciliation.html", context)


@login_required
def reconciliation_lines(request: HttpRequest, pair: str) -> HttpResponse:
    """The lines behind one count of one pair (?kategori=…&noegle=…): both sides' values, what differs, and the
    export rows, CPR masked."""
    _guard(request)
    if pair not in PAIR_SLUGS:
        raise Http404("Ukendt par af kilder.")
    a, b = PAIR_SLUGS[pair]
    category = request.GET.get("kategori") or "only_in_a"
    if category not in CATEGORIES:
        return HttpResponseBadRequest("Ukendt kategori.", content_type="text/plain")
    lines = sources.current_lines()
    for kind in (a, b):
        lines.setdefault(kind, pl.DataFrame(schema=source_lines.LINE))
    window = _window(request, lines)
    found = reconciling.compare(a, lines[a], b, lines[b], window).lines.filter(pl.col("category") == category)
    key = request.GET.get("noegle")
    if key:
        found = found.filter(pl.col("paragraph") == key)
    names = {"a": KIND_LABELS[a], "b": KIND_LABELS[b]}
    table = found.with_columns(
        side=pl.col("source").replace_strict(names, return_dtype=pl.String),
        label=pl.col("paragraph").map_elements(reconciling.key_label, return_dtype=pl.String),
        differs=pl.col("differs").str.split(",").list.eval(pl.element().replace(DIFFERS)).list.join(", "),
        export_rows=pl.col("rows").list.eval(pl.element().cast(pl.String)).list.join(", "),
    ).sort("citizen", "source")
    _audit(request, "ottetals-kontrol", table["citizen"].to_list())
    title = CATEGORY_LABELS[category].format(a=names["a"], b=names["b"])
    if category == "equal_b":
        title = "Ens"
    if response := _table_download(request, table, f"ottetals-kontrol-{pair}-{category}", LINE_HEADERS):
        return response
    context = {
        "rows": table.drop("citizen").to_dicts(),
        "headers": LINE_HEADERS,
        "title": title,
        "a": names["a"],
        "b": names["b"],
        "key_label": reconciling.key_label(key) if key else "alle",
        "window": window,
        "query": f"{_query(window)}&kategori={category}&noegle={key or ''}",
        "back": _query(window),
    }
    return render(request, "dispo/sources/lines.html", context)


@login_required
def amounts(request: HttpRequest) -> HttpResponse:
    """What the grants say should be paid, what was settled and what was booked, per paragraph or function."""
    _guard(request)
    lines = sources.current_lines()
    window = _window(request, lines)
    table = reconciling.amounts(lines, window).with_columns(
        label=pl.col("key").map_elements(reconciling.key_label, return_dtype=pl.String).fill_null("Uden paragraf")
    )
    if response := _table_download(
        request, table, f"beloeb-side-om-side-{window.first:%Y-%m}-{window.last:%Y-%m}", AMOUNT_HEADERS
    ):
        return response
    money = ["granted", "settled", "booked", "settled_minus_granted", "booked_minus_settled"]
    context = {
        "rows": table.to_dicts(),
        "totals": table.select(pl.col(money).sum()).row(0, named=True),
        "headers": AMOUNT_HEADERS,
        "window": window,
        "query": _query(window),
    }
    return render(request, "dispo/sources/amounts.html", context)


@login_required
def quality(request: HttpRequest) -> HttpResponse:
    """Data quality per source over time: the table of every measurement and a line chart per source."""
    _guard(request)
    table = data_quality.series().with_columns(
        source=pl.col("kind").replace_strict(KIND_LABELS, return_dtype=pl.String)
    )
    if response := _table_download(request, table, "datakvalitet", QUALITY_HEADERS):
        return response
    charts = []
    for kind in KINDS:
        points = table.filter(pl.col("kind") == kind)
        if points.height < 2:
            continue
        labels = [f"{d:%d.%m.%Y}" for d in points["measured_on"].to_list()]
        charts.append(
            line_chart(
                f"kvalitet-{kind}",
                f"Datakvalitet, {KIND_LABELS[kind].lower()}",
                f"Andel rene rækker i procent ved hver indlæsning af {KIND_LABELS[kind].lower()}et: "
                + ", ".join(f"{label} {one_decimal(v)} %" for label, v in zip(labels, points["score"], strict=True)),
                labels,
                [Series(KIND_LABELS[kind], points["score"].to_list())],
                fmt=one_decimal,
                height=260,
            )
        )
    context = {"rows": table.to_dicts(), "headers": QUALITY_HEADERS, "charts": charts, "measured": table.height}
    return render(request, "dispo/sources/quality.html", context)


@login_required
def checklist_page(request: HttpRequest) -> HttpResponse:
    """KL's eight steps with the municipality's own status, responsible and note; a change is saved and audited."""
    _guard(request)
    statuses = {s.step: s for s in ChecklistStatus.objects.all()}
    if request.method == "POST":
        return _save_step(request, statuses)
    pairs = [(step, statuses.get(step.number) or ChecklistStatus(step=step.number)) for step in checklist()]
    table = pl.DataFrame(
        [
            {
                "number": step.number,
                "title": step.title,
                "status": status.get_status_display(),
                "responsible": status.responsible,
                "note": status.note,
                "updated_by": status.updated_by,
                "updated_at": f"{timezone.localtime(status.updated_at):%d.%m.%Y %H:%M}" if status.updated_at else "",
            }
            for step, status in pairs
        ]
    )
    headers = {
        "number": "Trin",
        "title": "Trin i KL's tjekliste",
        "status": "Status",
        "responsible": "Ansvarlig",
        "note": "Note",
        "updated_by": "Ændret af",
        "updated_at": "Ændret",
    }
    if response := _table_download(request, table, "kl-tjekliste", headers):
        return response
    rows = [{"step": step, "status": status} for step, status in pairs]
    context = {"rows": rows, "choices": ChecklistStatus.Status.choices, "source": source()}
    return render(request, "dispo/sources/checklist.html", context)


def _save_step(request: HttpRequest, statuses: dict[int, ChecklistStatus]) -> HttpResponse:
    numbers = {s.number for s in checklist()}
    try:
        number = int(request.POST.get("step", ""))
    except ValueError:
        number = 0
    status = request.POST.get("status", "")
    if number not in numbers or status not in ChecklistStatus.Status.values:
        return HttpResponseBadRequest("Ukendt trin eller status.", content_type="text/plain")
    entry = statuses.get(number) or ChecklistStatus(step=number)
    entry.status = status
    entry.responsible = request.POST.get("responsible", "").strip()[:200]
    entry.note = request.POST.get("note", "").strip()
    entry.updated_by = request.user.get_username()
    entry.updated_at = timezone.now()
    entry.save()
    arguments = {"trin": number, "status": status, "ansvarlig": entry.responsible}
    AuditEntry.record(request, "tjekliste-aendring", [], arguments)
    messages.success(request, f"Trin {number} er gemt.")
    return redirect(f"{request.path}#trin-{number}")
