"""Expected ends of grants that run "until further notice": a stopping rate from the ledger's own history.

A grant without an end date costs, in the commitment ledger, until the end of the year (DESIGN.md §4). Some of
them will stop before then; nobody knows which, but the history tells how many. The chance of stopping is a
hazard — ends per day at risk — that is constant within each age band (`BANDS`) of a paragraph, estimated from
the grants known on the forecast day whose end was not known at their decision: an end registered by then is an
event, and every grant adds the days it was at risk inside the history window (a grant that started before the
window counts from its age on the window's first day, so the grants that ended before the window, missing from
it, do not make the rate too low).

Why bands rather than the Kaplan–Meier curve: among the oldest grants only one or two are at risk, and one end
there takes the curve to zero, so every older grant would be "certain" to stop. A rate per band pools the days
at risk; a band with few of them is drawn toward its paragraph's overall rate, and a paragraph with few toward
the ledger's (`PRIOR_ENDS` ends' worth of weight: the mean of a gamma posterior). What remains uncertain about a
rate is its posterior variance, which moves every open grant of the paragraph together (`estimation_variance`).

An end is registered some days after it happens (`registration`). Two things follow. The rate is estimated on a
window that closes when nearly every end in it has been registered (`complete_after` days before the forecast
day), else the latest ends would be missing and the rate too low. And a grant still open in the ledger on the
forecast day may already have stopped: it has been at risk for the `waiting` days an end stays unregistered on
average, on top of its future. A grant of age a thus runs through a later month with the chance exp(−Λ), Λ the
hazard summed over the days from a − waiting to the middle of what is left of the month. Its expected ends are
its remaining cost × (1 − that chance), a line of its own beside the known commitments, never inside them.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import NamedTuple

import polars as pl

from dispo.engine.periods import Frame, lazy

KEYS = ("paragraph",)
"""The strata of the stopping rate: one set of bands per paragraph."""
BANDS = (0, 91, 182, 365, 730, 1461, 2922)
"""Lower ends of the age bands in days (a quarter, half a year, one, two, four and eight years); the last is open."""
PRIOR_ENDS = 1.0
"""How many ends' worth of weight the wider rate (paragraph, ledger) has in a band's or a paragraph's rate."""
BAND_COLUMNS = ("lower", "upper")
LAG_SEEN_DAYS = 120
"""Registration lags are measured on ends at least this long before the forecast day, so that a long lag has had
time to show (the ends of the last weeks are registered only if quickly, and would make lags look short)."""
LAG_QUANTILE = 0.95
"""The share of ends registered by `complete_after` days: the window of the rate closes that long before the day."""


class Registration(NamedTuple):
    """How late ends are registered, from the ends registered by the forecast day."""

    waiting: float
    """Mean days from an end until its registration (0 for an end registered before it happens)."""
    complete_after: int
    """Days after which LAG_QUANTILE of the ends are registered."""


def registration(grants: Frame, day: date) -> Registration:
    """The registration lags of the ends of open-type grants that happened at least LAG_SEEN_DAYS before `day`
    and were registered by then; no lag without such ends. `grants` as for `durations`."""
    waiting, complete = (
        lazy(grants)
        .filter(
            pl.col("open_type")
            & (pl.col("status") != "forventet")
            & (pl.col("end") <= pl.lit(day - timedelta(days=LAG_SEEN_DAYS)))
            & (pl.col("end_known_on") <= pl.lit(day))
        )
        .select((pl.col("end_known_on") - pl.col("end")).dt.total_days().cast(pl.Float64).alias("lag"))
        .select(
            pl.col("lag").clip(lower_bound=0.0).mean().alias("waiting"),
            pl.col("lag").quantile(LAG_QUANTILE, interpolation="higher").alias("complete"),
        )
        .collect()
        .row(0)
    )
    return Registration(
        waiting=float(waiting or 0.0), complete_after=max(0, math.ceil(complete)) if complete is not None else 0
    )


def _ages(start: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Active days from `start` through `day`, both counted (0 before the start)."""
    return ((day - start).dt.total_days() + 1).clip(lower_bound=0)


def durations(grants: Frame, day: date, history_from: date) -> pl.LazyFrame:
    """Per open-type periodic grant seen in the window [history_from, day]: entry age, exit age and whether the
    exit is an end (event) or `day` (censored). `grants` is the ledger as known on the forecast day (`day` or
    later: see `registration`) with the columns of `knowledge.with_knowledge`."""
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


def bands() -> pl.LazyFrame:
    """The age bands: `band`, `lower` (exclusive) and `upper` (inclusive, null for the last) in days."""
    uppers: list[int | None] = [*BANDS[1:], None]
    return pl.LazyFrame(
        {"band": list(range(len(BANDS))), "lower": list(BANDS), "upper": uppers},
        schema={"band": pl.Int64, "lower": pl.Int64, "upper": pl.Int64},
    )


def _overlap(since: pl.Expr, until: pl.Expr) -> pl.Expr:
    """Days of the age span (since, until] inside the band (lower, upper]."""
    top = pl.min_horizontal(until, pl.col("upper").fill_null(until))
    return (top - pl.max_horizontal(since, pl.col("lower"))).clip(lower_bound=0)


def _gamma_mean(events: pl.Expr, exposure: pl.Expr, prior_rate: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The rate's posterior mean and variance: `events` ends in `exposure` days, with PRIOR_ENDS ends at
    `prior_rate` added (a gamma prior); without a prior rate the rate is 0."""
    shape = events + PRIOR_ENDS
    scale = exposure + PRIOR_ENDS / prior_rate
    known = prior_rate > 0
    return (
        pl.when(known).then(shape / scale).otherwise(0.0),
        pl.when(known).then(shape / scale**2).otherwise(0.0),
    )


def hazards(durations: pl.LazyFrame) -> pl.LazyFrame:
    """Per stratum and age band: `hazard` (ends per day at risk) and `hazard_var` (its posterior variance), with
    the band's `lower` and `upper` ages. A band's rate is drawn toward its stratum's, the stratum's toward the
    whole ledger's."""
    keys = list(KEYS)
    counted = (
        durations.join(bands(), how="cross")
        .with_columns(
            exposure=_overlap(pl.col("entry"), pl.col("exit")).cast(pl.Float64),
            ended=(
                (pl.col("event") == 1)
                & (pl.col("exit") > pl.col("lower"))
                & (pl.col("exit") <= pl.col("upper").fill_null(pl.col("exit")))
            ).cast(pl.Float64),
        )
        .group_by(*keys, "band", *BAND_COLUMNS)
        .agg(pl.col("ended").sum(), pl.col("exposure").sum())
    )
    ledger_rate = pl.col("ended").sum() / pl.col("exposure").sum()
    stratum_rate, _ = _gamma_mean(
        pl.col("ended").sum().over(keys), pl.col("exposure").sum().over(keys), ledger_rate.fill_nan(0.0)
    )
    hazard, variance = _gamma_mean(pl.col("ended"), pl.col("exposure"), pl.col("stratum_rate"))
    return (
        counted.with_columns(stratum_rate=stratum_rate)
        .select(*keys, "band", *BAND_COLUMNS, hazard.alias("hazard"), variance.alias("hazard_var"))
        .sort(*keys, "band")
    )


def _with_bands(rows: pl.LazyFrame, rates: pl.LazyFrame) -> pl.LazyFrame:
    """Each row of `rows` (with `age_from`, `age_then`) per band of its stratum, with the days it spends there."""
    return rows.join(rates, on=list(KEYS), how="inner").with_columns(
        days=_overlap(pl.col("age_from"), pl.col("age_then")).cast(pl.Float64)
    )


def running_chance(months: Frame, grants: Frame, rates: pl.LazyFrame, day: date, waiting: float = 0.0) -> pl.LazyFrame:
    """Per grant and month with remaining cost: `remaining`, `weight` (its probability), `chance`, the
    probability that it still runs in that month given that its end was not registered by `day` — 1 for a grant
    whose end is known — and the ages `age_from` (its age on `day` less `waiting`) and `age_then` (the middle of
    what is left of the month) between which it is at risk (equal where the end is known).

    `months` is the forecast's month table of the ledger as known on `day`; `grants` that ledger's grants;
    `rates` comes from `hazards`; `waiting` from `registration`.
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
    age_now = _ages(pl.col("start"), pl.lit(day)).cast(pl.Float64)
    rows = (
        lazy(months)
        .filter(pl.col("remaining") != 0)
        .join(attributes, on="grant_id", how="inner")
        .with_columns(
            age_from=pl.when(pl.col("open")).then((age_now - waiting).clip(lower_bound=0.0)).otherwise(age_now),
            age_then=pl.when(pl.col("open"))
            .then(_ages(pl.col("start"), middle.cast(pl.Date)).cast(pl.Float64))
            .otherwise(age_now),
        )
    )
    row_keys = ["grant_id", "month"]
    spent = (
        _with_bands(rows.select(*row_keys, *keys, "age_from", "age_then"), rates)
        .group_by(row_keys)
        .agg((pl.col("hazard") * pl.col("days")).sum().alias("cumulative"))
    )
    return rows.join(spent, on=row_keys, how="left").select(
        "grant_id",
        *keys,
        "month",
        "remaining",
        "weight",
        (-pl.col("cumulative").fill_null(0.0)).exp().alias("chance"),
        "age_from",
        "age_then",
    )


def estimation_variance(chances: pl.LazyFrame, rates: pl.LazyFrame) -> pl.LazyFrame:
    """Per stratum `rate_var`: the variance of the expected ends from the uncertainty of the rates themselves.

    A rate estimated too high makes every open grant of the paragraph stop too early at once, so this part does
    not shrink with the number of grants. To first order (the delta method): the cost still spent, Σ r·exp(−Λ),
    moves by −Σ r·chance·t_b per unit of the band's rate, t_b the row's days in band b; the variance is the sum
    over bands of that slope squared times the rate's variance.
    """
    keys = list(KEYS)
    return (
        _with_bands(chances, rates)
        .group_by(*keys, "band")
        .agg(
            (pl.col("remaining") * pl.col("chance") * pl.col("days")).sum().alias("slope"),
            pl.col("hazard_var").first(),
        )
        .group_by(*keys)
        .agg((pl.col("slope") ** 2 * pl.col("hazard_var")).sum().alias("rate_var"))
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
