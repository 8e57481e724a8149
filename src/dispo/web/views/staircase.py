"""The intervention staircase in the browser (/indsatstrappen/): the staircase picture per model and date, the
movements between two dates with their citizens, why expenses grow, the averages a caseworker decides by, and
the administrator's editor of the models.

The picture, the matrix, the growth and the averages are aggregates; the citizens behind a cell of the matrix
are person-level, so that page shows only the citizens the user may see, masked, and writes an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import polars as pl
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dispo.domain.paragraphs import UnknownParagraph, label, paragraph
from dispo.domain.staircase import staircase_models
from dispo.domain.target_groups import target_groups
from dispo.engine.growth import PARTS
from dispo.engine.periods import days_in_year
from dispo.services import current, growth, staircases
from dispo.services.exports import danish_number
from dispo.services.population import population_by_year
from dispo.store.access import Role, roles_of
from dispo.store.followups.models import FollowUp
from dispo.store.models import AuditEntry, Citizen, Provider
from dispo.store.staircases.models import StaircaseVersion
from dispo.web.charts import RED, Series, line_chart, one_decimal, stacked_bar_chart
from dispo.web.staircase_charts import waterfall_chart
from dispo.web.views.common import download, require_role
from dispo.web.views.dashboard import PROVIDER_TYPE_LABELS, checked_period

ROLES = (Role.LEADER, Role.CONTROLLER, Role.ANALYST, Role.ADMINISTRATOR)
"""Who steers on the staircase: everyone who sees aggregates (caseworkers see the averages only)."""
AVERAGE_ROLES = (*ROLES, Role.CASEWORKER)
DEFAULT_MODEL = "voksen_handicap"
HEADERS = {
    "step": "Trin",
    "name": "Navn",
    "fte": "Årsværk",
    "citizens": "Unik cpr",
    "cost": "Forv. udgift",
    "avg_price": "Gennemsnitspris pr. år",
    "avg_duration_months": "Gns. varighed i måneder",
    "grants": "Aktive indsatser på datoen",
    "from_step": "Fra trin",
    "to_step": "Til trin",
    "cost_change": "Ændring i årlig udgift",
    "cost_before": "Årlig udgift før",
    "cost_after": "Årlig udgift efter",
    "citizen_id": "Borger-id",
    "cpr": "CPR (maskeret)",
    "kind": "Bevægelse",
    "paragraph": "Paragraf",
    "title": "Titel",
    "before": "Udgift før",
    "after": "Udgift efter",
    "change": "Ændring",
    "volume": "Volumen (årsværk)",
    "price": "Pris (gennemsnitspris)",
    "mix": "Mix (leverandører og trin)",
    "other": "Andet (engangsudgifter m.m.)",
    "year": "År",
    "inhabitants": "Indbyggere",
    "per_inhabitant": "Udgift pr. indbygger",
    "index": "Indeks",
    "target_group": "Målgruppe",
    "provider_type": "Leverandørtype",
    "avg_price_per_day": "Gennemsnitspris pr. dag",
}
PART_LABELS = {"volume": "Volumen", "price": "Pris", "mix": "Mix", "other": "Andet"}
AGE_LABELS = {"voksne": "18-66 år", "boern": "0-17 år", "alle": "alle aldre"}


def _model(request: HttpRequest, problems: list[str]) -> staircases.EffectiveModel:
    """The model asked for (?model=…), default adult disability, with a message for an unknown one."""
    name = request.GET.get("model") or DEFAULT_MODEL
    if name not in staircase_models():
        known = ", ".join(m.label for m in staircase_models().values())
        problems.append(f"Trappemodellen «{name}» findes ikke (vælg mellem {known}); siden viser Voksenhandicap.")
        name = DEFAULT_MODEL
    return staircases.effective_model(name)


def _format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format")
    return fmt if fmt in ("xlsx", "csv") else None


def _base(request: HttpRequest, page: str, problems: list[str], **context: Any) -> dict[str, Any]:
    return {"page": page, "problems": problems, "models": staircases.effective_models(), **context}


@login_required
def picture(request: HttpRequest) -> HttpResponse:
    """The staircase picture: per step the five figures of the seed's model, for one model and date."""
    require_role(request, *ROLES)
    year, as_of, problems = checked_period(request)
    model = _model(request, problems)
    frame = current.grant_frame(year, as_of)
    table = staircases.picture(frame, model, as_of)
    if fmt := _format(request):
        return download(table, fmt, f"indsatstrappen-{model.name}-{as_of:%Y-%m-%d}", HEADERS)
    context = _base(
        request,
        "picture",
        problems,
        model=model,
        model_groups=[target_groups()[code].label for code in model.target_groups],
        rows=table.to_dicts(),
        total=staircases.picture_total(frame, model, as_of),
        year=year,
        as_of=as_of,
    )
    return render(request, "dispo/staircase/picture.html", context)


def _dates(request: HttpRequest, problems: list[str]) -> tuple[date, date]:
    """The two dates of a movement (?fra=, ?til=): by default a year up to today."""
    second = _date(request.GET.get("til"), date.today(), "til", problems)
    first = _date(request.GET.get("fra"), _year_before(second), "fra", problems)
    if first >= second:
        problems.append(
            f"Fra-datoen {first:%d-%m-%Y} skal ligge før til-datoen {second:%d-%m-%Y}; "
            "siden viser året op til til-datoen."
        )
        first = _year_before(second)
    return first, second


def _date(text: str | None, default: date, name: str, problems: list[str]) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"Datoen «{text}» ({name}) kan ikke læses. Skriv den som ÅÅÅÅ-MM-DD, fx 2025-06-30.")
        return default


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@login_required
def movements(request: HttpRequest) -> HttpResponse:
    """Who moved between two dates: the from-step × to-step matrices of citizens and of the change in yearly
    cost, the five kinds of movement as a chart, and a link from each cell to its citizens."""
    require_role(request, *ROLES)
    problems: list[str] = []
    model = _model(request, problems)
    first, second = _dates(request, problems)
    moved = staircases.movements(current.ledger(), model, first, second)
    cells = staircases.matrix(moved, model)
    kinds = staircases.movement_kinds(moved)
    if fmt := _format(request):
        table = kinds if request.GET.get("tabel") == "bevaegelser" else cells
        return download(table, fmt, f"bevaegelser-{model.name}-{first:%Y-%m-%d}-{second:%Y-%m-%d}", HEADERS)
    context = _base(
        request,
        "movements",
        problems,
        model=model,
        first=first,
        second=second,
        grid=_grid(cells, model),
        kinds=kinds.to_dicts(),
        total={"citizens": moved.height, "cost_change": float(moved["cost_change"].sum())},
        chart=_movement_chart(kinds, first, second),
        query=f"model={model.name}&fra={first.isoformat()}&til={second.isoformat()}",
    )
    return render(request, "dispo/staircase/movements.html", context)


def _grid(cells: pl.DataFrame, model: staircases.EffectiveModel) -> list[dict[str, Any]]:
    """The matrix as rows of cells for the template: one row per from-step, one cell per to-step (None for the
    empty corner "not on the staircase" → "not on the staircase")."""
    numbers = [0, *(s.number for s in model.steps)]
    found = {(r["from_step"], r["to_step"]): r for r in cells.iter_rows(named=True)}
    return [
        {
            "step": a,
            "name": model.step_name(a),
            "cells": [found.get((a, b)) for b in numbers],
            "citizens": sum(found[(a, b)]["citizens"] for b in numbers if (a, b) in found),
            "cost_change": sum(found[(a, b)]["cost_change"] for b in numbers if (a, b) in found),
        }
        for a in numbers
    ]


def _movement_chart(kinds: pl.DataFrame, first: date, second: date) -> str:
    labels = [f"{k} ({n} borgere)" for k, n in zip(kinds["kind"], kinds["citizens"], strict=True)]
    values = kinds["cost_change"].to_list()
    return stacked_bar_chart(
        "movement-chart",
        "Ændring i årlig udgift efter bevægelse",
        f"Ændringen i borgernes årlige udgift fra {first:%d-%m-%Y} til {second:%d-%m-%Y}, delt efter om de kom på "
        "trappen, gik op, blev på samme trin, gik ned eller forlod trappen.",
        labels,
        [
            Series("Stigning", [max(v, 0.0) for v in values], "solid"),
            Series("Fald", [min(v, 0.0) for v in values], "solid", RED),
        ],
        width=640,
    )


@login_required
def moved_citizens(request: HttpRequest) -> HttpResponse:
    """The citizens behind one cell of the movement matrix, as far as the user may see them; audited."""
    require_role(request, *ROLES)
    problems: list[str] = []
    model = _model(request, problems)
    first, second = _dates(request, problems)
    start, end = _step(request, "fra_trin", model), _step(request, "til_trin", model)
    moved = staircases.movements(current.ledger(), model, first, second)
    cell = moved.filter(
        pl.lit(True) if start is None else pl.col("from_step") == start,
        pl.lit(True) if end is None else pl.col("to_step") == end,
    )
    visible = set(Citizen.objects.visible_to(request.user).values_list("citizen_id", flat=True))
    shown = (
        cell.filter(pl.col("citizen_id").is_in(list(visible)))
        .join(current.ledger()["citizens"].select("citizen_id", "cpr"), on="citizen_id", how="left")
        .select("citizen_id", "cpr", "from_step", "to_step", "cost_before", "cost_after", "cost_change")
        .sort("cost_change", descending=True)
    )
    AuditEntry.record(request, "trappe-bevaegelser", sorted(shown["citizen_id"].to_list()))
    if fmt := _format(request):
        return download(shown, fmt, f"bevaegelse-{first:%Y-%m-%d}-{second:%Y-%m-%d}", HEADERS)
    context = _base(
        request,
        "movements",
        problems,
        model=model,
        first=first,
        second=second,
        start_name=None if start is None else model.step_name(start),
        end_name=None if end is None else model.step_name(end),
        rows=shown.to_dicts(),
        hidden=cell.height - shown.height,
        totals=shown.select(pl.col("cost_before", "cost_after", "cost_change").sum()).row(0, named=True),
        citizen_root=reverse("citizen", args=["x"]).removesuffix("x/"),
        back=f"{reverse('staircase-movements')}?model={model.name}&fra={first.isoformat()}&til={second.isoformat()}",
    )
    return render(request, "dispo/staircase/moved_citizens.html", context)


def _step(request: HttpRequest, name: str, model: staircases.EffectiveModel) -> int | None:
    """The step asked for (None: any step); 404 for a step the model does not have."""
    text = request.GET.get(name, "")
    if not text:
        return None
    if not text.isdigit() or int(text) > len(model.steps):
        raise Http404(f"Trinnet «{text}» findes ikke i {model.label}.")
    return int(text)


def _years(request: HttpRequest, problems: list[str]) -> tuple[int, int, date]:
    """The two years to compare (?fra_aar=, ?til_aar=; default last year and this) and the as-of date."""
    _, as_of, period_problems = checked_period(request)
    problems += period_problems
    years = []
    for name, default in (("fra_aar", as_of.year - 1), ("til_aar", as_of.year)):
        text = request.GET.get(name) or ""
        if text and not (text.isdigit() and 2000 <= int(text) <= 2100):
            problems.append(f"Året «{text}» er ikke et årstal mellem 2000 og 2100; siden viser {default}.")
            text = ""
        years.append(int(text) if text else default)
    if years[0] >= years[1]:
        problems.append(
            f"Fra-året {years[0]} skal ligge før til-året {years[1]}; siden viser {as_of.year - 1}-{as_of.year}."
        )
        years = [as_of.year - 1, as_of.year]
    return years[0], years[1], as_of


def _target_groups(request: HttpRequest, problems: list[str]) -> tuple[str, ...]:
    code = request.GET.get("maalgruppe") or ""
    if code and code not in target_groups():
        problems.append(f"Målgruppen «{code}» findes ikke; siden viser alle målgrupper.")
        return ()
    return (code,) if code else ()


@dataclass(frozen=True)
class Comparison:
    """What the growth page compares: two years of the live ledger, or two frozen follow-ups. `labels` name the
    two sides in headings, columns and the chart; `keep` are the query arguments that ask for it again."""

    table: pl.DataFrame
    labels: tuple[str, str]
    keep: list[tuple[str, str]]
    file_name: str
    followups: tuple[FollowUp, FollowUp] | None


def _followups(request: HttpRequest, problems: list[str]) -> tuple[FollowUp, FollowUp] | None:
    """The two follow-ups to compare (?fra_opf=, ?til_opf=: their numbers), the earlier first; None to compare
    two years, with a message when the choice cannot be used."""
    texts = (request.GET.get("fra_opf") or "", request.GET.get("til_opf") or "")
    if not any(texts):
        return None
    found = FollowUp.objects.in_bulk([int(t) for t in texts if t.isdigit()])
    first, second = (found.get(int(t)) if t.isdigit() else None for t in texts)
    if first is None or second is None:
        problems.append("Vælg to budgetopfølgninger fra listerne; siden sammenligner i stedet to år.")
        return None
    if (first.year, first.as_of) >= (second.year, second.as_of):
        problems.append(
            f"Fra-opfølgningen ({first}) skal ligge før til-opfølgningen ({second}); siden sammenligner i stedet to år."
        )
        return None
    return first, second


def followup_label(followup: FollowUp) -> str:
    """A follow-up as the choice lists name it: its year, date and whether it is approved."""
    state = "godkendt" if followup.approved else "kladde"
    return f"{followup.year} pr. {followup.as_of:%d-%m-%Y} ({state})"


def _comparison(
    request: HttpRequest, problems: list[str], years: tuple[int, int], as_of: date, groups: tuple[str, ...]
) -> Comparison:
    """Two follow-ups when they are asked for and can be used, else the two years."""
    first_year, second_year = years
    group = [("maalgruppe", groups[0] if groups else "")]
    chosen = _followups(request, problems)
    if chosen is None:
        return Comparison(
            growth.why(first_year, second_year, as_of, groups),
            (str(first_year), str(second_year)),
            [("fra_aar", str(first_year)), ("til_aar", str(second_year)), ("dato", as_of.isoformat()), *group],
            f"udgiftsvaekst-{first_year}-{second_year}",
            None,
        )
    first, second = chosen
    return Comparison(
        growth.why_followups(first, second, groups),
        (f"{first.as_of:%d-%m-%Y}", f"{second.as_of:%d-%m-%Y}"),
        [("fra_opf", str(first.pk)), ("til_opf", str(second.pk)), ("dato", as_of.isoformat()), *group],
        f"udgiftsvaekst-opfoelgning-{first.as_of:%Y-%m-%d}-{second.as_of:%Y-%m-%d}",
        chosen,
    )


@login_required
def why(request: HttpRequest) -> HttpResponse:
    """Why expenses grow: per paragraph the change between two years, or between two follow-ups, split into
    volume, price, mix and other, and the development per inhabitant of the age group indexed to a base year."""
    require_role(request, *ROLES)
    problems: list[str] = []
    first_year, second_year, as_of = _years(request, problems)
    groups = _target_groups(request, problems)
    compared = _comparison(request, problems, (first_year, second_year), as_of, groups)
    table = compared.table.with_columns(title=pl.col("paragraph").map_elements(label, return_dtype=pl.String))
    development, index_context = _development(request, as_of, groups)
    fmt, which = _format(request), request.GET.get("tabel")
    if fmt:
        if which == "indeks":
            return download(development, fmt, f"udvikling-pr-indbygger-{index_context['base']}", HEADERS, totals=False)
        columns = ["paragraph", "title", "before", "after", "change", *PARTS]
        return download(table.select(columns), fmt, compared.file_name, HEADERS)
    totals = growth.total(table)
    context = _base(
        request,
        "why",
        problems,
        first=compared.labels[0],
        second=compared.labels[1],
        first_year=first_year,
        second_year=second_year,
        compared=compared.followups,
        followups=[(f.pk, followup_label(f)) for f in FollowUp.objects.order_by("-year", "-as_of")],
        as_of=as_of,
        group=target_groups()[groups[0]] if groups else None,
        groups=list(target_groups().values()),
        rows=table.to_dicts(),
        totals=totals,
        waterfall=_waterfall(totals, *compared.labels),
        parts_chart=_parts_chart(table),
        development=development.to_dicts(),
        **index_context,
        municipality=settings.MUNICIPALITY,
        keep=compared.keep,
        query=urlencode(compared.keep),
        may_upload=Role.ADMINISTRATOR in roles_of(request.user),
    )
    return render(request, "dispo/staircase/why.html", context)


def _development(request: HttpRequest, as_of: date, groups: tuple[str, ...]) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The indexed development per inhabitant (?alder=voksne|boern|alle, ?basis=year) over the ledger's years up
    to the as-of date (at most the last six) that have inhabitants, and what the page shows with it."""
    ages = request.GET.get("alder") or "voksne"
    ages = ages if ages in growth.AGE_GROUPS else "voksne"
    starts = current.ledger()["grants"]["start"]
    first = min(starts.min().year, as_of.year) if starts.len() else as_of.year  # type: ignore[union-attr]
    span = list(range(max(first, as_of.year - 5), as_of.year + 1))
    # Only years with inhabitants can be indexed; before any population is imported, show the expenses alone.
    known = population_by_year(settings.MUNICIPALITY, *growth.AGE_GROUPS[ages])
    years = [y for y in span if y in known] or span
    text = request.GET.get("basis") or ""
    base = int(text) if text.isdigit() and int(text) in years else years[0]
    development = growth.development(settings.MUNICIPALITY, years, as_of, base, growth.AGE_GROUPS[ages], groups)
    context = {
        "index_chart": _index_chart(development, base, AGE_LABELS[ages]),
        "has_population": development["inhabitants"].is_not_null().any(),
        "base": base,
        "years": years,
        "ages": ages,
        "age_labels": AGE_LABELS,
    }
    return development, context


def _waterfall(totals: dict[str, float], first: str, second: str) -> str:
    steps = [(PART_LABELS[p], totals[p]) for p in PARTS]
    return waterfall_chart(
        "growth-waterfall",
        f"Fra udgiften i {first} til udgiften i {second}",
        f"Udgiften i {first} på {danish_number(totals['before'], 0)} kr., ændringen delt i volumen, pris, mix og "
        f"andet, og udgiften i {second} på {danish_number(totals['after'], 0)} kr.",
        (first, totals["before"]),
        steps,
        (second, totals["after"]),
    )


def _parts_chart(table: pl.DataFrame) -> str:
    biggest = table.sort(pl.col("change").abs(), descending=True).head(10)
    labels = [_short(code) for code in biggest["paragraph"]]
    colours = {"volume": "#0b5394", "price": "#a61b1b", "mix": "#a04800", "other": "#4a5568"}
    return stacked_bar_chart(
        "growth-parts",
        "Ændringen pr. paragraf delt på årsager",
        "De op til 10 paragraffer med størst ændring; hver bjælke er delt i volumen, pris, mix og andet.",
        labels,
        [Series(PART_LABELS[p], biggest[p].to_list(), "solid", colours[p]) for p in PARTS],
        width=760,
    )


def _short(code: str) -> str:
    found = paragraph(code)
    return f"{found.law} § {found.section}"


def _index_chart(development: pl.DataFrame, base: int, ages: str) -> str:
    indexed = development.filter(pl.col("index").is_not_null())
    return line_chart(
        "growth-index",
        f"Udgift pr. indbygger ({ages}), indeks {base} = 100",
        f"Udgiften pr. indbygger i alderen {ages} år for år, som indeks med {base} = 100.",
        [str(y) for y in indexed["year"]],
        [Series("Indeks", indexed["index"].to_list(), "outlined")],
        fmt=one_decimal,
        width=640,
        height=300,
    )


@login_required
def averages(request: HttpRequest) -> HttpResponse:
    """Average price and duration by target group × provider type × step: what a caseworker compares with."""
    require_role(request, *AVERAGE_ROLES)
    year, as_of, problems = checked_period(request)
    groups = _target_groups(request, problems)
    table = _averages_table(year, as_of, groups)
    if fmt := _format(request):
        return download(table, fmt, f"gennemsnit-{as_of:%Y-%m-%d}", HEADERS, totals=False)
    context = _base(
        request,
        "averages",
        problems,
        rows=table.to_dicts(),
        group=target_groups()[groups[0]] if groups else None,
        groups=list(target_groups().values()),
        year=year,
        as_of=as_of,
    )
    return render(request, "dispo/staircase/averages.html", context)


def _averages_table(year: int, as_of: date, groups: tuple[str, ...]) -> pl.DataFrame:
    """The averages with Danish labels: target group, provider type and the step's name in its model."""
    frame = current.grant_frame(year, as_of)
    if groups:
        frame = frame.filter(pl.col("target_group").is_in(groups))
    names = pl.DataFrame(
        [
            (g.code, s.number, s.name)
            for g in target_groups().values()
            for s in staircases.effective_model(g.staircase_model).steps
        ],
        schema={"target_group": pl.String, "step": pl.Int32, "name": pl.String},
        orient="row",
    )
    provider_labels = {k: v for k, v in PROVIDER_TYPE_LABELS.items() if k is not None}
    return (
        staircases.averages(frame, as_of)
        .join(names, on=["target_group", "step"], how="left")
        .select(
            pl.col("target_group").replace_strict({g.code: g.label for g in target_groups().values()}),
            pl.col("provider_type").replace_strict(provider_labels, default=PROVIDER_TYPE_LABELS[None]),
            "step",
            "name",
            "grants",
            "citizens",
            "fte",
            "avg_price",
            (pl.col("avg_price") / days_in_year(year)).alias("avg_price_per_day"),
            "avg_duration_months",
        )
    )


@login_required
def grant_average(request: HttpRequest) -> HttpResponse:
    """For the grant form (htmx): the average price and duration of the chosen paragraph's step in its target
    group, with the chosen provider's type and with every provider type."""
    require_role(request, *AVERAGE_ROLES)
    _, as_of, _ = checked_period(request)
    context: dict[str, Any] = {"as_of": as_of}
    group = target_groups().get(request.GET.get("target_group") or "")
    try:
        para = paragraph(request.GET.get("paragraph") or "")
    except UnknownParagraph:
        para = None
    if group is None or para is None:
        return render(request, "dispo/staircase/_grant_average.html", {**context, "missing": True})
    model = staircases.effective_model(group.staircase_model)
    step = model.assignments.get(para.code)
    provider = Provider.objects.filter(provider_id=request.GET.get("provider") or None).first()
    context.update(group=group, paragraph=para, model=model, step=step, provider=provider)
    if step is not None:
        in_group = current.grant_frame(as_of.year, as_of).filter(pl.col("target_group") == group.code)
        table = staircases.averages(in_group, as_of)
        on_step = table.filter(pl.col("step") == step)
        context.update(
            step_name=model.step_name(step),
            all_types=_weighted(on_step),
            own_type=_weighted(on_step.filter(pl.col("provider_type") == provider.provider_type)) if provider else None,
            provider_label=PROVIDER_TYPE_LABELS.get(provider.provider_type) if provider else None,
            days=days_in_year(as_of.year),
        )
    return render(request, "dispo/staircase/_grant_average.html", context)


def _weighted(rows: pl.DataFrame) -> dict[str, Any]:
    """The average price (cost / årsværk) and duration over several provider types' rows."""
    fte, cost, grants = float(rows["fte"].sum()), float(rows["cost"].sum()), int(rows["grants"].sum())
    months = float((rows["avg_duration_months"].fill_null(0) * rows["grants"]).sum())
    return {
        "avg_price": cost / fte if fte > 0 else None,
        "avg_duration_months": months / grants if grants else None,
        "grants": grants,
    }


@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    """The staircase models in effect, each with its history of saved versions."""
    require_role(request, *ROLES)
    history = {m: list(StaircaseVersion.objects.filter(model=m)[:20]) for m in staircase_models()}
    context = _base(request, "models", [], history=history)
    return render(request, "dispo/staircase/models.html", context)


@login_required
def model_edit(request: HttpRequest) -> HttpResponse:
    """The administrator's editor of one model (?model=…): step names, the step of each paragraph, a reason."""
    require_role(request, Role.ADMINISTRATOR)
    name = request.GET.get("model") or DEFAULT_MODEL
    if name not in staircase_models():
        raise Http404(f"Trappemodellen «{name}» findes ikke.")
    model = staircases.effective_model(name)
    problems: list[str] = []
    names = [s.name for s in model.steps]
    chosen = {code: "" if step is None else str(step) for code, step in model.assignments.items()}
    reason = ""
    if request.method == "POST":
        names = [request.POST.get(f"trin_{i}", "") for i in range(1, staircases.MAX_STEPS + 1)]
        chosen = {code: request.POST.get(f"paragraf_{code}", "") for code in model.assignments}
        reason = request.POST.get("begrundelse", "")
        try:
            staircases.save_model(name, names, chosen, request.user.get_username(), reason)
        except staircases.InvalidModel as error:
            problems = error.problems
        else:
            messages.success(request, f"{model.label}: den nye version er gemt og gælder fra nu.")
            return redirect("staircase-models")
    slots = [*names, *[""] * (staircases.MAX_STEPS - len(names))][: staircases.MAX_STEPS]
    paragraphs = [
        {"code": p.code, "title": f"{p.law} § {p.section} {p.title}", "step": chosen.get(p.code, "")}
        for p in staircases.model_paragraphs(name)
    ]
    context = _base(
        request,
        "models",
        problems,
        model=model,
        slots=list(enumerate(slots, start=1)),
        paragraphs=paragraphs,
        reason=reason,
    )
    return render(request, "dispo/staircase/model_form.html", context, status=400 if problems else 200)
