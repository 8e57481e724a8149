"""The committee report (politisk afrapportering) of a follow-up: what the PDF and the workbook both show.

Everything is read from the frozen follow-up, so the report of an approved follow-up is the same whenever it is
made. The report leaves the municipality's own staff, so no count under 5 is shown (DESIGN.md §6): such a cell
reads "<5".
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dispo.domain.target_groups import target_groups
from dispo.engine.changes import PARTS
from dispo.engine.screening import MIN_CELL
from dispo.engine.staircase import step_summary
from dispo.services.exports import danish_number
from dispo.services.followups.series import Series, monthly_series, series_followups
from dispo.services.followups.snapshot import CHANGE_FIELDS, display_rows, grant_table
from dispo.services.staircases import effective_model
from dispo.store.followups.models import FollowUp, FollowUpLine

PART_LABELS = {
    "new": "Nye bevillinger",
    "ended": "Ophørte bevillinger",
    "price": "Ændret pris",
    "period": "Ændret periode",
    "expected": "Forventede indsatser",
    "payments": "Betalinger afviger fra bevilling",
    "moved": "Flyttet mellem linjer",
}
"""The parts of a change (`engine.changes.PARTS`) as the report and the pages name them."""
LARGEST = 8
HIDDEN = "<5"


@dataclass(frozen=True)
class StaircaseTable:
    """One target group's staircase in the follow-up: per step its number, name and figures."""

    label: str
    steps: pl.DataFrame


@dataclass(frozen=True)
class CommitteeReport:
    followup: FollowUp
    summary: list[str]
    rows: list[tuple[str, str, FollowUpLine | None]]
    largest: list[FollowUpLine]
    staircases: list[StaircaseTable]
    series: Series


def kr(value: float | None) -> str:
    """Whole kroner with Danish separators and "kr." (a sentence ending with it needs no second period)."""
    return "" if value is None else f"{danish_number(value, 0)} kr."


def count(value: int | None) -> str:
    """A count as it may leave the municipality: hidden under 5 (zero is no person and is shown)."""
    if value is None:
        return ""
    return HIDDEN if 0 < value < MIN_CELL else danish_number(value, 0)


def committee_report(followup: FollowUp) -> CommitteeReport:
    rows = display_rows(followup)
    lines = [line for _, _, line in rows if line is not None]
    return CommitteeReport(
        followup=followup,
        summary=summary(followup, next(line for line in lines if line.level == "total")),
        rows=rows,
        largest=largest_changes(lines),
        staircases=staircases(followup),
        series=monthly_series(series_followups(followup.year, until=followup)),
    )


def summary(followup: FollowUp, total: FollowUpLine) -> list[str]:
    """The report's opening paragraphs: the forecast against the budget, then what moved it since last time."""
    day = followup.as_of.strftime("%d-%m-%Y")
    text = [f"Det forventede regnskab for {followup.year} opgjort pr. {day} er {kr(total.forecast)}"]
    if total.budget is not None and total.diff is not None:
        verdict = "et merforbrug" if total.diff < 0 else "et mindreforbrug"
        text[0] += f" mod et budget på {kr(total.budget)}: {verdict} på {kr(abs(total.diff))}"
    else:
        text[0] += "; der er ikke registreret budget for året."
    if followup.previous is None or total.change is None:
        text.append("Dette er årets første budgetopfølgning, så der er ingen ændring at forklare.")
        return text
    before = followup.previous.as_of.strftime("%d-%m-%Y")
    direction = "steget" if total.change >= 0 else "faldet"
    parts = ", ".join(f"{PART_LABELS[p].lower()} {_signed(v)}" for p, v in changed_parts(total))
    text.append(f"Siden opfølgningen pr. {before} er prognosen {direction} {kr(abs(total.change))}: {parts}")
    return text


def changed_parts(line: FollowUpLine) -> list[tuple[str, float]]:
    """The parts of a line's change that are at least a krone either way (the report prints whole kroner, so a
    smaller part would read "-0 kr."), in the order of attribution."""
    values = [(p, getattr(line, CHANGE_FIELDS[p]) or 0.0) for p in PARTS]
    return [(p, v) for p, v in values if abs(v) >= 0.5]


def _signed(value: float) -> str:
    return ("+" if value >= 0 else "-") + kr(abs(value))


def largest_changes(lines: list[FollowUpLine], limit: int = LARGEST) -> list[FollowUpLine]:
    """The paragraph lines that moved most since the previous follow-up, largest first (by size, either way)."""
    moved = [line for line in lines if line.level == "paragraph" and abs(line.change or 0.0) >= 0.005]
    return sorted(moved, key=lambda line: (-abs(line.change or 0.0), line.position))[:limit]


def staircases(followup: FollowUp) -> list[StaircaseTable]:
    """Per target group with grants on its staircase: each step of its model with årsværk, citizens, expected
    cost, average price and average duration (engine.staircase.step_summary on the frozen grants).

    The frozen grants keep the step they stood on when the follow-up was made, and the steps are named as the
    model then in effect named them: a model saved later never changes the report of a follow-up."""
    grants = grant_table(followup)
    tables = []
    for code, group in target_groups().items():
        mine = grants.filter(pl.col("target_group") == code)
        if mine.filter(pl.col("step").is_not_null()).is_empty():
            continue
        model = effective_model(group.staircase_model, at=followup.created_at)
        names = pl.DataFrame(
            {"step": [s.number for s in model.steps], "name": [s.name for s in model.steps]},
            schema={"step": pl.Int32, "name": pl.String},
        )
        figures = step_summary(mine, followup.as_of).with_columns(pl.col("step").cast(pl.Int32))
        steps = names.join(figures, on="step", how="left").with_columns(
            pl.col("fte", "cost").fill_null(0.0), pl.col("citizens").fill_null(0)
        )
        tables.append(StaircaseTable(group.label, steps))
    return tables


def line_title(line: FollowUpLine) -> str:
    """A paragraph line named with its target group, since a paragraph can be used under several."""
    groups = target_groups()
    group = groups[line.target_group].label if line.target_group in groups else line.target_group
    return f"{line.label} ({group})" if line.level == "paragraph" and group else line.label


def explanation(line: FollowUpLine) -> str:
    """A changed line's parts in words, then the controller's comment."""
    text = "; ".join(f"{PART_LABELS[p]} {_signed(v)}" for p, v in changed_parts(line))
    return f"{text} {line.comment}" if line.comment else text
