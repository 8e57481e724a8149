"""Expected ends of grants that run "until further notice": a survival curve from the ledger's own history.

A grant without an end date costs, in the commitment ledger, until the end of the year (DESIGN.md §4). Some of
them will stop before then; nobody knows which, but the history tells how many. The curve S(t) — the chance
that a grant whose end was not known at its decision is still running after t active days — is a Kaplan–Meier
estimate per paragraph from the grants known on the forecast day: an end registered by then is an event, a
grant still open is censored at its age that day. Grants that started before the history window enter it at
their age on its first day (delayed entry), so the grants that ended before the window (and are missing from
it) do not make the curve too optimistic.

A grant of age a then runs through a later month with the chance S(a + x) / S(a), x the days to the middle of
what is left of the month. Its expected ends are its remaining cost × (1 − that chance), a line of its own
beside the known commitments, never inside them.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from dispo.engine.periods import Frame, lazy

KEYS = ("paragraph",)
"""The strata of the survival curve: one curve per paragraph."""


def _ages(start: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Active days from `start` through `day`, both counted (0 before the start)."""
    return ((day - start).dt.total_days() + 1).clip(lower_bound=0)


def durations(grants: Frame, day: date, history_from: date) -> pl.LazyFrame:
    """Per open-type periodic grant seen in the window [history_from, day]: entry age, exit age and whether the
    exit is an end (event) or the forecast day (censored). `grants` is the ledger as known on `day` with the
    columns of `knowledge.with_knowledge`."""
    on, first = pl.lit(day), pl.lit(history_from)
    ended = pl.col("end").is_not_null() & (pl.col("end") <= on)
    exit_day = pl.when(ended).then(pl.col("end")).otherwise(on)
    return (
        lazy(grants)
        .filter(
            pl.col("open_type")
            & (pl.col("status") != "forventet")
            & (pl.col("price_basis") != "engang")
            & (exit_day >= first)
        )
        .select(
            *KEYS,
            _ages(pl.col("start"), first - pl.duration(days=1)).alias("entry"),
            _ages(pl.col("start"), exit_day).alias("exit"),
            ended.cast(pl.Int64).alias("event"),
        )
        .filter(pl.col("exit") > pl.col("entry"))
    )


def survival(durations: pl.LazyFrame) -> pl.LazyFrame:
    """Kaplan–Meier with delayed entry: per stratum and age t (days) at which something ends, S(t), the chance
    of running more than t days. At risk at t are the grants with entry < t ≤ exit."""
    keys = list(KEYS)

    def change(age: pl.Expr, step: int, event: pl.Expr) -> pl.LazyFrame:
        return durations.select(
            *keys,
            age.cast(pl.Int64).alias("age"),
            pl.lit(step, pl.Int64).alias("step"),
            event.cast(pl.Int64).alias("ev"),
        )

    return (
        pl.concat(
            [
                change(pl.col("entry") + 1, 1, pl.lit(0)),
                change(pl.col("exit") + 1, -1, pl.lit(0)),
                change(pl.col("exit"), 0, pl.col("event")),
            ]
        )
        .group_by(*keys, "age")
        .agg(pl.col("step").sum(), pl.col("ev").sum())
        .sort(*keys, "age")
        .with_columns(at_risk=pl.col("step").cum_sum().over(keys))
        .filter(pl.col("ev") > 0)
        .with_columns(
            surv=(1.0 - pl.col("ev") / pl.col("at_risk")).log().cum_sum().over(keys).exp(),
        )
        .select(*keys, pl.col("age").cast(pl.Int64), "surv")
    )


def _survival_at(frame: pl.LazyFrame, curve: pl.LazyFrame, age: str, name: str) -> pl.LazyFrame:
    """`frame` with S at its column `age` as `name` (1 before the first end, or without a curve)."""
    keys = list(KEYS)
    return (
        frame.sort(age)
        .join_asof(curve.sort("age"), left_on=age, right_on="age", by=keys, strategy="backward", check_sortedness=False)
        .with_columns(pl.col("surv").fill_null(1.0).alias(name))
        .drop("surv", "age_right", strict=False)
    )


def running_chance(months: Frame, grants: Frame, curve: pl.LazyFrame, day: date) -> pl.LazyFrame:
    """Per grant and month with remaining cost: `remaining`, `weight` (its probability) and `chance`, the
    probability that it still runs in that month given that it ran on `day` — 1 for a grant whose end is known.

    `months` is the forecast's month table of the ledger as known on `day`; `grants` that ledger's grants.
    """
    keys = list(KEYS)
    expected = pl.col("status") == "forventet"
    attributes = lazy(grants).select(
        "grant_id",
        *keys,
        "start",
        (pl.col("end").is_null() & (pl.col("price_basis") != "engang")).alias("open"),
        pl.when(expected).then(pl.col("probability").fill_null(1.0)).otherwise(1.0).alias("weight"),
    )
    first_after = pl.max_horizontal(pl.lit(day) + pl.duration(days=1), pl.col("month"), pl.col("start"))
    middle = first_after + (pl.col("month").dt.month_end() - first_after) / 2
    rows = (
        lazy(months)
        .filter(pl.col("remaining") != 0)
        .join(attributes, on="grant_id", how="inner")
        .with_columns(
            age_now=_ages(pl.col("start"), pl.lit(day)).cast(pl.Int64),
            age_then=_ages(pl.col("start"), middle.cast(pl.Date)).cast(pl.Int64),
        )
    )
    rows = _survival_at(_survival_at(rows, curve, "age_now", "s_now"), curve, "age_then", "s_then")
    ratio = pl.when(pl.col("s_now") > 0).then(pl.col("s_then") / pl.col("s_now")).otherwise(0.0)
    return rows.select(
        "grant_id",
        *keys,
        "month",
        "remaining",
        "weight",
        pl.when(pl.col("open")).then(ratio).otherwise(1.0).alias("chance"),
    )


def expected_ends(chances: pl.LazyFrame) -> pl.LazyFrame:
    """Per grant: `ends` (≤ 0, the expected cost not spent because the grant stops) and `ends_var`, the variance
    of its remaining cost from when it stops.

    With r_m the month amounts and s_m the chances in month order, the cost still spent is C = Σ r_m·1[runs in m];
    E[C] = Σ r_m s_m and E[C²] = Σ r_m s_m (2 R_m − r_m), R_m the running sum of r up to m (a later month runs
    only if every earlier one did). An expected grant's amounts carry its probability p: with r⁰ = r / p the
    grant is decided with chance p, so Var = p·E[C⁰²] − (p·E[C⁰])².
    """
    unweighted = pl.when(pl.col("weight") > 0).then(pl.col("remaining") / pl.col("weight")).otherwise(0.0)
    return (
        chances.sort("grant_id", "month")
        .with_columns(r0=unweighted)
        .with_columns(cum=pl.col("r0").cum_sum().over("grant_id"))
        .group_by("grant_id", *KEYS)
        .agg(
            (pl.col("remaining") * (pl.col("chance") - 1.0)).sum().alias("ends"),
            (pl.col("r0") * pl.col("chance")).sum().alias("mean0"),
            (pl.col("r0") * pl.col("chance") * (2.0 * pl.col("cum") - pl.col("r0"))).sum().alias("square0"),
            pl.col("weight").first(),
        )
        .select(
            "grant_id",
            *KEYS,
            "ends",
            (pl.col("weight") * pl.col("square0") - (pl.col("weight") * pl.col("mean0")) ** 2)
            .clip(lower_bound=0.0)
            .alias("ends_var"),
        )
    )
