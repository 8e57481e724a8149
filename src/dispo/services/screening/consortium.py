"""The consortium's tables from the imported aggregate files of one year (`engine.consortium` computes them).

Everything here is aggregate: the files hold no person and no cell under 5, so the tables may be shown to any
role that sees the screening area.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dispo.domain.municipalities import municipalities
from dispo.domain.screening import Hypothesis, Question, first_question_set, hypotheses
from dispo.engine import consortium as engine
from dispo.engine.consortium import ALL, ANSWER_SCHEMA, TOTAL_SCHEMA, Fit
from dispo.engine.screening import UNANSWERED
from dispo.services.screening.aggregate import TOTALS, read_aggregate
from dispo.store.screening.models import ConsortiumFile

CHARTED = ("age", "target_group", "provider_type")
"""The distributions the seed draws: by age, target group and provider type."""


@dataclass(frozen=True)
class Consortium:
    """The imported files of a year as the engine's two tables."""

    year: int
    totals: pl.DataFrame
    answers: pl.DataFrame

    @property
    def empty(self) -> bool:
        return self.totals.is_empty()


def municipality_frame() -> pl.DataFrame:
    """The domain's municipalities as a table: code, name, region and socio-economic index."""
    return pl.DataFrame(
        [(m.code, m.name, m.region_name, m.socio_economic_index) for m in municipalities().values()],
        schema={
            "municipality": pl.String,
            "name": pl.String,
            "region_name": pl.String,
            "socio_economic_index": pl.Float64,
        },
        orient="row",
    )


def load(year: int) -> Consortium:
    """The stored files of `year` (they were checked when imported)."""
    totals, answers = [], []
    for stored in ConsortiumFile.objects.filter(year=year):
        file = read_aggregate(stored.file_name, stored.content.encode("utf-8"))
        totals.append((file.municipality, *(file.totals.get(name) for name in TOTALS)))
        answers.append(file.answers.with_columns(municipality=pl.lit(file.municipality)))
    answer_frame = pl.concat(answers).select(list(ANSWER_SCHEMA)) if answers else pl.DataFrame(schema=ANSWER_SCHEMA)
    return Consortium(year, pl.DataFrame(totals, schema=TOTAL_SCHEMA, orient="row"), answer_frame)


def municipality_table(data: Consortium) -> pl.DataFrame:
    return engine.municipality_table(data.totals, municipality_frame())


def region_table(data: Consortium) -> pl.DataFrame:
    return engine.region_table(data.totals, municipality_frame())


def groups(data: Consortium, by: str) -> pl.DataFrame:
    """Municipality → group: its region ("region"), itself ("municipality"), or one group for all ("all")."""
    frame = data.totals.select("municipality").join(municipality_frame(), on="municipality", how="left")
    column = {"region": pl.col("region_name"), "municipality": pl.col("name"), "all": pl.lit(ALL)}[by]
    return frame.sort("region_name", "name").select("municipality", group=column)


def shares(data: Consortium, question: Question, by: str = "all") -> pl.DataFrame:
    """The answers to `question` per group: count and share of the screened, with the hidden line."""
    return engine.answer_shares(
        data.answers,
        data.totals,
        groups(data, by),
        question.id,
        [*question.codes(), UNANSWERED],
        question.kind != "multi",
    )


def fits(data: Consortium) -> dict[str, tuple[pl.DataFrame, Fit | None]]:
    """The seed's two scatters with their fitted lines: expensive cases per 1,000 against the socio-economic
    index, and the number of expensive cases against the inhabitants aged 18-66."""
    table = municipality_table(data)
    scatters = {
        "socio": table.select("name", x="socio_economic_index", y="per_1000"),
        "population": table.select("name", x="inhabitants_18_66", y="screened"),
    }
    return {key: (points, engine.fit(points["x"], points["y"])) for key, points in scatters.items()}


def hypothesis_frame(items: tuple[Hypothesis, ...]) -> pl.DataFrame:
    return pl.DataFrame(
        [(h.number, h.question, answer, h.supports_from) for h in items for answer in h.answers],
        schema={"number": pl.Int64, "question": pl.String, "answer": pl.String, "supports_from": pl.Float64},
        orient="row",
    )


@dataclass(frozen=True)
class HypothesisFigure:
    """A hypothesis with the figure that tests it (`engine.consortium.hypothesis_figures`): counted, answered,
    screened and hidden citizens, the estimate with its lower and upper bound, the reading and whether the
    hidden cells could turn it (None where there is no data)."""

    hypothesis: Hypothesis
    question: str
    answers: tuple[str, ...]
    counted: int | None = None
    answered: int | None = None
    screened: int | None = None
    hidden: int | None = None
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    reading: str | None = None
    certain: bool | None = None


def hypothesis_report(data: Consortium) -> list[HypothesisFigure]:
    """Per hypothesis: its words, the figure that tests it and the reading."""
    frame = engine.hypothesis_figures(data.answers, data.totals, hypothesis_frame(hypotheses()))
    figures = {row.pop("number"): row for row in frame.to_dicts()}
    questions = first_question_set()
    return [
        HypothesisFigure(
            h,
            questions.question(h.question).text,
            tuple(questions.question(h.question).label(a) for a in h.answers),
            **figures.get(h.number, {}),
        )
        for h in hypotheses()
    ]


def question_share_by_municipality(data: Consortium, question: str, answers: tuple[str, ...]) -> pl.DataFrame:
    """Per municipality: the share with one of `answers` among its citizens whose answer to `question` it could
    show (cells other than "ubesvaret"), as the hypotheses' estimate; None where it hid the whole question."""
    cells = data.answers.filter((pl.col("question") == question) & (pl.col("answer") != UNANSWERED))
    shares = cells.group_by("municipality").agg(
        counted=pl.col("count").filter(pl.col("answer").is_in(list(answers))).sum(), answered=pl.col("count").sum()
    )
    return (
        data.totals.select("municipality")
        .join(shares, on="municipality", how="left")
        .select("municipality", share=pl.when(pl.col("answered") > 0).then(pl.col("counted") / pl.col("answered")))
    )
