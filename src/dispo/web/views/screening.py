"""The screening of expensive single cases (/screening/): candidates and registration, the question set, the
aggregate file, the consortium's tables and charts, the ten hypotheses and a municipality's own report.

Registration is person-level: controllers and caseworkers register the citizens they may see
(`Citizen.objects.visible_to`), and every view or save is audited. Everything after it is aggregate — the
aggregate file never shows a cell under 5 — so leaders and analysts may see it, with no audit row.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import polars as pl
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from dispo.domain.municipalities import municipalities
from dispo.domain.screening import KIND_LABELS, Question, QuestionSet, first_question_set
from dispo.services.canonical import InvalidData
from dispo.services.exports import danish_number
from dispo.services.screening import aggregate, consortium, position, questions, registration
from dispo.store.access import Role, roles_of
from dispo.store.models import AuditEntry, Citizen
from dispo.store.screening.models import ConsortiumFile, QuestionSetVersion
from dispo.web.charts import bar_chart
from dispo.web.forms_screening import QuestionForm
from dispo.web.scatter import fit_text, scatter_chart
from dispo.web.views.common import period, requested_download, require_role

_table_download = partial(requested_download, totals=False)
"""Downloads of tables that carry their own totals, or whose columns do not add up."""

AREA = (Role.CONTROLLER, Role.LEADER, Role.ANALYST, Role.ADMINISTRATOR, Role.CASEWORKER)
REGISTERS = (Role.CONTROLLER, Role.CASEWORKER)
AGGREGATES = (Role.CONTROLLER, Role.LEADER, Role.ANALYST, Role.ADMINISTRATOR)
IMPORTS = (Role.CONTROLLER, Role.ANALYST, Role.ADMINISTRATOR)
STATUS = {"": "Ikke registreret", "kladde": "Kladde", "faerdig": "Færdig"}
CANDIDATE_HEADERS = {
    "cpr": "CPR-nummer",
    "citizen_id": "Borger-id",
    "gross": "Bruttoudgift i året",
    "bracket": "Udgiftsinterval (mio. kr.)",
    "age": "Alder",
    "status": "Registrering",
}
CELL_HEADERS = {"question": "Spørgsmål", "answer": "Svar", "count": "Antal borgere"}
MUNICIPALITY_HEADERS = {
    "region_name": "Region",
    "name": "Kommune",
    "municipality": "Kommunekode",
    "screened": "Særligt dyre enkeltsager",
    "inhabitants_18_66": "Indbyggere 18-66 år",
    "per_1000": "Sager pr. 1.000 (18-66 år)",
    "residential_care": "Borgere i botilbud",
    "residential_per_1000": "Botilbud pr. 1.000 (18-66 år)",
    "share_of_residential": "Andel sager af borgere i botilbud",
    "socio_economic_index": "Socioøkonomisk indeks",
}
REGION_HEADERS = {
    "region_name": "Region",
    "municipalities": "Kommuner",
    "screened": "Særligt dyre enkeltsager",
    "inhabitants_18_66": "Indbyggere 18-66 år",
    "per_1000": "Sager pr. 1.000 (18-66 år)",
    "residential_per_1000": "Botilbud pr. 1.000 (18-66 år)",
    "share_of_residential": "Andel sager af borgere i botilbud",
}
SHARE_HEADERS = {"group": "Område", "answer": "Svar", "count": "Antal", "screened": "Screenede", "share": "Andel"}
HYPOTHESIS_HEADERS = {
    "number": "Nr.",
    "title": "Hypotese",
    "figure": "Tal",
    "counted": "Antal",
    "answered": "Besvaret",
    "screened": "Screenede",
    "hidden": "Skjult",
    "estimate": "Andel af besvarede",
    "low": "Mindst (af alle screenede)",
    "high": "Højst (med skjulte)",
    "supports_from": "Støtter fra",
    "reading": "Læsning",
    "certain": "Sikker",
    "seed": "Undersøgelsen 2022",
}
POSITION_HEADERS = {
    "name": "Nøgletal",
    "value": "Kommunen",
    "rank": "Placering",
    "n": "Kommuner",
    "low": "Laveste",
    "median": "Median",
    "high": "Højeste",
}
HYPOTHESIS_SCHEMA = {
    "number": pl.Int64,
    "title": pl.String,
    "figure": pl.String,
    "counted": pl.Int64,
    "answered": pl.Int64,
    "screened": pl.Int64,
    "hidden": pl.Int64,
    "estimate": pl.Float64,
    "low": pl.Float64,
    "high": pl.Float64,
    "supports_from": pl.Float64,
    "reading": pl.String,
    "certain": pl.String,
    "seed": pl.String,
}
PREFILL_LABELS = {
    "sex": "Køn",
    "age": "Alder på dagen",
    "cost_bracket": "Bruttoudgift i året",
    "provider_type": "Hovedtilbuddets leverandørtype",
    "paragraph": "Hovedtilbuddets paragraf",
    "long_term_residential": "Bevilling efter § 108 eller § 105",
    "acting_obligation": "Handlekommune",
}
READINGS = {"støtter": "Støtter", "svækker": "Svækker", "uafklaret": "Uafklaret"}


def _query(year: int, as_of: date) -> str:
    return f"aar={year}&dato={as_of.isoformat()}"


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    year, as_of = period(request)
    roles = roles_of(request.user)
    return {
        "year": year,
        "as_of": as_of,
        "query": _query(year, as_of),
        "registers": bool(roles & set(REGISTERS)),
        "aggregates": bool(roles & set(AGGREGATES)),
        "imports": bool(roles & set(IMPORTS)),
        **extra,
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The area's front page: for those who register, the candidates from the ledger with their status."""
    require_role(request, *AREA)
    context = _context(request)
    if context["registers"]:
        year, as_of = period(request)
        table = registration.candidates(year, as_of, request.user)
        AuditEntry.record(request, "screening-kandidater", table["citizen_id"].to_list())
        readable = table.with_columns(pl.col("status").replace_strict(STATUS, default=pl.col("status")))
        if response := _table_download(request, readable, f"screening-kandidater-{year}", CANDIDATE_HEADERS):
            return response
        context["rows"] = readable.to_dicts()
        context["headers"] = CANDIDATE_HEADERS
    return render(request, "dispo/screening/index.html", context)


def _citizen(request: HttpRequest, citizen_id: str) -> Citizen:
    """The citizen, if the user registers and may see them; a refusal is audited too."""
    require_role(request, *REGISTERS)
    citizen = get_object_or_404(Citizen, citizen_id=citizen_id)
    if not Citizen.objects.visible_to(request.user).filter(pk=citizen.pk).exists():
        AuditEntry.record(request, "afvist-screening", [citizen_id])
        raise PermissionDenied("Du kan kun registrere dine egne borgere.")
    return citizen


def _sections(questions: QuestionSet, answers: dict[str, Any], prefilled: frozenset[str]) -> list[dict[str, Any]]:
    """The questions grouped by section, each with its current answer, for the form."""
    sections: list[dict[str, Any]] = []
    for question in questions.questions:
        if not sections or sections[-1]["name"] != question.section:
            sections.append({"name": question.section, "questions": []})
        answer = answers.get(question.id)
        chosen = answer if isinstance(answer, list) else [answer]
        sections[-1]["questions"].append(
            {
                "question": question,
                "answer": "" if answer is None else answer,
                "chosen": [str(code) for code in chosen if code is not None],
                "prefilled": question.id in prefilled,
            }
        )
    return sections


def _posted(request: HttpRequest, questions: QuestionSet) -> tuple[dict[str, Any], list[str]]:
    """The answers posted for each question, and the numbers that are not numbers."""
    answers: dict[str, Any] = {}
    problems = []
    for question in questions.questions:
        if question.kind == "multi":
            answers[question.id] = request.POST.getlist(question.id)
        elif question.kind == "number":
            raw = request.POST.get(question.id, "").strip()
            if raw and not raw.lstrip("-").isdigit():
                problems.append(f"{question.text} ({question.id}): »{raw}« er ikke et helt tal")
            answers[question.id] = int(raw) if raw.lstrip("-").isdigit() else None
        else:
            answers[question.id] = request.POST.get(question.id, "").strip()
    return answers, problems


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, citizen_id: str) -> HttpResponse:
    """The registration form of one citizen and year, pre-filled from the ledger; saved with htmx."""
    citizen = _citizen(request, citizen_id)
    year, as_of = period(request)
    found = registration.form(citizen, year, as_of, request.user)
    message, answers = "", found.answers
    problems: list[str] = []
    if request.method == "POST":
        answers, problems = _posted(request, found.question_set)
        done = request.POST.get("faerdig") == "1"
        if not problems:
            try:
                registration.register(citizen, year, answers, done, request.user.get_username())
                message = "Registreringen er gemt som færdig." if done else "Registreringen er gemt som kladde."
            except registration.InvalidAnswers as invalid:
                problems = invalid.problems
        AuditEntry.record(request, "screening-gem", [citizen.citizen_id], {"aar": year, "faerdig": done})
        if request.headers.get("HX-Request"):
            return render(request, "dispo/screening/_saved.html", {"message": message, "problems": problems})
    else:
        AuditEntry.record(request, "screening-vis", [citizen.citizen_id])
    context = _context(
        request,
        citizen=citizen,
        form=found,
        sections=_sections(found.question_set, answers, found.prefilled),
        message=message,
        problems=problems,
        is_candidate=registration.facts(year, as_of, request.user).filter(pl.col("citizen_id") == citizen_id).height
        > 0,
    )
    return render(request, "dispo/screening/register.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def question_set(request: HttpRequest) -> HttpResponse:
    """The question set's versions and questions; an administrator adds a question as a new version."""
    require_role(request, *AGGREGATES)
    is_admin = Role.ADMINISTRATOR in roles_of(request.user)
    form = QuestionForm(request.POST or None)
    message = ""
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied("Kun en systemadministrator kan ændre spørgesættet.")
        if form.is_valid():
            try:
                row = questions.add_question(form.entry(), request.user.get_username(), form.cleaned_data["reason"])
                message = f"Spørgsmålet er tilføjet. Spørgesættet er nu version {row.version}."
                form = QuestionForm()
            except questions.InvalidQuestion as problem:
                form.add_error(None, str(problem))
    row, current = questions.latest()
    context = _context(
        request,
        question_set=current,
        versions=QuestionSetVersion.objects.order_by("-version"),
        kinds=KIND_LABELS,
        prefills=PREFILL_LABELS,
        form=form,
        is_admin=is_admin,
        message=message,
    )
    return render(request, "dispo/screening/questions.html", context)


def _labelled(cells: pl.DataFrame, questions: QuestionSet) -> pl.DataFrame:
    """Question and answer codes as their Danish texts (the cell of no answer as "Ikke besvaret")."""
    labels = pl.DataFrame(
        [(q.id, q.text, code, q.label(code)) for q in questions.questions for code in q.codes()],
        schema={"question": pl.String, "text": pl.String, "answer": pl.String, "label": pl.String},
        orient="row",
    )
    texts = labels.select("question", "text").unique()
    return (
        cells.join(labels.drop("text"), on=["question", "answer"], how="left")
        .join(texts, on="question", how="left")
        .select(
            question=pl.coalesce("text", "question"),
            answer=pl.coalesce("label", pl.lit("Ikke besvaret")),
            count="count",
        )
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The municipality's aggregate for the year: its cells on the page, the file to send to the coordinator."""
    require_role(request, *AGGREGATES)
    year, as_of = period(request)
    people = request.GET.get("indbyggere", "").strip()
    context = _context(request, population=people)
    try:
        made = aggregate.municipality_aggregate(year, as_of, int(people) if people.isdigit() else None)
    except aggregate.CannotExport as reason:
        return render(request, "dispo/screening/export.html", context | {"reason": str(reason)})
    if request.GET.get("format") == "fil":
        response = HttpResponse(aggregate.to_csv(made).encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="screening-{made.municipality}-{year}.csv"'
        return response
    _, current = questions.latest()
    table = _labelled(made.cells, current)
    if table_download := _table_download(request, table, f"screening-samlet-{year}", CELL_HEADERS):
        return table_download
    return render(request, "dispo/screening/export.html", context | {"aggregate": made, "rows": table.to_dicts()})


def _percent(value: float) -> str:
    return f"{danish_number(value * 100, 0)} %"


def _share_chart(chart_id: str, title: str, shares: pl.DataFrame, question: Question) -> dict[str, str]:
    """A question's distribution over all screened as bars, the hidden cells as their own bar."""
    labels = [_answer_label(question, code) for code in shares["answer"]]
    values = [v or 0.0 for v in shares["share"]]
    desc = "; ".join(f"{label}: {_percent(v)}" for label, v in zip(labels, values, strict=True))
    return {"title": title, "svg": bar_chart(chart_id, title, desc, labels, values, _percent, width=620)}


def _answer_label(question: Question, code: str) -> str:
    return {"skjult": "Skjult (under 5)", "ubesvaret": "Ikke besvaret"}.get(code) or question.label(code)


def _scatters(data: consortium.Consortium) -> list[dict[str, Any]]:
    fits = consortium.fits(data)
    socio, population = fits["socio"], fits["population"]
    charts = [
        (
            "socio",
            "Socioøkonomisk indeks og sager pr. 1.000",
            socio,
            "Socioøkonomisk indeks",
            "Sager pr. 1.000 (18-66 år)",
        ),
        (
            "population",
            "Indbyggere 18-66 år og antal sager",
            population,
            "Indbyggere 18-66 år",
            "Særligt dyre enkeltsager",
        ),
    ]
    return [
        {
            "svg": scatter_chart(
                f"scatter-{key}",
                title,
                f"{fit_text(fitted)}. Hvert punkt er en kommune.",
                [(n, x, y) for n, x, y in points.drop_nulls().iter_rows()],
                fitted,
                x_label,
                y_label,
                (lambda v: danish_number(v, 2)) if key == "socio" else (lambda v: danish_number(v, 0)),
                (lambda v: danish_number(v, 2)) if key == "socio" else (lambda v: danish_number(v, 0)),
            ),
            "fit": fit_text(fitted),
            "title": title,
        }
        for key, title, (points, fitted), x_label, y_label in charts
    ]


def _import(request: HttpRequest) -> tuple[str, list[str]]:
    """Import the uploaded files; a message, or the problems (nothing imported)."""
    if not roles_of(request.user) & set(IMPORTS):
        raise PermissionDenied("Din rolle kan ikke indlæse filer til konsortiet.")
    files = [(f.name or "fil.csv", f.read()) for f in request.FILES.getlist("filer")]
    if not files:
        return "", ["Vælg en eller flere samlede filer (CSV) at indlæse."]
    try:
        read = aggregate.import_aggregates(files, request.user.get_username())
    except InvalidData as invalid:
        return "", [str(p) for p in invalid.problems]
    names = ", ".join(sorted(municipalities()[f.municipality].name for f in read))
    return f"{len(read)} fil(er) indlæst: {names}.", []


@login_required
@require_http_methods(["GET", "POST"])
def consortium_page(request: HttpRequest) -> HttpResponse:
    """The coordinator's page: import files, and the study's tables and charts for the year."""
    require_role(request, *AGGREGATES)
    message, problems = _import(request) if request.method == "POST" else ("", [])
    year, _ = period(request)
    data = consortium.load(year)
    first = first_question_set()
    asked = request.GET.get("spoergsmaal", "provider_type")
    question = first.question(asked) if asked in first.ids() else first.question("provider_type")
    tables = {
        "kommuner": (consortium.municipality_table(data), MUNICIPALITY_HEADERS),
        "regioner": (consortium.region_table(data), REGION_HEADERS),
        "svar": (consortium.shares(data, question, "region"), SHARE_HEADERS),
    }
    chosen = tables.get(request.GET.get("tabel", ""), tables["regioner"])
    if response := _table_download(
        request, chosen[0], f"konsortium-{request.GET.get('tabel', 'regioner')}-{year}", chosen[1]
    ):
        return response
    context = _context(
        request,
        data=data,
        files=ConsortiumFile.objects.filter(year=year),
        message=message,
        problems=problems,
        regions=tables["regioner"][0].to_dicts(),
        members=tables["kommuner"][0].to_dicts(),
        question=question,
        questions=[q for q in first.questions if q.kind != "text"],
        shares=_share_rows(tables["svar"][0], question),
        region_headers=REGION_HEADERS,
        municipality_headers=MUNICIPALITY_HEADERS,
    )
    if not data.empty:
        charted = [first.question(q) for q in consortium.CHARTED]
        context["charts"] = [
            _share_chart(f"fordeling-{q.id}", f"{q.text}, andel af de screenede", consortium.shares(data, q), q)
            for q in charted
        ]
        context["scatters"] = _scatters(data)
    return render(request, "dispo/screening/consortium.html", context)


def _share_rows(shares: pl.DataFrame, question: Question) -> list[dict[str, Any]]:
    return [{**row, "label": _answer_label(question, row["answer"])} for row in shares.to_dicts()]


@login_required
def hypotheses(request: HttpRequest) -> HttpResponse:
    """The ten hypotheses with the figure that supports or weakens each in the imported files."""
    require_role(request, *AGGREGATES)
    year, _ = period(request)
    data = consortium.load(year)
    rows = consortium.hypothesis_report(data) if not data.empty else []
    table = pl.DataFrame(
        [
            {
                "number": r.hypothesis.number,
                "title": r.hypothesis.title,
                "figure": r.hypothesis.figure,
                "counted": r.counted,
                "answered": r.answered,
                "screened": r.screened,
                "hidden": r.hidden,
                "estimate": r.estimate,
                "low": r.low,
                "high": r.high,
                "supports_from": r.hypothesis.supports_from,
                "reading": READINGS.get(r.reading or "", ""),
                "certain": {True: "ja", False: "nej"}.get(r.certain) if r.certain is not None else None,
                "seed": r.hypothesis.seed,
            }
            for r in rows
        ],
        schema=HYPOTHESIS_SCHEMA,
    )
    if response := _table_download(request, table, f"hypoteser-{year}", HYPOTHESIS_HEADERS):
        return response
    return render(
        request, "dispo/screening/hypotheses.html", _context(request, rows=rows, data=data, readings=READINGS)
    )


@login_required
def own_report(request: HttpRequest) -> HttpResponse:
    """A municipality's position against the others on each key figure; ?format=pdf for the A4 report."""
    require_role(request, *AGGREGATES)
    year, _ = period(request)
    data = consortium.load(year)
    members = sorted(data.totals["municipality"].to_list(), key=lambda c: municipalities()[c].name)
    code = request.GET.get("kommune") or settings.MUNICIPALITY
    if code not in members and members:
        code = members[0]
    context = _context(request, data=data, members=[municipalities()[c] for c in members], code=code)
    if not members:
        return render(request, "dispo/screening/position.html", context)
    if request.GET.get("format") == "pdf":
        pdf = HttpResponse(position.report_pdf(data, code), content_type="application/pdf")
        pdf["Content-Disposition"] = f'attachment; filename="kommunerapport-{code}-{year}.pdf"'
        return pdf
    rows = position.positions(data, code)
    table = pl.DataFrame(
        [{k: getattr(r, k) for k in POSITION_HEADERS} for r in rows],
        schema={
            "name": pl.String,
            "value": pl.Float64,
            "rank": pl.Int64,
            "n": pl.Int64,
            "low": pl.Float64,
            "median": pl.Float64,
            "high": pl.Float64,
        },
    )
    if response := _table_download(request, table, f"kommunerapport-{code}-{year}", POSITION_HEADERS):
        return response
    shown = [
        {"name": r.name, "rank": r.rank, "n": r.n}
        | {k: position.fmt(getattr(r, k), r.kind) for k in ("value", "low", "median", "high")}
        for r in rows
    ]
    return render(request, "dispo/screening/position.html", context | {"rows": shown, "own": municipalities()[code]})
