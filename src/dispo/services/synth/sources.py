"""The synthetic world's three source exports, with known disagreements and their key (`dispo synth --sources`).

The ottetals-kontrol (DESIGN.md §4) compares what the case system decided, what the settlement system paid and
what the finance system booked. To test it, the world writes all three from one truth — its grants, each with
the rate valid in the year of `today` — so that, left alone, they agree within the window 1 January to today:

- case system: every grant of the world (decided, ended and expected), one row each;
- settlement system: for every decided grant that has started by today, one payment per service month of the
  window up to today's month, of exactly that month's computed cost (the engine's cost rules, so the figure the
  reconciliation computes from the grant), booked on the 1st of the month (on the start day for a grant starting
  later in it), with the days paid for as the period;
- finance system: the same payments as postings on the paragraph's account function, each with the CPR number.

Then the disagreements of `disagreements.py` are injected, each into one export, and listed in `noegle.csv`
(`KEY`). Paragraphs are written in the varying spellings the profiles read (`spellings.py`) and CPR numbers with
and without their dash: realism, not disagreements. Same world, seed and today give byte-identical files.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from dispo.domain.paragraphs import catalogue
from dispo.engine import schema
from dispo.engine.forecast import computed_months

from . import source_files
from .disagreements import SHARE, draw, eligible, of, shifted
from .names import FIRST_NAMES, SURNAMES
from .source_files import DATE
from .spellings import misspelling, spelled

KEY_FILE = "noegle.csv"
KEY: dict[str, type[pl.DataType]] = {
    "kind": pl.String,
    "source": pl.String,
    "file": pl.String,
    "citizen_id": pl.String,
    "cpr": pl.String,
    "paragraph": pl.String,
    "grant_id": pl.String,
    "field": pl.String,
    "from": pl.String,
    "to": pl.String,
}
"""The key's columns: the disagreement, its export, the citizen (CPR masked), the grant's paragraph (catalogue
code) and id, and the export's column changed with its value before and after, as the export writes it."""
STREAM = 0x5043
"""Second word of the random stream's seed, so the exports draw apart from the world itself."""
DASHED = {"case": 0.8, "settlement": 0.7, "finance": 0.5}
"""Share of CPR numbers written with their dash, per export."""
WORLD_TABLES = ("citizens", "providers", "units", "caseworkers", "grants", "rates")


def write_sources(world: Path, out: Path, seed: int, today: date, share: float = SHARE) -> dict[str, int]:
    """Write the three exports and `noegle.csv` of the canonical world in `world` into `out`.

    Returns the rows written per file. `share` is the share of eligible citizens per kind of disagreement
    (0 writes exports that agree).
    """
    tables = {name: pl.read_csv(world / f"{name}.csv", schema=schema.TABLES[name]) for name in WORLD_TABLES}
    rng = np.random.default_rng([seed, STREAM])
    grants = described(tables, rng, today)
    paid = payments(grants, today)
    chosen = draw(eligible(grants, paid, today), rng, share, today)
    built = {
        "case": case_rows(grants, chosen),
        "settlement": settlement_rows(grants, paid, chosen),
        "finance": finance_rows(grants, paid, chosen),
    }
    out.mkdir(parents=True, exist_ok=True)
    writers = {"case": source_files.nexus, "settlement": source_files.settlement, "finance": source_files.prisme}
    counts: dict[str, int] = {}
    keys = []
    for kind, (rows, key) in built.items():
        numbered = _numbered(kind, rows, rng)
        source_files.write(kind, writers[kind](numbered), out, today)
        counts[source_files.FILES[kind]] = numbered.height
        keys += [key, _duplicate_key(kind, numbered, chosen)]
    key = _key(pl.concat(keys, how="diagonal"), grants)
    key.write_csv(out / KEY_FILE)
    counts[KEY_FILE] = key.height
    return counts


def described(tables: dict[str, pl.DataFrame], rng: np.random.Generator, today: date) -> pl.DataFrame:
    """One row per grant with what the exports show of it: the rate valid in today's year, the citizen's CPR
    number and name, the place, the caseworker and unit, the account function and each system's spelling of
    the paragraph."""
    citizens = tables["citizens"].sort("citizen_id")
    names = pl.concat_str(
        pl.Series(np.array(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), citizens.height)]),
        pl.lit(" "),
        pl.Series(np.array(SURNAMES)[rng.integers(0, len(SURNAMES), citizens.height)]),
    )
    people = citizens.select("citizen_id", "cpr", citizen_name=names)
    providers = tables["providers"].select(
        "provider_id",
        provider_name="name",
        provider_type="provider_type",
        provider_municipality="municipality",
    )
    units = tables["units"].select("unit_id", unit_name="name")
    staff = tables["caseworkers"].select("caseworker_id", caseworker_name="name")
    functions = {p.code: p.account_function for p in catalogue().values()}
    grants = _current_rates(tables["grants"], tables["rates"], today).sort("grant_id")
    codes = grants["paragraph"].unique().sort().to_list()
    return (
        grants.join(people, on="citizen_id", how="left")
        .join(providers, on="provider_id", how="left")
        .join(staff, on="caseworker_id", how="left")
        .join(units, on="unit_id", how="left")
        .sort("grant_id")
        .with_columns(
            account_function=pl.col("paragraph").replace_strict(functions, return_dtype=pl.String),
            case_spelling=spelled(pl.col("paragraph"), pl.lit(pl.Series(rng.random(grants.height))), codes),
            settlement_spelling=spelled(pl.col("paragraph"), pl.lit(pl.Series(rng.random(grants.height))), codes),
        )
    )


def _current_rates(grants: pl.DataFrame, rates: pl.DataFrame, today: date) -> pl.DataFrame:
    """Each grant's rate as the case system shows it today: the one valid on 1 January of today's year (or on
    the grant's start, if later; on its end, if it ended before)."""
    first = pl.lit(date(today.year, 1, 1))
    on = pl.min_horizontal(pl.max_horizontal(pl.col("start"), first), pl.col("end").fill_null(first.dt.offset_by("1y")))
    valid = (
        grants.select("grant_id", on=on)
        .join(rates, on="grant_id")
        .filter(pl.col("valid_from") <= pl.col("on"))
        .group_by("grant_id")
        .agg(pl.col("rate").sort_by("valid_from").last().alias("valid_rate"))
    )
    found = grants.join(valid, on="grant_id", how="left", maintain_order="left")
    return found.with_columns(rate=pl.coalesce("valid_rate", "rate")).drop("valid_rate")


def payments(grants: pl.DataFrame, today: date) -> pl.DataFrame:
    """What the grants truly cost, as paid: per decided grant started by today and service month of the window
    up to today's month, the month's computed cost (`amount`, unrounded), the days paid for, the quantity in
    the rate's unit and the booking day."""
    decided = grants.filter((pl.col("status") != "forventet") & (pl.col("start") <= today))
    months = computed_months(decided.select(list(schema.GRANTS)), schema.empty("rates"), today.year, today)
    month_end = pl.col("month").dt.month_end()
    days = (pl.col("period_to") - pl.col("period_from")).dt.total_days() + 1
    quantity = (
        pl.when(pl.col("price_basis") == "dag")
        .then(days.cast(pl.Float64))
        .when(pl.col("price_basis") == "time")
        .then(pl.col("hours_per_week") * days / 7)
        .when(pl.col("price_basis") == "maaned")
        .then(days / month_end.dt.day())
        .when(pl.col("price_basis") == "aar")
        .then(days / pl.date(pl.col("month").dt.year(), 12, 31).dt.ordinal_day())
        .otherwise(1.0)
    )
    return (
        months.select("grant_id", "month", amount=pl.col("cost_to_date") + pl.col("cost_after"))
        .collect()
        .filter((pl.col("month") <= today) & (pl.col("amount").round(2) != 0))
        .join(decided.select("grant_id", "start", "end", "price_basis", "hours_per_week"), on="grant_id")
        .with_columns(
            period_from=pl.max_horizontal("start", "month"),
            period_to=pl.min_horizontal(pl.col("end").fill_null(month_end), month_end),
            booked_on=pl.max_horizontal("start", "month"),
        )
        .with_columns(quantity=quantity)
        .select("grant_id", "month", "amount", "period_from", "period_to", "booked_on", "quantity")
        .sort("grant_id", "month")
    )


CHOSEN = ("kind", "source", "citizen_id", "grant_id")
"""The columns of a drawn disagreement that its key row repeats."""


def _change(field: pl.Expr, before: pl.Expr, after: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """A key row's `field`, `from` and `to`."""
    return field.alias("field"), before.alias("from"), after.alias("to")


def _missing(rows: pl.DataFrame, chosen: pl.DataFrame, source: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows without the citizens missing in `source`, and the key: how many rows each lost."""
    missing = of(chosen, "missing_citizen", source).select("citizen_id", "grant_id", "kind", "source")
    lost = rows.join(missing.select("citizen_id"), on="citizen_id").group_by("citizen_id").len()
    key = missing.join(lost, on="citizen_id", how="left").select(
        *CHOSEN,
        *_change(pl.lit("(alle rækker)"), pl.col("len").fill_null(0).cast(pl.String), pl.lit("0")),
    )
    return rows.join(missing, on="citizen_id", how="anti"), key


def _misspelled(
    rows: pl.DataFrame, chosen: pl.DataFrame, source: str, column: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows with the grant's paragraph misspelled where `source` has an unknown paragraph, and the key."""
    wrong = of(chosen, "unknown_paragraph", source)
    spellings = {code: misspelling(code) for code in wrong["paragraph"].unique().to_list()}
    typo = wrong.select(
        "grant_id", typo=pl.col("paragraph").replace_strict(spellings, default=None, return_dtype=pl.String)
    )
    changed = rows.join(typo, on="grant_id", how="left", maintain_order="left")
    key = wrong.join(typo, on="grant_id").select(*CHOSEN, *_change(pl.lit(column), pl.col("paragraph"), pl.col("typo")))
    return changed.with_columns(spelling=pl.coalesce("typo", "spelling")).drop("typo"), key


def _doubled(rows: pl.DataFrame, chosen: pl.DataFrame, source: str, order: list[str], size: str) -> pl.DataFrame:
    """The rows with `copy` 0, plus a copy (1) of the row of largest `size` of each grant written twice in
    `source` (the first of equals), each copy just below its original in the export `order`."""
    twice = of(chosen, "duplicate_row", source).select("grant_id")
    largest = (
        rows.join(twice, on="grant_id")
        .sort(order)
        .group_by("grant_id", maintain_order=True)
        .agg(pl.all().sort_by(pl.col(size).abs(), descending=True, maintain_order=True).first())
        .select(rows.columns)
    )
    return pl.concat([rows.with_columns(copy=pl.lit(0)), largest.with_columns(copy=pl.lit(1))]).sort([*order, "copy"])


def case_rows(grants: pl.DataFrame, chosen: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The case system's grant rows with its disagreements, and their key (that of duplicates: `_duplicate_key`)."""
    rows, missing = _missing(grants.with_columns(spelling=pl.col("case_spelling")), chosen, "case")
    moved = of(chosen, "shifted_date", "case")
    shift_key = moved.join(grants.select("grant_id", "start", "end"), on="grant_id").select(
        *CHOSEN,
        *_change(
            pl.col("shift_field").replace_strict({"start": "Startdato", "end": "Slutdato"}, return_dtype=pl.String),
            pl.when(pl.col("shift_field") == "start").then(pl.col("start")).otherwise(pl.col("end")).dt.strftime(DATE),
            pl.col("shift_to").dt.strftime(DATE),
        ),
    )
    rows, spelling = _misspelled(shifted(rows, chosen), chosen, "case", "Paragraf nummer")
    rows = _doubled(rows, chosen, "case", ["citizen_id", "grant_id"], "rate")
    return rows, pl.concat([missing, shift_key, spelling])


def settlement_rows(
    grants: pl.DataFrame, paid: pl.DataFrame, chosen: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The settlement system's payment rows with its disagreements, and their key."""
    factors = of(chosen, "different_rate", "settlement").select("grant_id", "factor")
    terms = grants.join(factors, on="grant_id", how="left").with_columns(
        paid_rate=(pl.col("rate") * pl.col("factor").fill_null(1.0)).round(2)
    )
    rate_key = (
        of(chosen, "different_rate", "settlement")
        .join(terms.select("grant_id", "rate", "paid_rate"), on="grant_id")
        .select(
            *CHOSEN,
            *_change(pl.lit("Takst"), source_files.danish(pl.col("rate")), source_files.danish(pl.col("paid_rate"))),
        )
    )
    shown = terms.select(
        "grant_id",
        "citizen_id",
        "cpr",
        "citizen_name",
        "paragraph",
        "provider_id",
        "provider_name",
        "price_basis",
        spelling="settlement_spelling",
        rate="paid_rate",
        scale=pl.col("paid_rate") / pl.col("rate"),
    )
    rows = (
        paid.join(shown, on="grant_id")
        .with_columns(amount=pl.col("amount") * pl.col("scale").fill_nan(1.0))
        .drop("scale")
    )
    rows, missing = _missing(rows, chosen, "settlement")
    rows, spelling = _misspelled(rows, chosen, "settlement", "Paragraf")
    rows = _doubled(rows, chosen, "settlement", ["month", "citizen_id", "grant_id"], "amount")
    return rows, pl.concat([missing, rate_key, spelling])


def finance_rows(grants: pl.DataFrame, paid: pl.DataFrame, chosen: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The finance system's postings (the true payments) with its disagreements, and their key."""
    shown = grants.select("grant_id", "citizen_id", "cpr", "provider_name", "account_function")
    rows = paid.join(shown, on="grant_id").sort("booked_on", "citizen_id", "grant_id", "month")
    rows = rows.with_columns(voucher=pl.int_range(100001, 100001 + rows.height))
    rows, missing = _missing(rows, chosen, "finance")
    blank = of(chosen, "posting_without_cpr", "finance")
    cpr_key = blank.join(grants.select("citizen_id", "cpr").unique("citizen_id"), on="citizen_id").select(
        *CHOSEN,
        *_change(pl.lit("CPR-nr."), pl.col("cpr").str.slice(0, 6) + "-XXXX", pl.lit("")),
    )
    rows = rows.with_columns(
        cpr=pl.when(pl.col("citizen_id").is_in(blank["citizen_id"].implode()))
        .then(pl.lit(None, pl.String))
        .otherwise(pl.col("cpr"))
    )
    rows = _doubled(rows, chosen, "finance", ["voucher"], "amount")
    return rows, pl.concat([missing, cpr_key])


def _numbered(kind: str, rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """The rows in export order with `row` (as Excel numbers it) and `dashed` (whether the CPR has its dash; a
    row written twice is written the same way twice)."""
    first = source_files.FIRST_ROW[kind]
    dashed = pl.Series(rng.random(rows.height) < DASHED[kind])
    return rows.with_columns(
        row=pl.int_range(first, first + rows.height, dtype=pl.Int64),
        dashed=pl.when(pl.col("copy") == 1).then(dashed.shift(1)).otherwise(dashed),
    )


def _duplicate_key(kind: str, rows: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """The key of the rows written twice: the row of the original and of its copy just below it."""
    copies = rows.filter(pl.col("copy") == 1).select("grant_id", to=pl.col("row").cast(pl.String))
    return (
        of(chosen, "duplicate_row", kind)
        .join(copies, on="grant_id")
        .select(
            *CHOSEN,
            *_change(pl.lit("(række)"), (pl.col("to").cast(pl.Int64) - 1).cast(pl.String), pl.col("to")),
        )
    )


def _key(found: pl.DataFrame, grants: pl.DataFrame) -> pl.DataFrame:
    """The key in `KEY`'s columns, with each grant's paragraph and citizen's masked CPR, in a stable order."""
    facts = grants.select("grant_id", "paragraph", cpr=pl.col("cpr").str.slice(0, 6) + "-XXXX")
    return (
        found.join(facts, on="grant_id", how="left")
        .with_columns(file=pl.col("source").replace_strict(source_files.FILES, return_dtype=pl.String))
        .select(list(KEY))
        .sort("source", "kind", "citizen_id")
    )
