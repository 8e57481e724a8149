"""Leverandørliste pr. paragraf: the grants of one paragraph by provider type, in the layout of Varde's § 108 list.

Each grant shows its årsværk in the year, its amount (gross) and the amount net of the VAT compensation
(momsafløftet), and its unit price per year (amount / årsværk) in the column of its provider type, so prices of
private, other municipalities' and own places can be compared side by side. Below the rows, per provider type:
the total, the total momsafløftet, the average yearly unit price and the årsværk. The average is the type's
amount divided by its årsværk, not the mean of the rows' prices: a short stay must not weigh as much as a year.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from dispo.domain.paragraphs import catalogue, label
from dispo.engine.aggregate import summarise

GROUPS = ("privat", "andre", "egen", "ingen")
"""The list's provider columns: private, other municipalities and regions, own, and (if any) no provider."""
ALWAYS = GROUPS[:3]
GROUP_OF_TYPE = {"privat": "privat", "anden_kommune": "andre", "region": "andre", "egen": "egen"}
ROW_COLUMNS = (
    "grant_id",
    "citizen_id",
    "cpr",
    "provider",
    "provider_type",
    "group",
    "period_start",
    "period_end",
    "fte",
    "forecast",
    "vat_net",
    "unit_price",
)
SUMMARY_ROWS = ("total", "vat_net", "average", "fte")
INDEX_COLUMNS = ("paragraph", "label", "grants", "citizens", "fte", "forecast", "avg_price")


def price_column(group: str) -> str:
    return f"price_{group}"


def provider_rows(
    grants: pl.DataFrame,
    citizens: pl.DataFrame,
    providers: pl.DataFrame,
    paragraph: str,
    year: int,
) -> pl.DataFrame:
    """The paragraph's grants in `year`, ordered by provider group (private, other, own, none) and CPR.

    The period is the grant's within the year (a one-off: its date); `unit_price` = amount / årsværk, empty
    for a grant without årsværk (a one-off, or money paid after the grant ended).
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    order = {group: i for i, group in enumerate(GROUPS)}
    one_off = pl.col("price_basis") == "engang"
    return (
        grants.filter(pl.col("paragraph") == paragraph)
        .join(citizens.select("citizen_id", "cpr"), on="citizen_id", how="left")
        .join(providers.select("provider_id", provider="name"), on="provider_id", how="left")
        .with_columns(
            group=pl.col("provider_type").replace_strict(GROUP_OF_TYPE, default="ingen", return_dtype=pl.String),
            period_start=pl.max_horizontal("start", pl.lit(first)),
            period_end=pl.when(one_off).then("start").otherwise(pl.min_horizontal(pl.col("end").fill_null(last), last)),
            vat_net=pl.col("forecast") - pl.col("vat_compensation"),
            unit_price=pl.when(pl.col("fte") > 0).then(pl.col("forecast") / pl.col("fte")),
        )
        .sort(pl.col("group").replace_strict(order, return_dtype=pl.Int8), "cpr", "start", "grant_id")
        .select(ROW_COLUMNS)
    )


def groups_shown(rows: pl.DataFrame) -> list[str]:
    """The provider columns of the list: always private, other and own; "no provider" only when it occurs."""
    present = set(rows["group"].to_list())
    return [g for g in GROUPS if g in ALWAYS or g in present]


def provider_summary(rows: pl.DataFrame) -> dict[str, dict[str, float | None]]:
    """Per summary line (total, vat_net, average, fte) the figure per provider group and for all (`all`)."""
    keyed = pl.concat([rows, rows.with_columns(group=pl.lit("all"))])
    sums = keyed.group_by("group").agg(
        total=pl.col("forecast").sum(), vat_net=pl.col("vat_net").sum(), fte=pl.col("fte").sum()
    )
    sums = sums.with_columns(average=pl.when(pl.col("fte") > 0).then(pl.col("total") / pl.col("fte")))
    by_group = {row["group"]: row for row in sums.iter_rows(named=True)}
    return {
        line: {group: by_group[group][line] if group in by_group else None for group in (*GROUPS, "all")}
        for line in SUMMARY_ROWS
    }


def provider_table(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows with the unit price spread into one column per provider group shown, as on the page."""
    groups = groups_shown(rows)
    return rows.with_columns(
        pl.when(pl.col("group") == g).then(pl.col("unit_price")).alias(price_column(g)) for g in groups
    ).drop("group", "unit_price")


def provider_download(rows: pl.DataFrame, labels: dict[str, str]) -> pl.DataFrame:
    """The page's table followed by its summary lines (labelled in the first column with `labels`), the
    per-group figures in the price columns. The amount and årsværk columns of the summary lines stay empty, so
    a spreadsheet's sum of those columns counts every grant once."""
    table = provider_table(rows)
    summary = provider_summary(rows)
    groups = groups_shown(rows)
    lines = pl.DataFrame(
        [{"grant_id": labels[line], **{price_column(g): summary[line][g] for g in groups}} for line in SUMMARY_ROWS],
        schema={"grant_id": pl.String, **{price_column(g): pl.Float64 for g in groups}},
    )
    return pl.concat([table, lines], how="diagonal_relaxed")


def paragraph_index(grants: pl.DataFrame) -> pl.DataFrame:
    """The paragraphs with grants in the year, in catalogue order: grants, citizens, årsværk, amount and the
    average yearly price, each leading to its provider list."""
    codes = list(catalogue())
    order = {code: i for i, code in enumerate(codes)}
    labels = {code: label(code) for code in codes}
    return (
        summarise(grants, ["paragraph"])
        .collect()
        .with_columns(label=pl.col("paragraph").replace_strict(labels, default=pl.col("paragraph")))
        .sort(pl.col("paragraph").replace_strict(order, default=len(codes), return_dtype=pl.Int32))
        .select(INDEX_COLUMNS)
    )
