"""The staircase models in effect, their figures per step, the movements between two dates, and the averages
a caseworker decides by.

The shipped models (domain/data/staircases.yaml, with each paragraph's default step in the catalogue) are the
default; an administrator may save a new version of a model — other step names, another step for a paragraph —
and the newest saved version is then the one in effect everywhere a step is shown: `step_table` is the one
source of the step of each paragraph for the stored ledger's frames (reports, overview, follow-ups, the
staircase pages). Versions are never changed, so the history of a model is its list of versions, each with who,
when and why, and the model in effect at any past moment can be read back (`effective_model(name, at=…)`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
from django.db import transaction

from dispo.domain.paragraphs import Paragraph, catalogue
from dispo.domain.staircase import Step, staircase_models
from dispo.domain.target_groups import target_groups
from dispo.engine.staircase import OFF_STAIRCASE, citizen_movements, figures_by
from dispo.services.ledger import Ledger
from dispo.store.models import LedgerVersion
from dispo.store.staircases.models import StaircaseVersion

FIGURES = ("fte", "citizens", "cost", "avg_price", "avg_duration_months", "grants")
MAX_STEPS = 9
"""More steps than this would no longer read as a staircase; the editor offers up to this many."""
MOVEMENT_KINDS = ("Tilgang", "Op ad trappen", "Samme trin", "Ned ad trappen", "Afgang")
"""The five kinds of movement a leader reads first: new to the staircase, up, stayed, down, left it."""


@dataclass(frozen=True)
class EffectiveModel:
    """A staircase model as it applies now: its steps and the step of each of its paragraphs (None: no step),
    from the newest saved `version`, or from the shipped default when `version` is None."""

    name: str
    label: str
    steps: tuple[Step, ...]
    assignments: Mapping[str, int | None]
    version: StaircaseVersion | None

    @property
    def target_groups(self) -> tuple[str, ...]:
        """The target groups whose citizens stand on this staircase."""
        return tuple(g.code for g in target_groups().values() if g.staircase_model == self.name)

    def step_name(self, number: int) -> str:
        """The step's name; step 0 is "not on the staircase"."""
        return "Ikke på trappen" if number == OFF_STAIRCASE else self.steps[number - 1].name


class InvalidModel(Exception):
    """An edit of a staircase model that cannot be saved; `problems` says what is wrong, in Danish."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def model_paragraphs(name: str) -> list[Paragraph]:
    """The paragraphs a model places on a step: those used under one of its target groups, or with a default
    step in it, in catalogue order."""
    groups = {g.code for g in target_groups().values() if g.staircase_model == name}
    return [p for p in catalogue().values() if groups & set(p.target_groups) or p.steps.get(name) is not None]


def effective_model(name: str, at: datetime | None = None) -> EffectiveModel:
    """The model `name` in effect now, or at the moment `at`: the newest version saved by then, else the
    shipped default."""
    default = staircase_models()[name]
    defaults = {p.code: p.steps.get(name) for p in model_paragraphs(name)}
    versions = StaircaseVersion.objects.filter(model=name)
    version = (versions if at is None else versions.filter(saved_at__lte=at)).first()
    if version is None:
        return EffectiveModel(name, default.label, default.steps, defaults, None)
    steps = tuple(Step(i, step_name) for i, step_name in enumerate(version.steps, start=1))
    # A paragraph added to the catalogue after the version was saved keeps its default, when that step exists.
    saved = {**defaults, **version.assignments}
    assignments = {code: s if s is not None and 1 <= s <= len(steps) else None for code, s in saved.items()}
    return EffectiveModel(name, default.label, steps, assignments, version)


def effective_models() -> list[EffectiveModel]:
    return [effective_model(name) for name in staircase_models()]


def step_table() -> pl.DataFrame:
    """The step of each paragraph per target group under the models in effect (the shape of
    `engine.catalogue.step_table`, which holds the shipped defaults): what every frame of the stored ledger is
    joined with."""
    rows = [
        {"paragraph": code, "target_group": group, "step": step}
        for model in effective_models()
        for group in model.target_groups
        for code, step in model.assignments.items()
    ]
    return pl.DataFrame(rows, schema={"paragraph": pl.String, "target_group": pl.String, "step": pl.Int32})


def with_effective_steps(frame: pl.DataFrame) -> pl.DataFrame:
    """A per-grant frame with its `step` column from the models in effect."""
    base = frame.drop("step") if "step" in frame.columns else frame
    return base.join(step_table(), on=["paragraph", "target_group"], how="left")


def save_model(name: str, step_names: list[str], assignments: Mapping[str, str], user: str, reason: str) -> None:
    """Save a new version of model `name`: its step names (lowest first; blank names at the end are dropped)
    and the step of each paragraph as text ("" for none). Raise `InvalidModel` with every problem, saving
    nothing, when the edit cannot be used."""
    names = [n.strip() for n in step_names]
    while names and not names[-1]:
        names.pop()
    problems = []
    if not reason.strip():
        problems.append("Skriv en begrundelse for ændringen; den gemmes i modellens historik.")
    if not names:
        problems.append("Modellen skal have mindst ét trin.")
    if len(names) > MAX_STEPS:
        problems.append(f"Modellen kan højst have {MAX_STEPS} trin; den har {len(names)}.")
    problems += [f"Trin {i} mangler et navn (trinene nummereres uden huller)." for i, n in enumerate(names, 1) if not n]
    if len(set(names)) < len(names):
        problems.append("To trin har samme navn; giv hvert trin sit eget navn.")
    steps, step_problems = _assignments(name, assignments, len(names))
    problems += step_problems
    if problems:
        raise InvalidModel(problems)
    with transaction.atomic():
        StaircaseVersion.objects.create(model=name, steps=names, assignments=steps, saved_by=user, reason=reason)
        # The cached frames of the stored ledger carry each grant's step: they must be made again.
        LedgerVersion.bump()


def _assignments(name: str, given: Mapping[str, str], steps: int) -> tuple[dict[str, int | None], list[str]]:
    known = {p.code: p for p in model_paragraphs(name)}
    problems = [f"Paragraffen «{code}» hører ikke til modellen." for code in given if code not in known]
    chosen: dict[str, int | None] = {}
    for code in known:
        text = given.get(code, "").strip()
        if not text:
            chosen[code] = None
        elif text.isdigit() and 1 <= int(text) <= steps:
            chosen[code] = int(text)
        else:
            problems.append(f"{code}: trinnet «{text}» findes ikke; vælg et trin fra 1 til {steps} eller intet trin.")
    return chosen, problems


def in_model(frame: pl.DataFrame, model: EffectiveModel) -> pl.DataFrame:
    """The grants of a per-grant frame whose target group stands on `model`, with the model's steps."""
    return with_effective_steps(frame.filter(pl.col("target_group").is_in(model.target_groups)))


def picture(frame: pl.DataFrame, model: EffectiveModel, day: date) -> pl.DataFrame:
    """The staircase picture: per step of `model` (lowest first, every step even without grants) its name and
    the five figures of `engine.staircase.figures_by`, from a year's per-grant frame, durations on `day`."""
    steps = pl.DataFrame(
        {"step": [s.number for s in model.steps], "name": [s.name for s in model.steps]},
        schema={"step": pl.Int32, "name": pl.String},
    )
    on_steps = in_model(frame, model).filter(pl.col("step").is_not_null())
    figures = figures_by(on_steps, ["step"], day)
    zero = {"fte": 0.0, "citizens": 0, "cost": 0.0, "grants": 0}
    return steps.join(figures, on="step", how="left").with_columns(pl.col(k).fill_null(v) for k, v in zero.items())


def picture_total(frame: pl.DataFrame, model: EffectiveModel, day: date) -> dict[str, float | int | None]:
    """The staircase as a whole: the five figures over every grant on a step, each citizen counted once."""
    on_steps = in_model(frame, model).filter(pl.col("step").is_not_null()).with_columns(_all=pl.lit(1))
    figures = figures_by(on_steps, ["_all"], day)
    if figures.height == 0:
        return {"fte": 0.0, "citizens": 0, "cost": 0.0, "avg_price": None, "avg_duration_months": None, "grants": 0}
    return {k: figures[k][0] for k in FIGURES}


def movements(ledger: Ledger, model: EffectiveModel, first: date, second: date) -> pl.DataFrame:
    """Per citizen on `model`'s staircase on either date: from-step, to-step (0: not on it), yearly cost on
    each date and the change (`engine.staircase.citizen_movements`)."""
    steps = step_table().filter(pl.col("target_group").is_in(model.target_groups))
    return citizen_movements(ledger["grants"], ledger["rates"], steps, first, second)


def matrix(moved: pl.DataFrame, model: EffectiveModel) -> pl.DataFrame:
    """Every from-step × to-step cell of the model (0 = not on the staircase; the cell 0 → 0 left out) with its
    citizens and summed change in yearly cost, zero where nobody moved that way."""
    numbers = [OFF_STAIRCASE, *(s.number for s in model.steps)]
    cells = pl.DataFrame(
        [(a, b) for a in numbers for b in numbers if (a, b) != (OFF_STAIRCASE, OFF_STAIRCASE)],
        schema={"from_step": pl.Int32, "to_step": pl.Int32},
        orient="row",
    )
    sums = (
        moved.group_by("from_step", "to_step")
        .agg(pl.len().cast(pl.Int64).alias("citizens"), pl.col("cost_change").sum())
        .cast({"from_step": pl.Int32, "to_step": pl.Int32})
    )
    return cells.join(sums, on=["from_step", "to_step"], how="left").with_columns(
        pl.col("citizens").fill_null(0), pl.col("cost_change").fill_null(0.0)
    )


def movement_kind() -> pl.Expr:
    """Each citizen's movement as one of MOVEMENT_KINDS."""
    start, end = pl.col("from_step"), pl.col("to_step")
    return (
        pl.when(start == OFF_STAIRCASE)
        .then(pl.lit(MOVEMENT_KINDS[0]))
        .when(end == OFF_STAIRCASE)
        .then(pl.lit(MOVEMENT_KINDS[4]))
        .when(end > start)
        .then(pl.lit(MOVEMENT_KINDS[1]))
        .when(end == start)
        .then(pl.lit(MOVEMENT_KINDS[2]))
        .otherwise(pl.lit(MOVEMENT_KINDS[3]))
    )


def movement_kinds(moved: pl.DataFrame) -> pl.DataFrame:
    """Citizens and change in yearly cost per kind of movement, every kind in MOVEMENT_KINDS order."""
    order = pl.DataFrame({"kind": list(MOVEMENT_KINDS)})
    sums = moved.group_by(movement_kind().alias("kind")).agg(
        pl.len().cast(pl.Int64).alias("citizens"), pl.col("cost_change").sum()
    )
    return order.join(sums, on="kind", how="left").with_columns(
        pl.col("citizens").fill_null(0), pl.col("cost_change").fill_null(0.0)
    )


def averages(frame: pl.DataFrame, day: date) -> pl.DataFrame:
    """Average price and duration per target group × provider type × step of a year's per-grant frame: the
    basis a caseworker compares a new grant with. Grants without a step are left out."""
    stepped = with_effective_steps(frame).filter(pl.col("step").is_not_null())
    return figures_by(stepped, ["target_group", "provider_type", "step"], day)
