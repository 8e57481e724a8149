"""Why expenses grow: the change between two years or two follow-ups per paragraph split into volume, price,
mix and other, and the development per inhabitant indexed to a base year.

A year is read from the live ledger as the expected result for it: a past year as of its last day (what was
booked and computed), the current year as of the date asked for (booked so far plus the forecast). A follow-up
is read from its frozen grants (`FollowUpGrant`): the expected result of its year as it stood on its date, so
two follow-ups compare what was expected then, however the ledger has changed since. The mix is the movement
between providers and steps: the subgroups of `engine.growth.decompose` are provider type × step, so that a
place moved from the municipality's own provider to a private one, or a citizen moved up the staircase, counts
as mix and not as price. Both sides stand on the staircase models in effect now, so that a model saved between
two follow-ups is not read as citizens moving between steps.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from django.db.models import Max, Q, Sum

from dispo.engine.growth import PARTS, decompose, indexed
from dispo.services import current
from dispo.services.followups.snapshot import grant_table
from dispo.services.population import population_by_year
from dispo.services.staircases import with_effective_steps
from dispo.store.followups.models import FollowUp
from dispo.store.population.models import Population

AGE_GROUPS = {"voksne": (18, 66), "boern": (0, 17), "alle": (0, 125)}
"""The age groups expenses are divided by: the seed's 18-66 for adults, 0-17 for children, or everyone."""
MIX_GROUP = "provider_step"


def year_frame(year: int, as_of: date) -> pl.DataFrame:
    """The per-grant frame of `year` as expected on `as_of`, or on the year's last day for a past year."""
    return current.grant_frame(year, min(as_of, date(year, 12, 31)))


def _with_mix_group(frame: pl.DataFrame) -> pl.DataFrame:
    provider = pl.col("provider_type").fill_null("uden")
    step = pl.col("step").cast(pl.String).fill_null("-")
    return with_effective_steps(frame).with_columns(pl.concat_str(provider, step, separator=" · ").alias(MIX_GROUP))


def _selected(frame: pl.DataFrame, target_groups: tuple[str, ...]) -> pl.DataFrame:
    return frame.filter(pl.col("target_group").is_in(target_groups)) if target_groups else frame


def decomposition(before: pl.DataFrame, after: pl.DataFrame, target_groups: tuple[str, ...] = ()) -> pl.DataFrame:
    """Per paragraph: cost before and after, the change and its parts (volume, mix, price, other), from two
    per-grant frames; only the given target groups when any are given."""
    first = _with_mix_group(_selected(before, target_groups))
    second = _with_mix_group(_selected(after, target_groups))
    table = decompose(first, second, ["paragraph"], MIX_GROUP)
    return table.filter(pl.any_horizontal(pl.col("before", "after", *PARTS) != 0))


def total(table: pl.DataFrame) -> dict[str, float]:
    """The sum of every column of a decomposition: the parts of all paragraphs add up to the total change."""
    return {name: float(table[name].sum()) for name in ("before", "after", "change", *PARTS)}


def why(first_year: int, second_year: int, as_of: date, target_groups: tuple[str, ...] = ()) -> pl.DataFrame:
    """The decomposition between two years of the stored ledger."""
    return decomposition(year_frame(first_year, as_of), year_frame(second_year, as_of), target_groups)


def followup_frame(followup: FollowUp) -> pl.DataFrame:
    """A follow-up's frozen grants as a per-grant frame (a grant without a provider has none, as in the live
    frame, rather than the snapshot's empty text)."""
    return grant_table(followup).with_columns(
        provider_type=pl.when(pl.col("provider_type") != "").then(pl.col("provider_type"))
    )


def why_followups(first: FollowUp, second: FollowUp, target_groups: tuple[str, ...] = ()) -> pl.DataFrame:
    """The decomposition between two follow-ups, from their frozen grants."""
    return decomposition(followup_frame(first), followup_frame(second), target_groups)


def development(
    municipality: str,
    years: list[int],
    as_of: date,
    base_year: int,
    ages: tuple[int, int],
    target_groups: tuple[str, ...] = (),
) -> pl.DataFrame:
    """The expenses of each of `years` per inhabitant aged `ages` (both inclusive), indexed to 100 in
    `base_year` (`engine.growth.indexed`)."""
    costs = pl.DataFrame(
        {
            "year": years,
            "cost": [float(_selected(year_frame(y, as_of), target_groups)["forecast"].sum()) for y in years],
        },
        schema={"year": pl.Int64, "cost": pl.Float64},
    )
    people = population_by_year(municipality, *ages)
    population = pl.DataFrame(
        {"year": list(people), "inhabitants": list(people.values())},
        schema={"year": pl.Int64, "inhabitants": pl.Float64},
    )
    return indexed(costs, population, base_year)


def inhabitants_table(municipalities: tuple[str, ...] = (), years: tuple[int, ...] = ()) -> pl.DataFrame:
    """The stored population per municipality and year (only the given ones when any are given): its name, the
    number of quarters stored, and the inhabitants of each of AGE_GROUPS as the expenses are divided by them —
    the mean over the stored quarters (`services.population.inhabitants`)."""
    rows = Population.objects.all()
    if municipalities:
        rows = rows.filter(municipality__in=municipalities)
    if years:
        rows = rows.filter(year__in=years)
    sums = {
        name: Sum("count", filter=Q(age__gte=low, age__lte=high), default=0) for name, (low, high) in AGE_GROUPS.items()
    }
    quarters = pl.DataFrame(
        list(rows.values("municipality", "year", "quarter").annotate(area_name=Max("area_name"), **sums)),
        schema={
            "municipality": pl.String,
            "area_name": pl.String,
            "year": pl.Int64,
            "quarter": pl.Int64,
            **dict.fromkeys(AGE_GROUPS, pl.Int64),
        },
    )
    return (
        quarters.group_by("municipality", "year")
        .agg(
            pl.col("area_name").first(),
            pl.col("quarter").n_unique().cast(pl.Int64).alias("quarters"),
            *(pl.col(name).mean().alias(name) for name in AGE_GROUPS),
        )
        .select("municipality", "area_name", "year", "quarters", *AGE_GROUPS)
        .sort("municipality", "year")
    )
