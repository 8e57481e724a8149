"""The three source systems' exports as lines the ottetals-kontrol can compare (DESIGN.md §4).

Each kind of source knows a grant differently, so each has its own *line*, one per row of its export (`LINE`):

- **case system** (`case`, e.g. Nexus): one line per decided grant — the citizen, the paragraph (and its account
  function), the provider, the period `start`-`end` (an open end stays open), the price (`price_basis`, `rate`,
  `hours_per_week`) and the grant id as `reference`. Expected grants are left out: no other system can know
  them yet.
- **settlement system** (`settlement`, e.g. "Børn og Voksne"): one line per payment or correction — the citizen,
  paragraph, provider, the service `month` (`start`-`end` is that month) and the `amount` paid.
- **finance system** (`finance`, e.g. Prisme or Opus): one line per posting — the `account_function`, the
  accounting `month`, the `amount` booked, the citizen where the posting carries a CPR number, the voucher as
  `reference`, and the paragraph only where the function belongs to exactly one paragraph of the catalogue
  (5.38.50 is § 108; 5.38.38 is shared by § 82 a-d, § 85, § 95, § 96 and § 102, so it stays unknown).

The citizen is the keyed pseudonym of the CPR number (the same person has the same key in every source, and no
number is kept) or, for a source without CPR numbers, its citizen id; `cpr_masked` is what a page may show.

A pair of sources is compared on `pair_lines`: per citizen and reconciliation key (and provider, where both
sources know it), the months covered within a window and the amount in it. The key is the paragraph when both
sources know it; a pair with the finance system uses the account function instead wherever that function is
shared by several paragraphs (`finance_key`), because that is all the finance system can say.

Pure Polars: no Django, no database. The pseudonym key is an argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache

import polars as pl

from dispo.domain import cpr as cpr_rules
from dispo.domain.paragraphs import catalogue
from dispo.engine.forecast import computed_months
from dispo.engine.schema import RATES

KINDS = ("case", "settlement", "finance")
"""The three kinds of source, in the order the pages show them."""
SYSTEMS = {"fagsystem": "case", "afregningssystem": "settlement", "oekonomisystem": "finance"}
"""A profile's `system` → the kind of source it reads."""
LINE: dict[str, type[pl.DataType] | pl.DataType] = {
    "row": pl.Int64,
    "citizen": pl.String,
    "cpr_masked": pl.String,
    "paragraph": pl.String,
    "account_function": pl.String,
    "provider": pl.String,
    "start": pl.Date,
    "end": pl.Date,
    "price_basis": pl.String,
    "rate": pl.Float64,
    "hours_per_week": pl.Float64,
    "month": pl.String,
    "amount": pl.Float64,
    "reference": pl.String,
}
"""One normalised line of an export; `row` is the row of the export it came from (as Excel numbers it)."""
HAS_PROVIDER = {"case": True, "settlement": True, "finance": False}
ROW = "_row"


@dataclass(frozen=True)
class Window:
    """The months a comparison looks at, both ends inclusive, within one calendar year."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.first.year != self.last.year or self.first > self.last:
            raise ValueError("a window runs forward within one calendar year")


@cache
def function_paragraphs() -> dict[str, tuple[str, ...]]:
    """Each account function of the catalogue with the paragraphs booked on it."""
    found: dict[str, list[str]] = {}
    for paragraph in catalogue().values():
        found.setdefault(paragraph.account_function, []).append(paragraph.code)
    return {function: tuple(sorted(codes)) for function, codes in found.items()}


def finance_key(paragraph: pl.Expr, function: pl.Expr) -> pl.Expr:
    """The key a pair with the finance system compares on: the paragraph when its function has no other, else the
    function (known from the paragraph when the line has none)."""
    functions = {p.code: p.account_function for p in catalogue().values()}
    shared = [f for f, codes in function_paragraphs().items() if len(codes) > 1]
    own = pl.coalesce(function, paragraph.replace_strict(functions, default=None, return_dtype=pl.String))
    return pl.when(own.is_in(shared) | paragraph.is_null()).then(own).otherwise(paragraph)


def _pseudonyms(numbers: pl.Series, key: bytes) -> tuple[pl.Series, pl.Series]:
    """The pseudonym and masked form of each CPR number, computed once per distinct number; null if invalid."""
    keys: dict[str, str] = {}
    masks: dict[str, str] = {}
    for number in numbers.drop_nulls().unique().to_list():
        try:
            keys[number] = cpr_rules.pseudonym(number, key)
            masks[number] = cpr_rules.mask(number)
        except cpr_rules.InvalidCpr:
            continue
    return (
        numbers.replace_strict(keys, default=None, return_dtype=pl.String),
        numbers.replace_strict(masks, default=None, return_dtype=pl.String),
    )


def _citizen(frame: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """`citizen` and `cpr_masked` from the frame's `cpr` (pseudonym) or, without one, its `citizen_id`."""
    numbers = frame["cpr"] if "cpr" in frame.columns else pl.Series("cpr", [None] * frame.height, pl.String)
    pseudonyms, masks = _pseudonyms(numbers.cast(pl.String), key)
    fallback = pl.col("citizen_id") if "citizen_id" in frame.columns else pl.lit(None, pl.String)
    return frame.with_columns(citizen=pl.coalesce(pl.lit(pseudonyms), fallback), cpr_masked=pl.lit(masks))


def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame in `LINE`'s columns and types (missing ones null), in export order."""
    if ROW not in frame.columns:
        frame = frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    frame = frame.rename({ROW: "row"})
    columns = [
        (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in LINE.items()
    ]
    return frame.select(columns).sort("row")


def case_lines(grants: pl.DataFrame, citizens: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """The case system's decided grants, one line each; the citizen's CPR number comes from `citizens`."""
    decided = grants.filter(pl.col("status").fill_null("bevilget") != "forventet")
    numbers = citizens.select("citizen_id", "cpr").unique(subset="citizen_id", keep="first")
    functions = {p.code: p.account_function for p in catalogue().values()}
    joined = decided.join(numbers, on="citizen_id", how="left").with_columns(
        account_function=pl.col("paragraph").replace_strict(functions, default=None, return_dtype=pl.String),
        provider=pl.col("provider_id"),
        reference=pl.col("grant_id"),
    )
    return _finish(_citizen(joined, key))


def settlement_lines(payments: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """The settlement system's payments: columns `cpr` or `citizen_id`, `paragraph`, `provider_id`,
    `service_month` (YYYY-MM) and `amount` — the payment's own keys, not a grant of the ledger."""
    functions = {p.code: p.account_function for p in catalogue().values()}
    month = pl.col("service_month").str.to_date("%Y-%m", strict=False)
    frame = payments.with_columns(
        account_function=pl.col("paragraph").replace_strict(functions, default=None, return_dtype=pl.String),
        provider=pl.col("provider_id"),
        month=pl.col("service_month"),
        start=month,
        end=month.dt.month_end(),
    )
    return _finish(_citizen(frame, key))


def finance_lines(postings: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """The finance system's postings (`engine.schema.POSTINGS`): the paragraph where the function names one."""
    unique = {f: codes[0] for f, codes in function_paragraphs().items() if len(codes) == 1}
    month = pl.col("period").str.to_date("%Y-%m", strict=False)
    frame = postings.with_columns(
        paragraph=pl.col("account_function").replace_strict(unique, default=None, return_dtype=pl.String),
        month=pl.col("period"),
        start=month,
        end=month.dt.month_end(),
        reference=pl.col("voucher"),
    )
    return _finish(_citizen(frame, key))


def lines(kind: str, tables: Mapping[str, pl.DataFrame], key: bytes) -> pl.DataFrame:
    """The lines of one export of `kind`, from the tables its profile fills (see each kind's function)."""
    if kind == "case":
        return case_lines(tables["grants"], tables["citizens"], key)
    if kind == "settlement":
        return settlement_lines(tables["payments"], key)
    if kind == "finance":
        return finance_lines(tables["postings"], key)
    raise ValueError(f"unknown kind of source {kind!r}; expected one of {', '.join(KINDS)}")


def case_amounts(case: pl.DataFrame, window: Window) -> pl.DataFrame:
    """Each case line's computed cost within the window, by the ledger's own cost rules (engine.forecast)."""
    grants = case.select(
        pl.col("row").cast(pl.String).alias("grant_id"),
        "price_basis",
        "rate",
        "hours_per_week",
        "start",
        "end",
        status=pl.lit("bevilget"),
        probability=pl.lit(None, pl.Float64),
        own_payment=pl.lit(None, pl.Float64),
    )
    months = computed_months(grants, pl.DataFrame(schema=RATES), window.first.year, window.last)
    in_window = pl.col("month").is_between(window.first.replace(day=1), window.last)
    cost = (
        months.filter(in_window)
        .group_by("grant_id")
        .agg((pl.col("cost_to_date") + pl.col("cost_after")).sum().alias("amount"))
        .collect()
    )
    keyed = case.with_columns(pl.col("row").cast(pl.String).alias("grant_id")).drop("amount")
    return keyed.join(cost, on="grant_id", how="left").with_columns(pl.col("amount").fill_null(0.0)).drop("grant_id")


def pair_lines(source: pl.DataFrame, kind: str, window: Window, with_provider: bool, by_function: bool) -> pl.DataFrame:
    """The lines of one side of a pair as the engine's reconciliation compares them.

    One line per citizen, key (paragraph, or `finance_key` when `by_function`) and — `with_provider` — provider:
    `start` the first day of the first month it covers within the window, `end` the last day of the last,
    `rate` the amount in the window (the case system's computed cost; paid or booked for the others), and
    `rows` the export rows behind it. Lines without a citizen or a key cannot be compared and are left out.
    """
    first, last = window.first.replace(day=1), window.last
    frame = source.filter(pl.col("citizen").is_not_null())
    frame = frame.filter(pl.col("start") <= last, pl.col("end").is_null() | (pl.col("end") >= first))
    if kind == "case":
        frame = case_amounts(frame, window)
    key = finance_key(pl.col("paragraph"), pl.col("account_function")) if by_function else pl.col("paragraph")
    group = ["citizen", "paragraph", *(["provider"] if with_provider else [])]
    clipped = frame.with_columns(
        paragraph=key,
        start=pl.max_horizontal(pl.col("start"), pl.lit(first)).dt.month_start(),
        end=pl.min_horizontal(pl.col("end").fill_null(last), pl.lit(last)).dt.month_end(),
    ).filter(pl.col("paragraph").is_not_null())
    result = clipped.group_by(group).agg(
        pl.col("cpr_masked").drop_nulls().first(),
        pl.col("start").min(),
        pl.col("end").max(),
        pl.col("amount").sum().alias("rate"),
        pl.col("row").sort().alias("rows"),
    )
    if not with_provider:
        result = result.with_columns(provider=pl.lit(None, pl.String))
    return result.select("citizen", "cpr_masked", "paragraph", "provider", "start", "end", "rate", "rows").sort(
        "paragraph", "citizen", "provider", nulls_last=True
    )
