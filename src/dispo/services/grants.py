"""Registering, changing and ending grants: always with a reason, always leaving a history row (who, when, why,
old and new values), and always renewing the ledger version so that every forecast shows the write at once.

The rules a grant must satisfy live here, as Danish messages per field (`grant_problems`), so that a form, the
command line and a test all refuse the same values with the same words.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from dispo.domain.paragraphs import UnknownParagraph, label, paragraph
from dispo.domain.target_groups import target_groups
from dispo.engine.periods import days_in_year
from dispo.services import current
from dispo.services.exports import danish_number
from dispo.services.providers import valid_rate
from dispo.store.models import Citizen, Grant, GrantChange, LedgerVersion, Provider

EDITABLE = (
    "paragraph",
    "target_group",
    "provider",
    "price_basis",
    "rate",
    "hours_per_week",
    "start",
    "end",
    "status",
    "probability",
    "acting_municipality",
    "paying_municipality",
    "own_payment",
    "caseworker",
    "unit",
)
FIELD_LABELS = {
    "paragraph": "Paragraf",
    "target_group": "Målgruppe",
    "provider": "Leverandør",
    "price_basis": "Prisgrundlag",
    "rate": "Takst",
    "hours_per_week": "Timer pr. uge",
    "start": "Start",
    "end": "Slut",
    "status": "Status",
    "probability": "Sandsynlighed",
    "acting_municipality": "Handlekommune",
    "paying_municipality": "Betalingskommune",
    "own_payment": "Egenbetaling pr. måned",
    "caseworker": "Sagsbehandler",
    "unit": "Enhed",
}
DECIDED = (Grant.Status.DECIDED, Grant.Status.ENDED)
"""Statuses of decided grants: an ended grant was decided too, and its days still cost what they cost."""
_MUNICIPALITY_CODE = re.compile(r"\d{3}")


def _dk(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def _plain(value: Any) -> Any:
    """A value as the history stores it: numbers as numbers, dates as ISO text, a related row by its name."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def shown(value: Any) -> str:
    """A value of the history as a page shows it: numbers and dates the Danish way, nothing as a dash."""
    if value is None or value == "":
        return "–"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return danish_number(value, min(decimals, 4))
    try:
        return date.fromisoformat(str(value)).strftime("%d-%m-%Y")
    except ValueError:
        return str(value)


def _field_value(name: str, value: Any) -> str:
    """A field's value in the history as the UI names it: codes of statuses, price bases and target groups
    by their Danish labels, anything else as `shown`."""
    codes: dict[str, Any] = {
        "status": dict(Grant.Status.choices),
        "price_basis": dict(Grant.PriceBasis.choices),
        "target_group": {code: group.label for code, group in target_groups().items()},
    }
    return str(codes[name].get(value, shown(value))) if name in codes else shown(value)


def change_rows(change: GrantChange) -> list[tuple[str, str, str]]:
    """A history row's fields as (Danish name, old, new), e.g. ("Slut", "30-09-2025", "31-12-2025")."""
    return [
        (FIELD_LABELS.get(name, name), _field_value(name, old), _field_value(name, new))
        for name, (old, new) in change.fields.items()
    ]


def paragraph_label(code: str) -> str:
    """The paragraph's Danish label; a code outside the catalogue (old imported data) stands for itself."""
    return code if paragraph_problem(code) else label(code)


def paragraph_problem(code: str) -> str | None:
    """Why `code` is not a paragraph of the catalogue (with the closest codes), or None if it is."""
    try:
        paragraph(code)
    except UnknownParagraph as unknown:
        *first, last = unknown.suggestions or ("",)
        hint = f" Mente du {', '.join(first) + ' eller ' if first else ''}{last}?" if last else ""
        return f"Ukendt paragraf «{code}». Vælg en paragraf fra kataloget.{hint}"
    return None


def target_group_problem(code: str, paragraph_code: str) -> str | None:
    """Why a grant or budget line cannot be booked under this paragraph and target group, or None."""
    groups = target_groups()
    if code not in groups:
        return f"Ukendt målgruppe «{code}». Vælg en af: {', '.join(g.label for g in groups.values())}."
    if paragraph_problem(paragraph_code) is not None:
        return None  # reported on the paragraph itself
    used_under = paragraph(paragraph_code).target_groups
    if code in used_under:
        return None
    names = ", ".join(groups[g].label for g in used_under)
    return f"{label(paragraph_code)} bruges ikke under målgruppen {groups[code].label}, men under: {names}."


def _validity_problem(code: str, start: date) -> str | None:
    """Why a grant starting on `start` cannot be booked on the paragraph (repealed, or not yet in force)."""
    found = paragraph(code)
    if start < found.valid_from:
        return f"{label(code)} gælder først fra {_dk(found.valid_from)}."
    if found.valid_to is not None and start > found.valid_to:
        successor = f", afløst af {label(found.replaced_by)}" if found.replaced_by else ""
        return f"{label(code)} gælder kun til {_dk(found.valid_to)}{successor}."
    return None


def grant_problems(values: Mapping[str, Any], changed: Collection[str]) -> dict[str, str]:
    """Danish messages, per field, for the values a grant cannot hold; empty when all is well.

    The catalogue's rules (the paragraph's target groups and validity) are checked only when the paragraph,
    target group or start is among `changed`: a grant imported long ago under a since-repealed paragraph can
    still be ended or repriced without first being rebooked.
    """
    start, end = values.get("start"), values.get("end")
    found = _catalogue_problems(values.get("paragraph") or "", values.get("target_group"), start, set(changed))
    if start is None:
        found["start"] = "Angiv en startdato."
    if start is not None and end is not None and end < start:
        found["end"] = f"Slutdatoen ligger før startdatoen {_dk(start)}. Slut er bevillingens sidste dag."
    found.update(_price_problems(values))
    found.update(_status_problems(values))
    for name in ("acting_municipality", "paying_municipality"):
        if not _MUNICIPALITY_CODE.fullmatch(str(values.get(name) or "")):
            found[name] = "Kommunekoden er tre cifre, fx 999."
    return found


def _catalogue_problems(code: str, group: Any, start: date | None, changed: set[str]) -> dict[str, str]:
    """The paragraph must be in the catalogue; when it, the target group or the start changes, it must also be
    used under the target group and be in force on the start day."""
    found: dict[str, str] = {}
    checks_validity = start is not None and {"paragraph", "start"} & changed
    if problem := paragraph_problem(code) or (_validity_problem(code, start) if checks_validity and start else None):
        found["paragraph"] = problem
    checks_group = group not in target_groups() or {"paragraph", "target_group"} & changed
    if checks_group and (problem := target_group_problem(str(group or ""), code)):
        found["target_group"] = problem
    return found


def _price_problems(values: Mapping[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    basis, rate, hours, own = (values.get(k) for k in ("price_basis", "rate", "hours_per_week", "own_payment"))
    if basis not in Grant.PriceBasis.values:
        found["price_basis"] = "Vælg et prisgrundlag: pr. dag, pr. time, pr. måned, pr. år eller engangsbeløb."
    if rate is None:
        found["rate"] = "Angiv en takst i kroner."
    elif rate < 0:
        found["rate"] = "Taksten kan ikke være negativ."
    if hours is not None and hours < 0:
        found["hours_per_week"] = "Timer pr. uge kan ikke være negativt."
    elif hours is not None and hours > 168:
        found["hours_per_week"] = "En uge har 168 timer; angiv timer pr. uge."
    elif basis == Grant.PriceBasis.HOUR and not hours:
        found["hours_per_week"] = "En timetakst kræver timer pr. uge."
    if own is not None and own < 0:
        found["own_payment"] = "Egenbetalingen kan ikke være negativ."
    return found


def _status_problems(values: Mapping[str, Any]) -> dict[str, str]:
    status, probability = values.get("status"), values.get("probability")
    if status not in Grant.Status.values:
        return {"status": "Vælg en status: bevilget, forventet eller afsluttet."}
    if probability is not None and not 0 <= probability <= 1:
        return {"probability": "Sandsynligheden skal ligge mellem 0 og 1 (fx 0,5 for 50 %)."}
    return {}


def _check(reason: str, fields: Collection[str]) -> None:
    if not reason.strip():
        raise ValidationError({"reason": "En ændring af en bevilling kræver en begrundelse."})
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise ValidationError({"changes": f"Felterne kan ikke ændres her: {', '.join(unknown)}"})


def _settle_probability(grant: Grant) -> None:
    """Only an expected grant has a probability; it defaults to 1 (it is expected to happen)."""
    if grant.status != Grant.Status.EXPECTED:
        grant.probability = None
    elif grant.probability is None:
        grant.probability = Decimal(1)


def _current(grant: Grant) -> dict[str, Any]:
    return {name: getattr(grant, name) for name in EDITABLE}


@transaction.atomic
def change_grant(grant: Grant, changes: dict[str, Any], reason: str, user: str) -> GrantChange | None:
    """Apply `changes` to `grant` with `reason`; returns the history row, or None if nothing changed.

    Raises ValidationError (nothing saved) for a missing reason, an unknown field or a value the grant cannot
    hold (e.g. an end before the start), with the Danish message per field of `grant_problems`.
    """
    _check(reason, changes)
    before = {name: _plain(value) for name, value in _current(grant).items()}
    problems = grant_problems({**_current(grant), **changes}, changed=changes)
    if problems:
        raise ValidationError(problems)
    for name, value in changes.items():
        setattr(grant, name, value)
    _settle_probability(grant)
    grant.full_clean()  # the model's constraints too: an end before the start, a negative rate
    grant.save()
    LedgerVersion.bump()
    grant.refresh_from_db()
    after = {name: _plain(value) for name, value in _current(grant).items()}
    diff = {name: [before[name], after[name]] for name in EDITABLE if before[name] != after[name]}
    if not diff:
        return None
    return GrantChange.objects.create(grant=grant, changed_by=user, reason=reason.strip(), fields=diff)


def next_grant_id() -> str:
    """The next free id for a grant registered in dispo: the municipality code, R (registreret) and a number,
    so it never collides with the case system's ids and sorts in the order grants were registered."""
    prefix = f"{settings.MUNICIPALITY}-R"
    taken = Grant.objects.filter(grant_id__startswith=prefix).values_list("grant_id", flat=True)
    numbers = [int(g.removeprefix(prefix)) for g in taken if g.removeprefix(prefix).isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:06d}"


@transaction.atomic
def create_grant(citizen: Citizen, values: dict[str, Any], reason: str, user: str) -> Grant:
    """Register a new grant (decided or expected) for `citizen`; its history starts with every value it got.

    Raises ValidationError (nothing saved) as `change_grant` does.
    """
    _check(reason, values)
    problems = grant_problems(values, changed=EDITABLE)
    if problems:
        raise ValidationError(problems)
    grant = Grant(grant_id=next_grant_id(), citizen=citizen, **values)
    _settle_probability(grant)
    grant.full_clean()
    grant.save()
    LedgerVersion.bump()
    grant.refresh_from_db()
    given = {name: [None, _plain(value)] for name, value in _current(grant).items() if value not in (None, "")}
    GrantChange.objects.create(grant=grant, changed_by=user, reason=reason.strip(), fields=given)
    return grant


def end_grant(grant: Grant, end: date | None, reason: str, user: str) -> GrantChange | None:
    """End `grant` with `end` as its last day.

    A decided grant becomes `afsluttet`. An expected grant stays expected with an expected last day: marking
    it ended would count it as decided and drop its probability.
    """
    if end is None:
        raise ValidationError({"end": "Angiv bevillingens sidste dag."})
    changes: dict[str, Any] = {"end": end}
    if grant.status == Grant.Status.DECIDED:
        changes["status"] = Grant.Status.ENDED
    return change_grant(grant, changes, reason, user)


@dataclass(frozen=True)
class RateProposal:
    """A rate proposed for a grant and how it came about, in words a caseworker can check."""

    rate: Decimal
    explanation: str


def _basis_text(basis: str) -> str:
    return str(Grant.PriceBasis(basis).label)


def average_rate(
    code: str, group: str, basis: str, hours_per_week: Decimal | None, year: int, as_of: date
) -> RateProposal | None:
    """The paragraph's average price per year under the target group, in the unit of `basis`.

    The average is the decided grants' forecast over their årsværk for `year` as of `as_of` (one-offs left
    out: they have no årsværk). Per day divides by the days of the year, per month by 12, per hour by the
    hours of the year's weeks. None when no decided grant gives an average, or for a one-off.
    """
    frame = current.grant_frame(year, as_of).filter(
        (pl.col("paragraph") == code)
        & (pl.col("target_group") == group)
        & pl.col("status").is_in(list(DECIDED))
        & (pl.col("price_basis") != Grant.PriceBasis.ONE_OFF)
    )
    forecast, fte = frame.select(pl.col("forecast").sum(), pl.col("fte").sum()).row(0)
    if not fte or basis == Grant.PriceBasis.ONE_OFF or (basis == Grant.PriceBasis.HOUR and not hours_per_week):
        return None
    per_year = forecast / fte
    days = days_in_year(year)
    per_unit = {
        Grant.PriceBasis.YEAR: per_year,
        Grant.PriceBasis.MONTH: per_year / 12,
        Grant.PriceBasis.DAY: per_year / days,
        Grant.PriceBasis.HOUR: per_year / days * 7 / float(hours_per_week or 1),
    }[Grant.PriceBasis(basis)]
    explanation = (
        f"Gennemsnitspris for {label(code)} under {target_groups()[group].label} {year}: "
        f"{danish_number(forecast, 0)} kr. / {danish_number(fte, 2)} årsværk = {danish_number(per_year, 0)} kr. "
        f"pr. år, dvs. {danish_number(per_unit, 2)} kr. {_basis_text(basis)}."
    )
    return RateProposal(Decimal(str(round(per_unit, 4))), explanation)


def propose_rate(values: Mapping[str, Any], provider: Provider | None, year: int, as_of: date) -> RateProposal | None:
    """The rate a grant with `values` gets when none is given: the provider's valid rate for the paragraph and
    price basis on the start day; for an expected grant without one, the paragraph's average price."""
    code, basis, start = values.get("paragraph") or "", values.get("price_basis") or "", values.get("start")
    if provider is not None and basis:
        listed = valid_rate(provider, code, basis, start or as_of)
        if listed is not None:
            period = f"gyldig fra {_dk(listed.valid_from)}" + (
                f" til {_dk(listed.valid_to)}" if listed.valid_to else ""
            )
            where = f"for {label(code)}" if listed.paragraph else "for alle paragraffer"
            explanation = (
                f"{provider.name}s takst {where}: {danish_number(listed.rate, 2)} kr. {_basis_text(basis)} ({period})."
            )
            return RateProposal(listed.rate, explanation)
    group = values.get("target_group") or ""
    if values.get("status") != Grant.Status.EXPECTED or paragraph_problem(code) or group not in target_groups():
        return None
    if basis not in Grant.PriceBasis.values:
        return None
    return average_rate(code, group, basis, values.get("hours_per_week"), year, as_of)
