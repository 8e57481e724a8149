"""From gross to net: own payment, other municipalities, VAT compensation and the state's SDE reimbursement.

DESIGN.md §4: net = gross − own payment − reimbursement from the paying municipality (when it is another one)
− the VAT compensation on private providers − the reimbursement for expensive single cases. The SDE
reimbursement is computed per citizen (children: per household) month by month on the expense the
municipality itself bears for paragraphs that count, and then shared back to the grants in proportion to their
part of that expense, so that every aggregate of grants carries its share.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dispo.domain.reimbursement import ADULT_AGE_LIMIT, SdeRule
from dispo.engine.periods import Frame, lazy
from dispo.engine.sde import monthly_reimbursement

NET_COLUMNS = ("gross", "own_payment", "other_municipality", "vat_compensation", "sde_reimbursement", "net")


@dataclass(frozen=True)
class NetRules:
    """What turns gross into net for one municipality and year."""

    municipality: str
    vat_rate: float
    adults: SdeRule
    children: SdeRule


def _month_shares(months: Frame, grants: Frame, providers: Frame, paragraphs: Frame, rules: NetRules) -> pl.LazyFrame:
    """Per grant and month: gross, own payment, other municipality's part, VAT compensation, SDE basis."""
    attributes = (
        lazy(grants)
        .select("grant_id", "citizen_id", "paragraph", "provider_id", "paying_municipality", "price_basis")
        .join(lazy(providers).select("provider_id", "provider_type"), on="provider_id", how="left")
        .join(lazy(paragraphs).select("paragraph", "sde", "paragraph_group"), on="paragraph", how="left")
    )
    ours = pl.col("paying_municipality") == rules.municipality
    private = pl.col("provider_type") == "privat"
    own = pl.min_horizontal("own_payment", "gross").clip(lower_bound=0.0)
    return (
        lazy(months)
        .select("grant_id", "month", pl.col("forecast").alias("gross"), "own_payment")
        .join(attributes, on="grant_id", how="left")
        .with_columns(own_payment=own)
        .with_columns(
            other_municipality=pl.when(ours).then(0.0).otherwise(pl.col("gross") - pl.col("own_payment")),
            vat_compensation=pl.when(ours & private).then(pl.col("gross") * rules.vat_rate).otherwise(0.0),
        )
        .with_columns(
            sde_basis=pl.when(ours & pl.col("sde").fill_null(False))
            .then(pl.col("gross") - pl.col("own_payment") - pl.col("vat_compensation"))
            .otherwise(0.0)
        )
    )


def _eligible(shares: pl.LazyFrame, citizens: Frame, rule: SdeRule) -> pl.LazyFrame:
    """The grant-months that count: adults while under 67, and after 67 only if covered in the month before the
    birthday month (their expense that month above 1/12 of the first threshold); children always.

    The month before a January birthday lies in the previous year, outside the frame: such a citizen is
    treated as not covered after the birthday.
    """
    born = lazy(citizens).select("citizen_id", "birth_date")
    turns_67 = pl.col("birth_date").dt.offset_by(f"{ADULT_AGE_LIMIT}y").dt.month_start()
    with_age = shares.join(born, on="citizen_id", how="left").with_columns(turns_67=turns_67)
    before = (pl.col("kind") == "voksne") & (pl.col("month") == pl.col("turns_67").dt.offset_by("-1mo"))
    covered = (
        with_age.filter(before)
        .group_by("citizen_id")
        .agg((pl.col("sde_basis").sum() > rule.thresholds[0] / 12.0).alias("covered_at_67"))
    )
    return (
        with_age.join(covered, on="citizen_id", how="left")
        .filter(
            (pl.col("kind") == "boern")
            | pl.col("turns_67").is_null()
            | (pl.col("month") < pl.col("turns_67"))
            | pl.col("covered_at_67").fill_null(False)
        )
        .drop("birth_date", "turns_67", "covered_at_67")
    )


def _reimbursement_by_key(eligible: pl.LazyFrame, kind: str, rule: SdeRule) -> pl.LazyFrame:
    """Per key of one kind the year's reimbursement (a key is a citizen, or a household for children)."""
    one_off = pl.col("price_basis") == "engang"
    per_key_month = (
        eligible.filter(pl.col("kind") == kind)
        .group_by("key", "month")
        .agg(
            pl.col("sde_basis").filter(~one_off).sum().alias("expense"),
            pl.col("sde_basis").filter(one_off).sum().alias("one_off"),
        )
    )
    return (
        monthly_reimbursement(per_key_month, rule.thresholds, rule.shares, key="key")
        .group_by("key")
        .agg(pl.col("reimbursement").sum())
        .with_columns(kind=pl.lit(kind))
    )


def net_by_grant(
    months: Frame,
    grants: Frame,
    providers: Frame,
    citizens: Frame,
    paragraphs: Frame,
    rules: NetRules,
) -> pl.LazyFrame:
    """Per grant: gross, own_payment, other_municipality, vat_compensation, sde_reimbursement, net."""
    shares = _month_shares(months, grants, providers, paragraphs, rules)
    households = lazy(citizens).select("citizen_id", "household_id")
    keyed = (
        shares.filter(pl.col("sde_basis") != 0)
        .join(households, on="citizen_id", how="left")
        .with_columns(
            kind=pl.col("paragraph_group"),
            key=pl.when(pl.col("paragraph_group") == "boern")
            .then(pl.coalesce("household_id", "citizen_id"))
            .otherwise(pl.col("citizen_id")),
        )
    )
    eligible = _eligible(keyed, citizens, rules.adults)
    reimbursed = pl.concat(
        [
            _reimbursement_by_key(eligible, "voksne", rules.adults),
            _reimbursement_by_key(eligible, "boern", rules.children),
        ]
    )
    sde = (
        eligible.group_by("grant_id", "kind", "key")
        .agg(pl.col("sde_basis").sum())
        .with_columns(key_basis=pl.col("sde_basis").sum().over("kind", "key"))
        .join(reimbursed, on=["kind", "key"], how="left")
        .with_columns(
            sde_reimbursement=pl.when(pl.col("key_basis") != 0)
            .then(pl.col("reimbursement").fill_null(0.0) * pl.col("sde_basis") / pl.col("key_basis"))
            .otherwise(0.0)
        )
        .group_by("grant_id")
        .agg(pl.col("sde_reimbursement").sum())
    )
    money = ["gross", "own_payment", "other_municipality", "vat_compensation"]
    return (
        shares.group_by("grant_id")
        .agg(pl.col(money).sum())
        .join(sde, on="grant_id", how="left")
        .with_columns(pl.col("sde_reimbursement").fill_null(0.0))
        .with_columns(
            net=pl.col("gross")
            - pl.col("own_payment")
            - pl.col("other_municipality")
            - pl.col("vat_compensation")
            - pl.col("sde_reimbursement")
        )
        .select("grant_id", *NET_COLUMNS)
    )
