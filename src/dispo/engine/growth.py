"""Why expenses grow: the change in cost between two periods split into volume, mix, price and other.

Per key (say a paragraph), the cost of periodic grants is årsværk × average price, and the average price is the
årsværk-weighted mean of the prices of its subgroups (say provider types or steps): C = Q · Σ_g s_g · p_g.
Between period 0 and period 1:

- volume  = (Q1 − Q0) · P0                  more or fewer årsværk at the old average price;
- mix     = Q1 · Σ_g (s1_g − s0_g) · p0_g   the new årsværk spread differently over subgroups at old prices;
- price   = Q1 · Σ_g s1_g · (p1_g − p0_g)   each subgroup's own price change;
- other   = the change in expenses without årsværk: one-offs, and payments in a subgroup that has no active
            days in the period (e.g. paid after the end).

The four add up to the total change exactly. A subgroup new in period 1 is priced at its period-1 price in both
periods (it adds mix, not price); a key without årsværk in period 0 is all volume.
"""

from __future__ import annotations

import polars as pl

from dispo.engine.periods import Frame, lazy

PARTS = ("volume", "mix", "price", "other")


def _by_group(ledger: Frame, keys: list[str], group: str, suffix: str) -> pl.LazyFrame:
    one_off = pl.col("price_basis") == "engang"
    return (
        lazy(ledger)
        .group_by(*keys, group)
        .agg(
            pl.col("forecast").filter(~one_off).sum().alias(f"cost{suffix}"),
            pl.col("fte").filter(~one_off).sum().alias(f"fte{suffix}"),
            pl.col("forecast").filter(one_off).sum().alias(f"one_off{suffix}"),
        )
    )


def decompose(before: Frame, after: Frame, keys: list[str], group: str) -> pl.DataFrame:
    """Per combination of `keys`: cost before and after, the change, and its parts (PARTS), from two per-grant
    ledgers (with `forecast`, `fte`, `price_basis`, the `keys` and the subgroup column `group`)."""
    joined = (
        _by_group(before, keys, group, "0")
        .join(_by_group(after, keys, group, "1"), on=[*keys, group], how="full", coalesce=True)
        .with_columns(pl.col("cost0", "fte0", "one_off0", "cost1", "fte1", "one_off1").fill_null(0.0))
        .with_columns(
            (pl.col(f"one_off{n}") + pl.when(pl.col(f"fte{n}") > 0).then(0.0).otherwise(pl.col(f"cost{n}"))).alias(
                f"other{n}"
            )
            for n in "01"
        )
        .with_columns(
            pl.when(pl.col(f"fte{n}") > 0).then(pl.col(f"cost{n}")).otherwise(0.0).alias(f"cost{n}") for n in "01"
        )
    )
    price1 = pl.when(pl.col("fte1") > 0).then(pl.col("cost1") / pl.col("fte1"))
    price0 = pl.when(pl.col("fte0") > 0).then(pl.col("cost0") / pl.col("fte0")).otherwise(price1).fill_null(0.0)
    per_group = joined.with_columns(p0=price0, p1=price1.fill_null(0.0)).with_columns(
        q0=pl.col("fte0").sum().over(keys), q1=pl.col("fte1").sum().over(keys)
    )
    share0 = pl.when(pl.col("q0") > 0).then(pl.col("fte0") / pl.col("q0")).otherwise(0.0)
    share1 = pl.when(pl.col("q1") > 0).then(pl.col("fte1") / pl.col("q1")).otherwise(0.0)
    summed = per_group.group_by(keys).agg(
        pl.col("cost0").sum(),
        pl.col("cost1").sum(),
        pl.col("other0").sum(),
        pl.col("other1").sum(),
        pl.col("q0").first(),
        pl.col("q1").first(),
        (share0 * pl.col("p0")).sum().alias("avg0"),
        (pl.col("q1") * (share1 - share0) * pl.col("p0")).sum().alias("mix"),
        (pl.col("q1") * share1 * (pl.col("p1") - pl.col("p0"))).sum().alias("price"),
    )
    # Without årsværk before, the old average price is undefined: all of the periodic change is volume.
    no_base = pl.col("q0") == 0
    return (
        summed.with_columns(
            volume=pl.when(no_base)
            .then(pl.col("cost1") - pl.col("cost0"))
            .otherwise((pl.col("q1") - pl.col("q0")) * pl.col("avg0")),
            mix=pl.when(no_base).then(0.0).otherwise(pl.col("mix")),
            price=pl.when(no_base).then(0.0).otherwise(pl.col("price")),
            other=pl.col("other1") - pl.col("other0"),
        )
        .with_columns(
            before=pl.col("cost0") + pl.col("other0"),
            after=pl.col("cost1") + pl.col("other1"),
        )
        .with_columns(change=pl.col("after") - pl.col("before"))
        .select(*keys, "before", "after", "change", *PARTS)
        .sort(keys)
        .collect()
    )


def indexed(costs: Frame, population: Frame, base_year: int) -> pl.DataFrame:
    """The indexed development of expenses per inhabitant: per year of `costs` (`year`, `cost`) with the
    `inhabitants` of `population` (`year`, `inhabitants`), the cost per inhabitant and its index, 100 in
    `base_year`. A year without inhabitants, or any year when the base year has none, has no index."""
    per_inhabitant = pl.when(pl.col("inhabitants") > 0).then(pl.col("cost") / pl.col("inhabitants"))
    base = pl.col("per_inhabitant").filter(pl.col("year") == base_year).first()
    return (
        lazy(costs)
        .join(lazy(population), on="year", how="left")
        .with_columns(per_inhabitant=per_inhabitant)
        .with_columns(index=pl.when(base > 0).then(pl.col("per_inhabitant") / base * 100.0))
        .select("year", "cost", "inhabitants", "per_inhabitant", "index")
        .sort("year")
        .collect()
    )
