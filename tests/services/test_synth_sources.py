"""The synthetic world's source exports: left alone they agree, and the ottetals-kontrol finds exactly the
disagreements their key lists — no more, no fewer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from dispo.cli.main import cli
from dispo.domain import cpr as cpr_rules
from dispo.services.profiles import paragraph_codes
from dispo.services.reconciling import PAIRS, compare
from dispo.services.source_lines import Window, finance_key
from dispo.services.sources import Reading, read_extract
from dispo.services.synth import write_municipalities
from dispo.services.synth.disagreements import KINDS
from dispo.services.synth.segments import SEGMENTS
from dispo.services.synth.sizes import municipalities
from dispo.services.synth.source_files import FILES, danish
from dispo.services.synth.sources import KEY, KEY_FILE, write_sources
from dispo.services.synth.spellings import misspelling, spellings
from dispo.store.cpr import pseudonym_key

TODAY = date(2026, 9, 30)
WINDOW = Window(date(2026, 1, 1), TODAY)
SEED = 7
SHARE = 0.03
PROFILES = {"case": "nexus", "settlement": "boern-og-voksne", "finance": "prisme"}

EFFECT = {
    ("missing_citizen", "case"): "gone",
    ("missing_citizen", "settlement"): "gone",
    ("missing_citizen", "finance"): "gone",
    ("shifted_date", "case"): "changed",
    ("different_rate", "settlement"): "changed",
    ("unknown_paragraph", "case"): "gone",
    ("unknown_paragraph", "settlement"): "gone",
    # A grant row repeated in every cell: the copy is a problem, the original still counts.
    ("duplicate_row", "case"): "none",
    # A payment row repeated in every cell: the copy is a problem, the original still counts.
    ("duplicate_row", "settlement"): "none",
    # The finance profile keeps repeated postings (two equal postings on a voucher are two): booked twice.
    ("duplicate_row", "finance"): "changed",
    ("posting_without_cpr", "finance"): "gone",
}
"""What each disagreement does to its citizen's lines in its own export: the lines are gone (the other source
of a pair then has the citizen alone), changed (both sides differ), or none."""

Finding = tuple[str, str, str, str]
"""(pair "a-b", category, citizen pseudonym, key)."""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    write_municipalities(municipalities("demo", 0.1), SEED, out, today=TODAY)
    return out


@pytest.fixture(scope="module")
def sources(world: Path) -> Path:
    write_sources(world, world / "kilder", SEED, TODAY, share=SHARE)
    return world / "kilder"


@pytest.fixture(scope="module")
def clean(world: Path) -> Path:
    write_sources(world, world / "rene", SEED, TODAY, share=0.0)
    return world / "rene"


def readings(folder: Path) -> dict[str, Reading]:
    return {kind: read_extract(profile, folder / FILES[kind]) for kind, profile in PROFILES.items()}


def found_differences(folder: Path) -> set[Finding]:
    """Every line the ottetals-kontrol does not find equal, over the three pairs, as the stored extracts compare
    them (rows with a problem left out)."""
    lines = {kind: reading.lines.filter(~pl.col("problem")) for kind, reading in readings(folder).items()}
    found: set[Finding] = set()
    for a, b in PAIRS:
        compared = compare(a, lines[a], b, lines[b], WINDOW).lines
        unequal = compared.filter(~pl.col("category").str.starts_with("equal"))
        found |= {
            (f"{a}-{b}", c, citizen, key)
            for c, citizen, key in unequal.select("category", "citizen", "paragraph").iter_rows()
        }
    return found


def pseudonyms(world: Path) -> dict[str, str]:
    citizens = pl.read_csv(world / "citizens.csv", infer_schema=False)
    return {c: cpr_rules.pseudonym(n, pseudonym_key()) for c, n in citizens.select("citizen_id", "cpr").iter_rows()}


def expected_differences(key: pl.DataFrame, citizens: dict[str, str]) -> set[Finding]:
    """What the key says the ottetals-kontrol must find: per disagreement and pair holding its source, the
    citizen under the pair's key (the paragraph; with the finance system, its `finance_key`) as only in the
    other source (gone) or differing from both sides (changed)."""
    keyed = key.with_columns(function_key=finance_key(pl.col("paragraph"), pl.lit(None, pl.String)))
    expected: set[Finding] = set()
    for kind, source, citizen_id, paragraph, function_key in keyed.select(
        "kind", "source", "citizen_id", "paragraph", "function_key"
    ).iter_rows():
        effect = EFFECT[(kind, source)]
        for a, b in PAIRS:
            if source not in (a, b) or effect == "none":
                continue
            pair_key = paragraph if (a, b) == ("case", "settlement") else function_key
            citizen = citizens[citizen_id]
            if effect == "gone":
                other = "a" if source == b else "b"
                expected.add((f"{a}-{b}", f"only_in_{other}", citizen, pair_key))
            else:
                expected |= {(f"{a}-{b}", f"differs_from_{side}", citizen, pair_key) for side in ("a", "b")}
    return expected


def test_the_exports_of_a_world_left_alone_read_without_problems_and_agree(clean: Path) -> None:
    assert pl.read_csv(clean / KEY_FILE).height == 0
    assert all(not reading.problems for reading in readings(clean).values())
    assert found_differences(clean) == set()


def test_the_reconciliation_finds_exactly_the_disagreements_of_the_key(world: Path, sources: Path) -> None:
    key = pl.read_csv(sources / KEY_FILE, infer_schema=False)
    assert set(key.select("kind", "source").iter_rows()) == set(KINDS)
    expected = expected_differences(key, pseudonyms(world))
    found = found_differences(sources)
    assert found - expected == set(), "found, but not in the key"
    assert expected - found == set(), "in the key, but not found"


def test_each_kind_of_disagreement_is_drawn_for_its_share_of_citizens_each_for_its_own(sources: Path) -> None:
    key = pl.read_csv(sources / KEY_FILE, infer_schema=False)
    per_kind = key.group_by("kind", "source").len()["len"].to_list()
    assert len(set(per_kind)) == 1
    assert per_kind[0] >= 2
    assert key["citizen_id"].n_unique() == key.height
    assert list(key.columns) == list(KEY)


def test_reading_names_the_rows_the_key_says_were_written_twice_or_misspelled(sources: Path) -> None:
    key = pl.read_csv(sources / KEY_FILE, infer_schema=False)
    read = readings(sources)
    for kind in ("case", "settlement"):
        problems = read[kind].problems
        twice = key.filter((pl.col("kind") == "duplicate_row") & (pl.col("source") == kind))
        repeated = {(p.row, p.expected.rsplit(" ", 1)[-1]) for p in problems if "magen til række" in p.expected}
        assert repeated == {(int(to), frm) for frm, to in twice.select("from", "to").iter_rows()}
        misspelled = key.filter((pl.col("kind") == "unknown_paragraph") & (pl.col("source") == kind))
        column = misspelled["field"].unique().to_list()
        assert {p.value for p in problems if [p.column] == column} == set(misspelled["to"].to_list())
    assert read["finance"].problems == []


def test_the_same_seed_writes_the_same_files_and_another_seed_other_disagreements(
    world: Path, sources: Path, tmp_path: Path
) -> None:
    write_sources(world, tmp_path / "again", SEED, TODAY, share=SHARE)
    write_sources(world, tmp_path / "other", SEED + 1, TODAY, share=SHARE)
    for name in [*FILES.values(), KEY_FILE]:
        assert (tmp_path / "again" / name).read_bytes() == (sources / name).read_bytes(), name
    assert (tmp_path / "other" / KEY_FILE).read_bytes() != (sources / KEY_FILE).read_bytes()


def test_every_paragraph_of_the_world_reads_back_from_each_spelling_and_never_from_its_misspelling() -> None:
    for code in {segment.paragraph for segment in SEGMENTS}:
        assert {paragraph_codes.code(s) for s in spellings(code)} == {code}, code
        assert paragraph_codes.code(misspelling(code)) is None, code


def test_amounts_are_written_as_danish_excel_writes_them() -> None:
    values = pl.Series([1234567.891, -12.5, 0.0, 999.999, None], dtype=pl.Float64).to_frame("x")
    written = values.select(x=danish(pl.col("x")), credit=danish(pl.col("x"), credit_suffix=True))
    assert written["x"].to_list() == ["1.234.567,89", "-12,50", "0,00", "1.000,00", None]
    assert written["credit"].to_list() == ["1.234.567,89", "12,50-", "0,00", "1.000,00", None]


# --- a tiny world, by hand ----------------------------------------------------------------------------------

TINY_TODAY = date(2026, 5, 31)
TINY = {
    "citizens": (
        "citizen_id,cpr,birth_date,sex,household_id\nc1,610265-1234,1965-02-01,K,\nc2,750390-4321,1990-03-15,K,\n"
    ),
    "providers": (
        "provider_id,name,provider_type,municipality\np1,Bostedet Egely,privat,999\np2,Støttecentret,egen,999\n"
    ),
    "units": "unit_id,name,parent_id\nu1,Voksenhandicap,\n",
    "caseworkers": "caseworker_id,name,unit_id\nsb1,Anna Testesen,u1\n",
    "grants": (
        "grant_id,citizen_id,case_id,paragraph,target_group,provider_id,price_basis,rate,hours_per_week,start,end,"
        "status,probability,acting_municipality,paying_municipality,own_payment,caseworker_id,unit_id\n"
        "g1,c1,k1,SEL108,handicap,p1,dag,1000,,2026-03-15,,bevilget,,999,999,,sb1,u1\n"
        "g2,c2,k2,SEL85,handicap,p2,time,350,10,2026-01-01,2026-04-10,afsluttet,,999,999,,sb1,u1\n"
    ),
    "rates": "grant_id,valid_from,rate\n",
}


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    for name, text in TINY.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_tiny_world_pays_and_books_each_month_of_the_window_at_its_computed_cost(tiny: Path) -> None:
    counts = write_sources(tiny, tiny / "kilder", SEED, TINY_TODAY, share=0.0)
    assert counts == {FILES["case"]: 2, FILES["settlement"]: 7, FILES["finance"]: 7, KEY_FILE: 0}
    paid = pl.read_csv(
        tiny / "kilder" / FILES["settlement"], separator=";", skip_rows=2, infer_schema=False, encoding="cp1252"
    )
    # g2, 10 hours a week at 350 kr.: 10 × 350 × 31 / 7 = 15,500 for January, × 28 / 7 = 14,000 for February,
    # 15,500 for March, and 1-10 April 10 × 350 × 10 / 7 = 5,000. g1, 1,000 kr. a day from 15 March:
    # 17 days = 17,000 for March, then 30,000 and 31,000. In order of service month, then citizen.
    assert paid.select("Paragraf", "Periode fra", "Periode til", "Antal", "Beløb", "Bogført").rows()[:5] == [
        (paid["Paragraf"][0], "01-01-2026", "31-01-2026", "44,29", "15.500,00", "01-01-2026"),
        (paid["Paragraf"][1], "01-02-2026", "28-02-2026", "40,00", "14.000,00", "01-02-2026"),
        (paid["Paragraf"][2], "15-03-2026", "31-03-2026", "17,00", "17.000,00", "15-03-2026"),
        (paid["Paragraf"][3], "01-03-2026", "31-03-2026", "44,29", "15.500,00", "01-03-2026"),
        (paid["Paragraf"][4], "01-04-2026", "30-04-2026", "30,00", "30.000,00", "01-04-2026"),
    ]
    assert paid["Beløb"].to_list()[5:] == ["5.000,00", "31.000,00"]
    assert {paragraph_codes.code(p) for p in paid["Paragraf"]} == {"SEL85", "SEL108"}
    booked = pl.read_csv(tiny / "kilder" / FILES["finance"], separator=";", infer_schema=False)
    # Vouchers in order of booking day: g2's January to March, g1's 15 March, then April (c1 before c2) and May.
    assert booked.select("Bilagsnr.", "Konto", "Periode", "Beløb").rows() == [
        ("100001", "5.38.38.4.0", "2026-01", "15.500,00"),
        ("100002", "5.38.38.4.0", "2026-02", "14.000,00"),
        ("100003", "5.38.38.4.0", "2026-03", "15.500,00"),
        ("100004", "5.38.50.4.0", "2026-03", "17.000,00"),
        ("100005", "5.38.50.4.0", "2026-04", "30.000,00"),
        ("100006", "5.38.38.4.0", "2026-04", "5.000,00"),
        ("100007", "5.38.50.4.0", "2026-05", "31.000,00"),
    ]


def test_in_a_tiny_world_each_citizen_missing_in_one_system_is_found_only_in_the_other(tiny: Path) -> None:
    # Two eligible citizens and a share of one half: one disagreement per kind, drawn in the order of KINDS,
    # until the citizens run out — one citizen is missing in the case system, the other in the settlement system.
    write_sources(tiny, tiny / "kilder", SEED, TINY_TODAY, share=0.5)
    key = pl.read_csv(tiny / "kilder" / KEY_FILE, infer_schema=False)
    assert key.select("kind", "source").rows() == [("missing_citizen", "case"), ("missing_citizen", "settlement")]
    gone_from_case, gone_from_settlement = key["citizen_id"].to_list()
    assert {gone_from_case, gone_from_settlement} == {"c1", "c2"}
    rows = {"c1": "3", "c2": "4"}  # g1 is paid March to May, g2 January to April
    assert key.select("field", "from", "to").rows() == [
        ("(alle rækker)", "1", "0"),
        ("(alle rækker)", rows[gone_from_settlement], "0"),
    ]
    citizens = pseudonyms(tiny)
    window = Window(date(2026, 1, 1), TINY_TODAY)
    lines = {kind: reading.lines for kind, reading in readings(tiny / "kilder").items()}
    compared = compare("case", lines["case"], "settlement", lines["settlement"], window).lines
    assert set(compared.select("category", "citizen").iter_rows()) == {
        ("only_in_b", citizens[gone_from_case]),
        ("only_in_a", citizens[gone_from_settlement]),
    }


# --- through the command line -------------------------------------------------------------------------------


def test_dispo_synth_sources_writes_the_three_exports_and_the_key(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["synth", "--size", "demo", "--seed", "3", "--today", "2026-09-30", "--out", str(tmp_path), "--sources"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "kilder").iterdir()) == sorted([*FILES.values(), KEY_FILE])
    key = pl.read_csv(tmp_path / "kilder" / KEY_FILE, infer_schema=False)
    assert f"noegle.csv: {key.height} rækker" in result.output
    assert set(key.select("kind", "source").iter_rows()) == set(KINDS)


@pytest.mark.django_db
def test_the_exports_of_a_world_left_alone_import_through_the_profiles(clean: Path) -> None:
    from dispo.store.models import Grant, Payment

    case = CliRunner().invoke(cli, ["import", "--profile", "nexus", str(clean / FILES["case"])])
    assert case.exit_code == 0, case.output
    paid = CliRunner().invoke(cli, ["import", "--profile", "boern-og-voksne", str(clean / FILES["settlement"])])
    assert paid.exit_code == 0, paid.output
    grants = pl.read_csv(clean / FILES["case"], separator=";", skip_rows=2, infer_schema=False)
    payments = pl.read_csv(
        clean / FILES["settlement"], separator=";", skip_rows=2, infer_schema=False, encoding="cp1252"
    )
    assert (Grant.objects.count(), Payment.objects.count()) == (grants.height, payments.height)


@pytest.mark.django_db
def test_a_case_export_with_rows_written_twice_is_refused_naming_both_rows(sources: Path) -> None:
    from dispo.store.models import Grant

    result = CliRunner().invoke(cli, ["import", "--profile", "nexus", str(sources / FILES["case"])])
    assert result.exit_code != 0
    key = pl.read_csv(sources / KEY_FILE, infer_schema=False)
    for frm, to in (
        key.filter((pl.col("kind") == "duplicate_row") & (pl.col("source") == "case")).select("from", "to").iter_rows()
    ):
        assert (
            f"række {to} — forventede rækker der ikke gentager hinanden; rækken er magen til række {frm}"
            in result.output
        )
    assert Grant.objects.count() == 0
