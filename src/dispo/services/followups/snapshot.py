"""Making, commenting and approving a follow-up, and reading its frozen tables back.

A follow-up freezes the stored ledger's forecast as of a date: every grant (`FollowUpGrant`) and every line of
the follow-up table (`FollowUpLine`), with each line's change since the previous approved follow-up of the
year split into its parts (`engine.changes`). The lines are summed from the frozen grants, so the table and
its grants always agree. Until approval only the comments may change; after it nothing does: every write goes
through an update that names the draft status, so an approved follow-up is never touched.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import polars as pl
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dispo.domain.target_groups import target_groups
from dispo.engine.changes import PARTS, grant_changes, line_changes, snapshot_basis
from dispo.engine.forecast import forecast_months
from dispo.services import current
from dispo.services.followup import FollowUpRow, followup_rows
from dispo.services.ledger import Ledger
from dispo.services.reports import ledger_frame
from dispo.services.staircases import step_table
from dispo.store.followups.models import FollowUp, FollowUpGrant, FollowUpLine
from dispo.store.reviews.models import Review

LEVEL_KEYS: dict[str, list[str]] = {
    "total": [],
    "area": ["target_group"],
    "category": ["target_group", "category"],
    "paragraph": ["target_group", "category", "paragraph"],
}
"""The keys of each level of the table: a line's change is decomposed over the grants on these keys."""
TEXT_COLUMNS = ("category", "provider_id", "provider_type", "unit_id", "caseworker_id")
"""Attributes a grant may lack; frozen as empty text, so a snapshot read back equals the one written."""
GRANT_SCHEMA: dict[str, Any] = {
    "grant_id": pl.String,
    "citizen_id": pl.String,
    "target_group": pl.String,
    "category": pl.String,
    "paragraph": pl.String,
    "step": pl.Int32,
    "provider_id": pl.String,
    "provider_type": pl.String,
    "unit_id": pl.String,
    "caseworker_id": pl.String,
    "price_basis": pl.String,
    "rate": pl.Float64,
    "hours_per_week": pl.Float64,
    "start": pl.Date,
    "end": pl.Date,
    "status": pl.String,
    "probability": pl.Float64,
    "active": pl.Boolean,
    "active_days": pl.Float64,
    "computed": pl.Float64,
    "actual_to_date": pl.Float64,
    "remaining": pl.Float64,
    "forecast": pl.Float64,
    "fte": pl.Float64,
}
FIGURES = ("budget", "forecast", "diff", "grants", "fte", "avg_price", "citizens", "actual_to_date", "remaining")
CHANGE_FIELDS = {part: f"change_{part}" for part in PARTS}
BATCH = 2000
NAMED = 5
"""How many caseworkers the message about unsigned reviews names before it counts the rest."""


class FollowUpError(ValueError):
    """A follow-up that cannot be made or changed, with a Danish message saying why and what to do."""


class FollowUpLocked(FollowUpError):
    """A write to an approved follow-up."""


class ReviewsOpen(FollowUpError):
    """An approval while case reviews of the follow-up are not signed off, not confirmed."""


def _dk(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def locked_message(followup: FollowUp) -> str:
    return f"{followup} er godkendt og kan ikke ændres. Lav en ny budgetopfølgning for at se ændringerne."


def previous_of(year: int, as_of: date) -> FollowUp | None:
    """The approved follow-up of `year` just before `as_of`: what a new follow-up is compared with."""
    earlier = FollowUp.objects.filter(year=year, as_of__lt=as_of, status=FollowUp.Status.APPROVED)
    return earlier.order_by("-as_of").first()


def forecast_frames(year: int, as_of: date, ledger: Ledger | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The forecast of `year` as of `as_of` per grant and per grant and month: the stored ledger's (cached), or
    that of `ledger` when given — a ledger as it stood on a past day, for a follow-up replayed after the fact."""
    if ledger is None:
        return current.grant_frame(year, as_of), current.month_frame(year, as_of)
    grants = ledger_frame(ledger, year, as_of, settings.MUNICIPALITY, step_table()).collect()
    months = forecast_months(ledger["grants"], ledger["payments"], ledger["rates"], year, as_of).collect()
    return grants, months


def frozen_grants(year: int, as_of: date, ledger: Ledger | None = None) -> pl.DataFrame:
    """The grants of `year` as of `as_of` in the snapshot's layout (GRANT_SCHEMA): the stored ledger's, or
    `ledger`'s when given (`forecast_frames`)."""
    grants, months = forecast_frames(year, as_of, ledger)
    basis = snapshot_basis(months)
    return (
        grants.lazy()
        .join(basis, on="grant_id", how="left")
        .with_columns(pl.col("computed", "active_days").fill_null(0.0), pl.col(TEXT_COLUMNS).fill_null(""))
        .select([pl.col(name).cast(dtype) for name, dtype in GRANT_SCHEMA.items()])
        .sort("grant_id")
        .collect()
    )


def create_followup(as_of: date, user: Any, year: int | None = None, ledger: Ledger | None = None) -> FollowUp:
    """Freeze the forecast of `year` (default: the as-of date's year) as of `as_of` as a new draft.

    The forecast is the stored ledger's as it stands now. `ledger` replaces it with another set of tables of the
    same shape — the ledger as it was known on `as_of` (`engine.knowledge.as_known_on`) when a past month's
    follow-up is made after the fact, as the demo does; `ledger_version` still names the stored ledger."""
    year = as_of.year if year is None else year
    if as_of.year != year:
        raise FollowUpError(f"Opgørelsesdatoen {_dk(as_of)} ligger ikke i året {year}. Vælg en dato i {year}.")
    if FollowUp.objects.filter(year=year, as_of=as_of).exists():
        raise FollowUpError(f"Der findes allerede en budgetopfølgning for {year} pr. {_dk(as_of)}.")
    grants = frozen_grants(year, as_of, ledger)
    previous = previous_of(year, as_of)
    budgets = (current.ledger() if ledger is None else ledger)["budgets"]
    lines = table_lines(grants, grant_table(previous) if previous else None, budgets, year)
    try:
        with transaction.atomic():
            followup = FollowUp.objects.create(
                year=year,
                as_of=as_of,
                previous=previous,
                ledger_version=current.version(),
                replayed=ledger is not None,
                created_by=user,
            )
            FollowUpGrant.objects.bulk_create(_grant_rows(followup, grants), batch_size=BATCH)
            FollowUpLine.objects.bulk_create([FollowUpLine(followup=followup, **line) for line in lines])
    except IntegrityError:
        raise FollowUpError(f"Der findes allerede en budgetopfølgning for {year} pr. {_dk(as_of)}.") from None
    return followup


def _grant_rows(followup: FollowUp, grants: pl.DataFrame) -> list[FollowUpGrant]:
    return [FollowUpGrant(followup=followup, **row) for row in grants.iter_rows(named=True)]


def table_lines(
    grants: pl.DataFrame, previous: pl.DataFrame | None, budgets: pl.DataFrame, year: int
) -> list[dict[str, Any]]:
    """The follow-up table's lines (no headings) in reading order, each with its change since `previous`."""
    rows = [row for row in followup_rows(grants, budgets, year) if row.figures]
    changes = {level: _changes(previous, grants, keys) for level, keys in LEVEL_KEYS.items()}
    return [_line(position, row, changes[row.level]) for position, row in enumerate(rows)]


def _changes(previous: pl.DataFrame | None, grants: pl.DataFrame, keys: list[str]) -> dict[tuple[Any, ...], Any]:
    if previous is None:
        return {}
    table = line_changes(previous, grants, keys)
    return {tuple(row[k] for k in keys): row for row in table.iter_rows(named=True)}


def _line(position: int, row: FollowUpRow, changes: dict[tuple[Any, ...], Any]) -> dict[str, Any]:
    keys = {"target_group": row.target_group, "category": row.category, "paragraph": row.paragraph}
    change = changes.get(tuple(keys[k] for k in LEVEL_KEYS[row.level]))
    line: dict[str, Any] = {
        "position": position,
        "level": row.level,
        "label": row.label,
        **{k: v or "" for k, v in keys.items()},
        **{k: row.figures[k] for k in FIGURES},
    }
    if change is not None:
        line["previous_forecast"] = change["previous"]
        line["change"] = change["change"]
        line.update({field: change[part] for part, field in CHANGE_FIELDS.items()})
    elif changes:
        # A line with no grants in either follow-up (a budget alone) has changed by nothing.
        line.update({"previous_forecast": 0.0, "change": 0.0, **dict.fromkeys(CHANGE_FIELDS.values(), 0.0)})
    return line


def grant_table(followup: FollowUp) -> pl.DataFrame:
    """The follow-up's frozen grants as a frame in GRANT_SCHEMA (cached: a follow-up's grants never change)."""
    return _grant_table(followup.pk, followup.created_at)


@lru_cache(maxsize=8)
def _grant_table(pk: int, created_at: Any) -> pl.DataFrame:
    rows = FollowUpGrant.objects.filter(followup_id=pk).order_by("grant_id").values_list(*GRANT_SCHEMA)
    return pl.DataFrame(list(rows), schema=GRANT_SCHEMA, orient="row")


def comment_line(line: FollowUpLine, text: str, user: Any) -> FollowUpLine:
    """Set the controller's comment on a line of a draft; refused once the follow-up is approved."""
    updated = FollowUpLine.objects.filter(pk=line.pk, followup__status=FollowUp.Status.DRAFT).update(
        comment=text.strip(), commented_by=user.get_username(), commented_at=timezone.now()
    )
    if not updated:
        raise FollowUpLocked(locked_message(line.followup))
    return FollowUpLine.objects.get(pk=line.pk)


def unsigned_reviews(followup: FollowUp) -> list[str]:
    """The caseworkers whose case review for the follow-up the controller has not signed off, by name."""
    reviews = Review.objects.filter(followup=followup).exclude(status=Review.Status.SIGNED_OFF)
    return list(reviews.order_by("caseworker__name").values_list("caseworker__name", flat=True))


def named(names: list[str]) -> str:
    """Names for a sentence: the first few, then how many more."""
    return ", ".join(names[:NAMED]) + (f" og {len(names) - NAMED} flere" if len(names) > NAMED else "")


def unsigned_message(names: list[str]) -> str:
    return (
        f"{len(names)} sagsgennemgang{'e' if len(names) > 1 else ''} til opfølgningen er ikke godkendt "
        f"({named(names)}). "
        "Godkend sagsgennemgangene først, eller sæt kryds ved «Godkend alligevel»: åbne spørgsmål går videre til "
        "næste opfølgnings sagsgennemgang."
    )


def approve(followup: FollowUp, user: Any, despite_open_reviews: bool = False) -> FollowUp:
    """Approve a draft: from now on it never changes. Approving twice is refused, and so is approving while a
    case review of the follow-up is not signed off, unless the controller confirms it (`despite_open_reviews`):
    the review is where the month's expected changes are asked for, so approving before it is a choice."""
    draft = FollowUp.objects.filter(pk=followup.pk, status=FollowUp.Status.DRAFT).exists()
    if draft and not despite_open_reviews and (names := unsigned_reviews(followup)):
        raise ReviewsOpen(unsigned_message(names))
    updated = FollowUp.objects.filter(pk=followup.pk, status=FollowUp.Status.DRAFT).update(
        status=FollowUp.Status.APPROVED, approved_by=user, approved_at=timezone.now()
    )
    if not updated:
        raise FollowUpLocked(locked_message(followup))
    return FollowUp.objects.get(pk=followup.pk)


def followups_of(year: int) -> list[FollowUp]:
    """The year's follow-ups, newest first."""
    return list(FollowUp.objects.filter(year=year).select_related("created_by", "approved_by").order_by("-as_of"))


def years() -> list[int]:
    """The years that have follow-ups, newest first."""
    return sorted(set(FollowUp.objects.values_list("year", flat=True)), reverse=True)


def display_rows(followup: FollowUp) -> list[tuple[str, str, FollowUpLine | None]]:
    """The table in reading order as (kind, label, line): an area heading before each area's lines, a category
    heading before each category's paragraphs (kind `area-heading`, `category-heading`, no line), then each
    line (kind = its level)."""
    groups = target_groups()
    rows: list[tuple[str, str, FollowUpLine | None]] = []
    area, category = None, None
    for line in followup.lines.order_by("position"):
        if line.level != "total" and line.target_group != area:
            area, category = line.target_group, None
            rows.append(("area-heading", groups[area].label if area in groups else area, None))
        if line.level == "paragraph" and line.category != category:
            category = line.category
            rows.append(("category-heading", category or "uden kategori", None))
        if line.level != "paragraph":
            category = None
        rows.append((line.level, line.label, line))
    return rows


def line_grant_changes(followup: FollowUp, line: FollowUpLine) -> pl.DataFrame:
    """The grants behind a line's change: per grant its previous and current forecast on the line, the change
    and its parts, and its terms now (or, for a grant gone, then), largest change first. Empty in the year's
    first follow-up."""
    if followup.previous is None:
        return pl.DataFrame()
    keys = LEVEL_KEYS[line.level]
    previous, grants = grant_table(followup.previous), grant_table(followup)
    values = {"target_group": line.target_group, "category": line.category, "paragraph": line.paragraph}
    on_line = pl.all_horizontal(pl.col(k) == values[k] for k in keys) if keys else pl.lit(True)
    terms = pl.concat([grants, previous]).unique("grant_id", keep="first", maintain_order=True)
    return (
        grant_changes(previous, grants, keys)
        .filter(on_line)
        .select("grant_id", "previous", "current", "change", *PARTS)
        .join(terms.lazy().drop("forecast"), on="grant_id", how="left")
        .sort(pl.col("change").abs(), "grant_id", descending=[True, False])
        .collect()
    )
