"""Which stored grant a settlement system's payment belongs to, when the export has no grant id.

A settlement system pays per citizen, period, provider and rate; it seldom writes the case system's grant id. A
profile then says which of the payment's columns identify the grant (`grant_id: {match: …}`): the citizen by CPR
number (joined on the keyed pseudonym, so the number itself is never compared) or by citizen id, and optionally
the paragraph, the provider and the case. The payment belongs to the one stored grant with those values that is
active in the payment's service month. No such grant, or more than one, is a problem for that row: the grants must
be imported first (from the case system), and a citizen with two grants alike (a place and a supplementary rate at
the same provider) needs the grant id in the export.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from dispo.domain import cpr as cpr_rules
from dispo.services.canonical import Problem
from dispo.services.profiles.mapping import MATCH, Mapped
from dispo.services.profiles.sources import ROW
from dispo.store.cpr import pseudonym
from dispo.store.loading import load_table
from dispo.store.models import Citizen

GRANT_KEYS = ("paragraph", "provider_id", "case_id")
CITIZEN = f"{MATCH}citizen_id"


def _citizens(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with `_match_citizen_id`: given, or found from the CPR number's pseudonym."""
    if CITIZEN in frame.columns:
        return frame
    stored = dict(Citizen.objects.values_list("cpr_pseudonym", "citizen_id"))
    by_number: dict[str, str] = {}
    for number in frame[f"{MATCH}cpr"].drop_nulls().unique().to_list():
        try:
            citizen = stored.get(pseudonym(number))
        except cpr_rules.InvalidCpr:
            continue
        if citizen is not None:
            by_number[number] = citizen
    found = pl.col(f"{MATCH}cpr").replace_strict(by_number, default=None, return_dtype=pl.String)
    return frame.with_columns(found.alias(CITIZEN))


def match_grants(payments: Mapped, file: str, found: Iterable[Problem] = ()) -> tuple[Mapped, list[Problem]]:
    """The payments with `grant_id` filled from their match columns, and a problem per row without one grant.

    An empty key matches grants without one (a payment with no provider, a grant with none). Rows with a key
    among the cells in `found` (that did not parse) are not matched: their problem is named already.
    """
    unreadable = sorted({p.row for p in found if p.column in payments.inputs["grant_id"]})
    frame = _citizens(payments.frame).with_row_index("_i")
    frame = frame.with_columns(pl.col(ROW).is_in(unreadable).alias("_unreadable"))
    keys = [k for k in GRANT_KEYS if f"{MATCH}{k}" in frame.columns]
    month = pl.col("service_month").str.to_date("%Y-%m", strict=False)
    stored = load_table("grants").select("grant_id", "citizen_id", *keys, "start", "end")
    candidates = (
        frame.select("_i", CITIZEN, *(f"{MATCH}{k}" for k in keys), first=month, last=month.dt.month_end())
        .join(
            stored, left_on=[CITIZEN, *(f"{MATCH}{k}" for k in keys)], right_on=["citizen_id", *keys], nulls_equal=True
        )
        .filter((pl.col("start") <= pl.col("last")) & (pl.col("end").is_null() | (pl.col("end") >= pl.col("first"))))
        .group_by("_i")
        .agg(pl.len().alias("_grants"), pl.col("grant_id").sort().head(3).alias("_ids"))
    )
    joined = frame.join(candidates, on="_i", how="left").sort("_i")
    resolved = joined.with_columns(
        pl.when(pl.col("_grants") == 1).then(pl.col("_ids").list.first()).otherwise(None).alias("grant_id")
    )
    problems = _problems(resolved.filter(~pl.col("_unreadable")), keys, payments.origins["grant_id"], file)
    helpers = ("_i", "_grants", "_ids", "_unreadable")
    frame = resolved.drop(*helpers, *(c for c in resolved.columns if c.startswith(MATCH)))
    return Mapped(payments.table, frame, payments.origins, payments.inputs), problems


def _problems(resolved: pl.DataFrame, keys: list[str], origin: str, file: str) -> list[Problem]:
    """Rows with no or several grants (those without a citizen or a month have their problem already)."""
    given = f"{MATCH}cpr" if f"{MATCH}cpr" in resolved.columns else CITIZEN
    complete = pl.col("service_month").is_not_null() & pl.col(given).is_not_null()
    unresolved = resolved.filter(complete & (pl.col("_grants") != 1).fill_null(True))
    problems = []
    for row in unresolved.head(1000).iter_rows(named=True):
        what = " · ".join(str(row[f"{MATCH}{k}"] or "(tom)") for k in keys) + f" · {row['service_month']}"
        if row[CITIZEN] is None:
            expected = "en borger der findes i dispo — indlæs borgere og bevillinger fra fagsystemet først"
        elif row["_grants"] is None:
            expected = (
                "en bevilling til borgeren med samme "
                + ", ".join(_DANISH[k] for k in keys)
                + " som er aktiv i måneden; der er ingen — indlæs bevillingen fra fagsystemet først"
            )
        else:
            ids = ", ".join(row["_ids"])
            expected = (
                f"præcis én bevilling; {row['_grants']} passer ({ids}): tilføj bevillingens nummer til eksporten "
                "og profilen (grant_id: {column: …})"
            )
        problems.append(Problem(file, row[ROW], origin, what, expected))
    return problems


_DANISH = {"paragraph": "paragraf", "provider_id": "leverandør", "case_id": "sag"}
