"""One municipality's screening answers counted into cells, and the cells that may leave the municipality.

An aggregate shown outside the municipality's own staff never shows a cell of fewer than 5 citizens (DESIGN.md
§6). Leaving small cells out is not enough: a question's cells add up to the number screened, so one missing
cell could be recovered as the total minus the others. The rules, per kind of question:

- *A partition* (choice, yes/no, number bands): every screened citizen is in exactly one cell, counting
  "ubesvaret" (no answer) as a cell. Primary suppression hides every cell of 1-4. If the hidden cells then add
  up to 1-4 (one small cell, or a few that together are under 5), complementary suppression also hides the
  smallest other non-empty cell (ties: the first in the question's order). Afterwards the hidden cells of a
  question are either none or at least two non-empty cells adding up to 5 or more: their sum can be derived,
  none of them can.
- *A multiple choice*: each option splits the screened into those who chose it and those who did not (the
  same for "ubesvaret"). A count is shown only when both sides are 0 or at least 5.
Empty cells (0) are never written either: a reader cannot tell an empty cell from a hidden one.
"""

from __future__ import annotations

from datetime import date

import polars as pl

UNANSWERED = "ubesvaret"
MIN_CELL = 5
CELL_COLUMNS = ("question", "kind", "answer", "count")
ANSWER_SCHEMA = {"screening_id": pl.String, "question": pl.String, "answer": pl.String}
CATALOGUE_SCHEMA = {"question": pl.String, "kind": pl.String, "answer": pl.String}


def answer_cells(answers: pl.DataFrame, catalogue: pl.DataFrame, screened: int) -> pl.DataFrame:
    """Every cell of the catalogue (question, kind, answer) with its count of screened citizens, and one
    "ubesvaret" cell per question: the screened who gave it no answer.

    `answers` has one row per screening, question and answer code (several for a multiple choice);
    `screened` is the number of screenings the answers come from.
    """
    order = catalogue.with_row_index("position")
    counts = answers.unique().group_by("question", "answer").agg(count=pl.len().cast(pl.Int64))
    answered = answers.group_by("question").agg(answered=pl.col("screening_id").n_unique().cast(pl.Int64))
    coded = order.join(counts, on=["question", "answer"], how="left").with_columns(pl.col("count").fill_null(0))
    unanswered = (
        order.group_by("question", "kind")
        .agg(pl.col("position").max() + 0.5)
        .join(answered, on="question", how="left")
        .select(
            "position",
            "question",
            "kind",
            answer=pl.lit(UNANSWERED),
            count=pl.lit(screened, pl.Int64) - pl.col("answered").fill_null(0),
        )
    )
    return (
        pl.concat([coded.with_columns(pl.col("position").cast(pl.Float64)), unanswered], how="diagonal_relaxed")
        .sort("position")
        .select(CELL_COLUMNS)
    )


def suppress(cells: pl.DataFrame, screened: int, minimum: int = MIN_CELL) -> pl.DataFrame:
    """The cells with `shown`: whether the count may leave the municipality (see the module's rules)."""
    count = pl.col("count")
    small = count.is_between(1, minimum - 1)
    primary = pl.col("kind") != "multi"
    hidden_sum = pl.when(small).then(count).otherwise(0).sum().over("question")
    candidate = pl.when(~small & (count > 0)).then(count)
    smallest_other = candidate.rank("ordinal").over("question") == 1
    complementary = hidden_sum.is_between(1, minimum - 1) & smallest_other.fill_null(False)
    binary = (count >= minimum) & ~(pl.lit(screened, pl.Int64) - count).is_between(1, minimum - 1)
    partition = (count >= minimum) & ~complementary
    return cells.with_columns(shown=pl.when(primary).then(partition).otherwise(binary))


def shown_cells(answers: pl.DataFrame, catalogue: pl.DataFrame, screened: int) -> pl.DataFrame:
    """The cells an aggregate file may carry: counted, suppressed, the hidden and empty ones left out."""
    cells = suppress(answer_cells(answers, catalogue, screened), screened)
    return cells.filter(pl.col("shown")).select(CELL_COLUMNS)


def shown_count(count: int | None, minimum: int = MIN_CELL) -> int | None:
    """A single count (such as the citizens in residential care) as it may leave: None when it is under 5."""
    return None if count is None or count < minimum else count


PROVIDER_ANSWERS = {"privat": "privat", "egen": "egen_kommune", "anden_kommune": "anden_kommune", "region": "region"}
"""The ledger's provider types as the screening's answer codes."""
FACT_COLUMNS = (
    "citizen_id",
    "gross",
    "age",
    "sex",
    "provider_type",
    "paragraph",
    "long_term_residential",
    "acting_obligation",
)


def ledger_facts(
    grants: pl.DataFrame,
    citizens: pl.DataFrame,
    municipality: str,
    on: date,
    long_term: tuple[str, ...],
    expensive_from: float,
) -> pl.DataFrame:
    """Per adult citizen whose gross expense of the year exceeds `expensive_from`: what the ledger knows of
    the screening's questions. The offer is the citizen's most expensive grant of the year (its provider type,
    paragraph and acting municipality); `long_term_residential` is whether any grant of the year is under a
    `long_term` paragraph; the age is on `on`. Most expensive first."""
    adults = grants.filter((pl.col("paragraph_group") == "voksne") & (pl.col("gross") > 0))
    main = (
        adults.sort(["gross", "grant_id"], descending=[True, False]).group_by("citizen_id", maintain_order=True).first()
    )
    born = pl.col("birth_date")
    before_birthday = (born.dt.month().cast(pl.Int32) * 100 + born.dt.day()) > on.month * 100 + on.day
    return (
        adults.group_by("citizen_id")
        .agg(pl.col("gross").sum(), long_term_residential=pl.col("paragraph").is_in(list(long_term)).any())
        .filter(pl.col("gross") > expensive_from)
        .join(main.select("citizen_id", "provider_type", "paragraph", "acting_municipality"), on="citizen_id")
        .join(citizens.select("citizen_id", "birth_date", "sex"), on="citizen_id", how="left")
        .with_columns(
            age=(on.year - born.dt.year() - before_birthday.cast(pl.Int32)).cast(pl.Int64),
            provider_type=pl.col("provider_type").replace_strict(PROVIDER_ANSWERS, default=None),
            acting_obligation=pl.col("acting_municipality") == municipality,
        )
        .sort(["gross", "citizen_id"], descending=[True, False])
        .select(FACT_COLUMNS)
    )


def residential_citizens(grants: pl.DataFrame, residential: tuple[str, ...]) -> int:
    """Distinct adult citizens with a decided grant under a residential-care paragraph active in the year."""
    decided = pl.col("status") != "forventet"
    active = pl.col("fte") > 0
    chosen = grants.filter(pl.col("paragraph").is_in(list(residential)) & decided & active)
    return int(chosen["citizen_id"].n_unique())


def bracket_of(gross: pl.Expr, brackets: tuple[tuple[str, float], ...]) -> pl.Expr:
    """The code of the highest bracket whose lower limit `gross` exceeds (null at or below the lowest)."""
    found = pl.lit(None, pl.String)
    for code, lower in brackets:
        found = pl.when(gross > lower).then(pl.lit(code)).otherwise(found)
    return found
