"""Særligt dyre enkeltsager: the citizens (children: households) the state's SDE scheme concerns this year.

The seed asks for "an easier listing for checking the cases where reimbursement can be claimed". A case is
listed when its expense counted by the scheme exceeds the year's first threshold, or when it is reimbursed at
all: the scheme works month by month (DESIGN.md §4), so a case below the yearly threshold can still be
reimbursed for its expensive months, and a controller checking claims must see it too.

The figures are sums of the grants' own net columns (`engine.net`), so this list agrees to the krone with every
other net figure: gross is the whole expense of the case in the year (all paragraphs of its age group, the
seed's "samlet udgift ... ex. refusion"); the expense counted is that of the SDE paragraphs this municipality
pays, after own payment and VAT compensation; the reimbursement is the engine's monthly computation (which also
applies the age-67 rule, so an adult over 67 can be counted here and still not be reimbursed).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

ADULTS, CHILDREN = "voksne", "boern"
BRACKET_LIMITS = (2_000_000.0, 2_500_000.0, 3_000_000.0, 3_500_000.0, 4_000_000.0, 6_000_000.0, 10_000_000.0)
BRACKETS = (
    "op til 2,0 mio. kr.",
    "2,0-2,5 mio. kr.",
    "2,5-3,0 mio. kr.",
    "3,0-3,5 mio. kr.",
    "3,5-4,0 mio. kr.",
    "4-6 mio. kr.",
    "6-10 mio. kr.",
    "over 10 mio. kr.",
)
"""The seed's cost brackets of the yearly gross expense; a bracket includes its upper limit ("over 2 mio.")."""
COLUMNS = (
    "kind",
    "key",
    "citizen_ids",
    "cprs",
    "gross",
    "sde_expense",
    "sde_reimbursement",
    "net",
    "bracket",
)


def cost_bracket(gross: pl.Expr) -> pl.Expr:
    """The seed's cost bracket of a yearly gross expense, as text: the limits it exceeds count the bracket."""
    exceeded = pl.sum_horizontal([(gross > limit).cast(pl.Int32) for limit in BRACKET_LIMITS])
    return exceeded.replace_strict(dict(enumerate(BRACKETS)), return_dtype=pl.String)


def expensive_cases(
    grants: pl.DataFrame,
    citizens: pl.DataFrame,
    first_thresholds: Mapping[str, float],
) -> pl.DataFrame:
    """One row per adult citizen or per household of children: the citizens (ids and masked CPR numbers, as
    lists), gross, the expense counted by the scheme (`sde_expense`), the reimbursement, net and the cost
    bracket; most expensive first.

    `first_thresholds` holds the year's first threshold per age group (`voksne`, `boern`).
    """
    counted = pl.col("gross") - pl.col("own_payment") - pl.col("other_municipality") - pl.col("vat_compensation")
    threshold = pl.col("kind").replace_strict(dict(first_thresholds), default=None, return_dtype=pl.Float64)
    keyed = (
        grants.filter(pl.col("paragraph_group").is_in([ADULTS, CHILDREN]))
        .join(citizens.select("citizen_id", "cpr", "household_id"), on="citizen_id", how="left")
        .with_columns(
            kind=pl.col("paragraph_group"),
            key=pl.when(pl.col("paragraph_group") == CHILDREN)
            .then(pl.coalesce("household_id", "citizen_id"))
            .otherwise(pl.col("citizen_id")),
            sde_expense=pl.when(pl.col("sde").fill_null(False)).then(counted).otherwise(0.0),
        )
    )
    members = (
        keyed.select("kind", "key", "citizen_id", "cpr")
        .unique()
        .sort("cpr", "citizen_id")
        .group_by("kind", "key", maintain_order=True)
        .agg(citizen_ids="citizen_id", cprs="cpr")
    )
    return (
        keyed.group_by("kind", "key")
        .agg(pl.col("gross", "sde_expense", "sde_reimbursement", "net").sum())
        .filter((pl.col("sde_expense") > threshold) | (pl.col("sde_reimbursement") > 0))
        .join(members, on=["kind", "key"], how="left")
        .with_columns(bracket=cost_bracket(pl.col("gross")))
        .sort(["gross", "key"], descending=[True, False])
        .select(COLUMNS)
    )


def for_download(cases: pl.DataFrame) -> pl.DataFrame:
    """The list with its citizens as text (a spreadsheet cell holds no list)."""
    return cases.with_columns(pl.col("citizen_ids", "cprs").list.join(", "))
