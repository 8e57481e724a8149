"""Importing the shipped profiles' sample exports: the hand-worked ledger comes out, twice adds nothing, a bad
file changes nothing, and every problem is named in the export's own terms."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from support.world import EXPECTED_2025_06_30

from dispo.services.canonical import InvalidData
from dispo.services.profiles import import_file, load_profile, read_file, shipped_profiles
from dispo.services.reports import grant_forecast
from dispo.store import models as m
from dispo.store.loading import load_ledger

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data" / "profiles"
NEXUS = DATA / "nexus-bevillinger.csv"
SETTLEMENT = DATA / "boern-og-voksne-betalinger.csv"
FINANCE = DATA / "prisme-posteringer.csv"
AS_OF = date(2025, 6, 30)


def problems(error: pytest.ExceptionInfo[InvalidData]) -> list[str]:
    return [str(p) for p in error.value.problems]


def variant(tmp_path: Path, source: Path, old: str, new: str, encoding: str = "utf-8-sig") -> Path:
    """A copy of a sample export with one piece of text changed, saved in the sample's own encoding."""
    path = tmp_path / source.name
    text = source.read_text(encoding=encoding)
    assert old in text
    path.write_text(text.replace(old, new), encoding=encoding)
    return path


def import_samples() -> None:
    import_file("nexus", NEXUS, user="test", reason="Import fra Nexus")
    import_file("boern-og-voksne", SETTLEMENT, user="test", reason="Import fra Børn og Voksne")


def test_the_shipped_profiles_are_one_per_kind_of_system() -> None:
    assert {name: load_profile(name).system for name in shipped_profiles()} == {
        "boern-og-voksne": "afregningssystem",
        "nexus": "fagsystem",
        "prisme": "oekonomisystem",
    }


def test_the_case_and_settlement_exports_give_the_hand_worked_forecast() -> None:
    first = import_file("nexus", NEXUS, user="test", reason="Import fra Nexus")
    second = import_file("boern-og-voksne", SETTLEMENT, user="test", reason="Import fra Børn og Voksne")
    assert (first.grants_created, second.payments_added) == (5, 3)
    result = {r["grant_id"]: r for r in grant_forecast(load_ledger(), 2025, AS_OF).iter_rows(named=True)}
    # g1-g4 are tests/support/world.py's grants and payments, written as the source systems write them.
    for grant_id, expected in EXPECTED_2025_06_30.items():
        for column, value in expected.items():
            assert result[grant_id][column] == pytest.approx(value, abs=0.005), (grant_id, column)
    # g5, "ABL 105/SEL 85", 30.000,00 pr. måned from 01-07-2025: six whole months after the as-of date,
    # 6 × 30,000 = 180,000 kr., none of it to date; Jul-Dec is 31+31+30+31+30+31 = 184 days, 184/365 årsværk.
    assert result["g5"]["forecast"] == pytest.approx(180_000)
    assert result["g5"]["actual_to_date"] == 0
    assert result["g5"]["fte"] == pytest.approx(184 / 365)
    grant = m.Grant.objects.get(grant_id="g5")
    assert (grant.paragraph, grant.provider.provider_type, grant.paying_municipality) == (
        "ABL105",
        "anden_kommune",
        "573",
    )


def test_the_settlement_payments_find_their_grants_by_cpr_paragraph_provider_and_month() -> None:
    import_samples()
    stored = m.Payment.objects.order_by("booked_on").values_list("grant__grant_id", "service_month", "amount")
    assert [(g, s, float(a)) for g, s, a in stored] == [
        ("g1", "2025-01", 31_000.0),
        ("g1", "2025-02", 28_000.0),
        ("g1", "2025-02", -1_000.0),
    ]


def test_importing_the_same_files_twice_adds_nothing() -> None:
    import_samples()
    before = (m.Citizen.objects.count(), m.Grant.objects.count(), m.Payment.objects.count())
    again = import_file("nexus", NEXUS, user="test", reason="Igen")
    payments = import_file("boern-og-voksne", SETTLEMENT, user="test", reason="Igen")
    assert (again.grants_created, again.grants_changed, payments.payments_added) == (0, 0, 0)
    assert (m.Citizen.objects.count(), m.Grant.objects.count(), m.Payment.objects.count()) == before == (3, 5, 3)
    assert m.GrantChange.objects.count() == 5


def test_a_bad_file_changes_nothing(tmp_path: Path) -> None:
    import_file("nexus", NEXUS, user="test", reason="Import fra Nexus")
    version = m.LedgerVersion.current()
    # The third payment row (Excel row 6) names § 180, which no catalogue has.
    bad = variant(tmp_path, SETTLEMENT, "610265-1234;G Borger;§ 108", "610265-1234;G Borger;§ 180", "cp1252")
    with pytest.raises(InvalidData) as caught:
        import_file("boern-og-voksne", bad, user="test", reason="Import")
    assert problems(caught) == [
        "boern-og-voksne-betalinger.csv, række 6, kolonne 'Paragraf': værdien '§ 180' — forventede en paragraf fra "
        "kataloget, fx 108, § 108, SEL 108, Serviceloven § 108 eller ABL 105/SEL 85"
    ]
    assert m.Payment.objects.count() == 0
    assert m.LedgerVersion.current() == version


def test_a_payment_without_a_matching_grant_says_what_to_import_first(tmp_path: Path) -> None:
    import_file("nexus", NEXUS, user="test", reason="Import fra Nexus")
    text = SETTLEMENT.read_text(encoding="cp1252")
    text = text.replace("6102651234;G Borger;SEL 108", "7503904321;M Borger;SEL 108")  # c2 has no § 108
    text = text.replace("610265-1234;G Borger;§ 108", "660101-1111;X Borger;§ 108")  # no such citizen
    path = tmp_path / "betalinger.csv"
    path.write_text(text, encoding="cp1252")
    with pytest.raises(InvalidData) as caught:
        read_file("boern-og-voksne", path)
    assert problems(caught) == [
        "betalinger.csv, række 5, kolonne 'Cpr-nr./Paragraf/Leverandørnr.': værdien 'SEL108 · p1 · 2025-02' — "
        "forventede en bevilling til borgeren med samme paragraf, leverandør som er aktiv i måneden; der er ingen — "
        "indlæs bevillingen fra fagsystemet først",
        "betalinger.csv, række 6, kolonne 'Cpr-nr./Paragraf/Leverandørnr.': værdien 'SEL108 · p1 · 2025-02' — "
        "forventede en borger der findes i dispo — indlæs borgere og bevillinger fra fagsystemet først",
    ]


def test_a_citizen_with_two_grants_alike_needs_the_grant_id_in_the_export(tmp_path: Path) -> None:
    extra = "c1;610265-1234;G Borger;k1;g6;SEL 108;Handicap;p1;Bostedet Egely;Privat tilbud;999;pr. døgn;250,00;;"
    extra += "01-02-2025;28-02-2025;Bevilget;;999;999;;sb1;Anna Testesen;u1;Voksenhandicap\n"
    text = NEXUS.read_text(encoding="utf-8-sig").replace("Voksenhandicap\n;;", "Voksenhandicap\n" + extra + ";;")
    (tmp_path / "nexus.csv").write_text(text, encoding="utf-8")
    import_file("nexus", tmp_path / "nexus.csv", user="test", reason="Import")
    with pytest.raises(InvalidData) as caught:
        read_file("boern-og-voksne", SETTLEMENT)
    # January has only g1; in February the tillægstakst g6 runs beside it.
    assert [(p.row, p.expected) for p in caught.value.problems] == [
        (
            row,
            "præcis én bevilling; 2 passer (g1, g6): tilføj bevillingens nummer til eksporten og profilen "
            "(grant_id: {column: …})",
        )
        for row in (5, 6)
    ]


def test_canonical_rules_are_reported_in_the_exports_terms(tmp_path: Path) -> None:
    bad = variant(tmp_path, NEXUS, "pr. døgn;1.000,00;;01-01-2025", "pr. døgn;-1.000,00;;01-01-2025")
    bad = variant(tmp_path, bad, "01-04-2025;30-09-2025", "01-04-2025;30-09-2024")
    with pytest.raises(InvalidData) as caught:
        import_file("nexus", bad, user="test", reason="Import")
    assert problems(caught) == [
        "nexus-bevillinger.csv, række 4, kolonne 'Takst': værdien '-1.000,00' — forventede et tal ≥ 0",
        "nexus-bevillinger.csv, række 5, kolonne 'Slutdato': værdien '30-09-2024' — forventede en slutdato på eller "
        "efter startdatoen",
    ]
    assert m.Grant.objects.count() == 0


def test_a_profile_for_grants_alone_refers_to_stored_citizens_and_names_the_missing_ones(tmp_path: Path) -> None:
    text = load_profile("nexus").path.read_text(encoding="utf-8")
    grants_only = text[: text.index("  citizens:")] + text[text.index("  grants:") :]
    profile = tmp_path / "kun-bevillinger.yaml"
    profile.write_text(grants_only.replace("name: nexus", "name: kun-bevillinger"), encoding="utf-8")
    with pytest.raises(InvalidData) as caught:
        read_file(profile, NEXUS)
    assert [p for p in problems(caught) if "række 4," in p] == [
        f"nexus-bevillinger.csv, række 4, kolonne '{column}': værdien '{key}' — forventede en nøgle der findes i "
        f"{table}.csv"
        for column, key, table in [
            ("Borger-ID", "c1", "citizens"),
            ("Enheds-ID", "u1", "units"),
            ("Leverandørnr.", "p1", "providers"),
            ("Sagsbehandler-ID", "sb1", "caseworkers"),
        ]
    ]
    import_file("nexus", NEXUS, user="test", reason="Import")
    assert read_file(profile, NEXUS)["grants"].height == 5


def test_the_installations_municipality_fills_a_missing_municipality_column(tmp_path: Path) -> None:
    text = NEXUS.read_text(encoding="utf-8-sig").replace("Handlekommune;Betalingskommune", "Hk;Bk")
    (tmp_path / "nexus.csv").write_text(text, encoding="utf-8")
    grants = read_file("nexus", tmp_path / "nexus.csv", municipality="573")["grants"]
    assert grants["acting_municipality"].unique().to_list() == ["573"]


def test_the_finance_export_is_read_into_postings_per_account_function() -> None:
    postings = read_file("prisme", FINANCE)["postings"]
    by_function = postings.group_by("account_function").agg(pl.col("amount").sum()).sort("account_function")
    # 5.38.38: 17.500,00 − 2.500,50 (trailing minus) = 14,999.50; 5.38.50: 31.000 + 28.000 − 1.000 = 58,000.
    assert by_function.rows() == [("5.38.38", pytest.approx(14_999.50)), ("5.38.50", pytest.approx(58_000.0))]
    assert postings["cpr"].to_list() == ["610265-1234", "610265-1234", "610265-1234", None, None]
    assert postings["period"].to_list() == ["2025-01", "2025-02", "2025-03", "2025-03", "2025-03"]


def test_postings_are_not_written_until_the_database_has_a_table_for_them() -> None:
    with pytest.raises(InvalidData) as caught:
        import_file("prisme", FINANCE, user="test", reason="Import")
    assert problems(caught) == [
        "prisme-posteringer.csv — forventede tabeller dispo kan gemme; postings kan læses og kontrolleres "
        "(read_file), men databasen har endnu ingen tabel til dem"
    ]


def test_a_profile_with_mistakes_lists_every_one(tmp_path: Path) -> None:
    profile = tmp_path / "fejl.yaml"
    profile.write_text(
        """
file: {decimal: ";", encoding: [utf-9]}
tables:
  grants:
    grant_id: Id
    rate: {column: Takst, value: "1"}
    colour: Farve
    target_group: {column: Målgruppe, codes: groups}
  invoices: {}
""",
        encoding="utf-8",
    )
    with pytest.raises(InvalidData) as caught:
        load_profile(profile)
    assert problems(caught) == [
        "fejl.yaml, kolonne 'tables.grants.rate' — forventede enten column (en kildekolonne) eller value "
        "(en fast værdi)",
        "fejl.yaml, kolonne 'tables.grants.colour': værdien 'colour' — forventede en kolonne i grants: grant_id, "
        "citizen_id, case_id, paragraph, target_group, provider_id, price_basis, rate, hours_per_week, start, end, "
        "status, probability, acting_municipality, paying_municipality, own_payment, caseworker_id, unit_id",
        "fejl.yaml, kolonne 'tables.grants.target_group.codes': værdien 'groups' — forventede paragraph eller et "
        "navn under codes: ",
        "fejl.yaml, kolonne 'tables.grants.citizen_id' — forventede kolonnen (den er påkrævet i grants)",
        "fejl.yaml, kolonne 'tables.grants.paragraph' — forventede kolonnen (den er påkrævet i grants)",
        "fejl.yaml, kolonne 'tables.grants.price_basis' — forventede kolonnen (den er påkrævet i grants)",
        "fejl.yaml, kolonne 'tables.grants.start' — forventede kolonnen (den er påkrævet i grants)",
        "fejl.yaml, kolonne 'tables.grants.status' — forventede kolonnen (den er påkrævet i grants)",
        "fejl.yaml, kolonne 'tables.grants.acting_municipality' — forventede kolonnen (den er påkrævet i grants)",
        "fejl.yaml, kolonne 'tables.grants.paying_municipality' — forventede kolonnen (den er påkrævet i grants)",
        "fejl.yaml, kolonne 'tables.invoices': værdien 'invoices' — forventede en af tabellerne citizens, providers, "
        "units, caseworkers, grants, rates, payments, budgets, postings",
        "fejl.yaml, kolonne 'file.encoding': værdien 'utf-9' — forventede en tegnkodning, fx utf-8 eller cp1252",
        "fejl.yaml, kolonne 'file.decimal': værdien ';' — forventede \",\" (1.234,50) eller \".\" (1,234.50)",
    ]


def test_an_unknown_profile_names_the_shipped_ones() -> None:
    with pytest.raises(InvalidData) as caught:
        load_profile("opus")
    assert problems(caught) == [
        "opus — forventede en profilfil (.yaml) eller en af profilerne boern-og-voksne, nexus, prisme"
    ]
