"""Reading exports as they come: encodings, title rows, merged and repeated headers, empty and repeated rows,
XLSX cells typed by Excel. Every refusal names the file, the row Excel shows, the column and what was expected."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook

from dispo.services.canonical import InvalidData
from dispo.services.profiles import load_profile
from dispo.services.profiles.mapping import map_source
from dispo.services.profiles.sources import read_source

DATA = Path(__file__).resolve().parent.parent / "data" / "profiles"
HEADER = "Cpr-nr.;Navn;Paragraf;Leverandørnr.;Periode fra;Beløb;Bogført"
ROWS = [
    "610265-1234;Åse Ørsted;108;p1;01-01-2025;31.000,00;03-01-2025",
    "6102651234;Åse Ørsted;SEL 108;p1;01-02-2025;28.000,00;03-02-2025",
]


def write(tmp_path: Path, lines: list[str], encoding: str = "utf-8", name: str = "betalinger.csv") -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def payments(path: Path, profile: str = "boern-og-voksne") -> pl.DataFrame:
    """The payments mapped from `path` (before grants are matched: that needs the database)."""
    chosen = load_profile(profile)
    mapped, problems = map_source(read_source(path, chosen), chosen, "999")
    if problems:
        raise InvalidData(problems)
    return mapped["payments"].frame


def refusal(path: Path, profile: str = "boern-og-voksne") -> list[str]:
    with pytest.raises(InvalidData) as caught:
        payments(path, profile)
    return [str(p) for p in caught.value.problems]


def test_a_windows_1252_file_is_read_with_its_danish_letters(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, *ROWS], encoding="cp1252")
    source = read_source(path, load_profile("boern-og-voksne"))
    assert source.rows["Navn"].to_list() == ["Åse Ørsted", "Åse Ørsted"]


def test_a_byte_order_mark_does_not_become_part_of_the_first_column(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join([HEADER, *ROWS]).encode())
    assert payments(path)["_match_cpr"].to_list() == ["610265-1234", "610265-1234"]


def test_excels_unicode_text_utf16_is_read(tmp_path: Path) -> None:
    path = tmp_path / "unicode.csv"
    path.write_bytes("\r\n".join([HEADER, *ROWS]).encode("utf-16"))  # with its byte order mark
    assert payments(path)["amount"].to_list() == [31_000.0, 28_000.0]


def test_a_windows_1252_file_under_a_utf8_only_profile_is_refused_naming_the_row_and_byte(tmp_path: Path) -> None:
    profile = tmp_path / "kun-utf8.yaml"
    text = (load_profile("boern-og-voksne").path).read_text(encoding="utf-8")
    profile.write_text(text.replace("encoding: [utf-8, cp1252]", "encoding: [utf-8]"), encoding="utf-8")
    path = write(tmp_path, [HEADER, *ROWS], encoding="cp1252")
    # The first byte that is not UTF-8 is the ø of "Leverandørnr." in the header, row 1.
    assert refusal(path, str(profile)) == [
        "betalinger.csv, række 1 — forventede tegn i tegnkodningen utf-8; byte 0xF8 er 'ø' i Windows-1252 (cp1252): "
        "gem filen som UTF-8, eller tilføj cp1252 under file.encoding i profilen"
    ]


def test_text_saved_twice_in_the_wrong_encoding_is_refused(tmp_path: Path) -> None:
    broken = ROWS[1].replace("Åse Ørsted", "Ã…se Ã˜rsted")
    path = write(tmp_path, [HEADER, ROWS[0], broken])
    assert refusal(path) == [
        "betalinger.csv, række 3: værdien 'Ã…' — forventede dansk tekst; 'Ã…' er et æ, ø eller å der er gemt forkert "
        "(UTF-8 læst som Windows-1252 og gemt igen): eksportér filen igen fra kildesystemet"
    ]


def test_title_rows_and_empty_trailing_rows_are_skipped_and_rows_keep_their_excel_numbers(tmp_path: Path) -> None:
    path = DATA / "boern-og-voksne-betalinger.csv"
    frame = payments(path)
    # Row 1 is the title, row 2 empty, row 3 the header: the payments are rows 4-6; rows 7-8 are empty.
    assert frame["_row"].to_list() == [4, 5, 6]
    assert frame["amount"].to_list() == [31_000.0, 28_000.0, -1_000.0]
    assert frame["service_month"].to_list() == ["2025-01", "2025-02", "2025-02"]


def test_a_repeated_header_row_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, ROWS[0], HEADER, ROWS[1]])
    assert payments(path)["_row"].to_list() == [2, 4]


def test_a_header_of_two_rows_with_a_merged_cell_is_read(tmp_path: Path) -> None:
    upper = ";;;;Periode;;"
    lower = "Cpr-nr.;Navn;Paragraf;Leverandørnr.;fra;Beløb;Bogført"
    path = write(tmp_path, [upper, lower, *ROWS])
    frame = payments(path)
    assert frame["service_month"].to_list() == ["2025-01", "2025-02"]
    assert frame["_row"].to_list() == [3, 4]


def test_a_row_exported_twice_is_refused_naming_both_rows(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, ROWS[0], ROWS[1], ROWS[0]])
    assert refusal(path) == [
        "betalinger.csv, række 4 — forventede rækker der ikke gentager hinanden; rækken er magen til række 2 "
        "(eksporteret to gange?) — fjern den, eller sæt file.duplicates: keep i profilen, hvis begge er rigtige"
    ]


def test_a_missing_column_is_named_and_a_renamed_one_is_suggested(tmp_path: Path) -> None:
    renamed = HEADER.replace("Bogført", "Bogført dato").replace("Beløb", "Sum")
    path = write(tmp_path, [renamed, *ROWS])
    assert refusal(path) == [
        "betalinger.csv, kolonne 'Bogført' — forventede kolonnen 'Bogført' i overskriften (den mangler); "
        "filen har 'Bogført dato' — er kolonnen omdøbt?",
        "betalinger.csv, kolonne 'Beløb' — forventede kolonnen 'Beløb' i overskriften (den mangler)",
    ]


def test_a_file_without_the_profiles_header_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, ["a;b;c", "1;2;3"])
    assert refusal(path) == [
        "betalinger.csv — forventede en overskrift med kolonnerne Cpr-nr., Paragraf, Leverandørnr., Periode fra, "
        "Bogført, Beløb i de første 30 rækker"
    ]


def test_cells_that_do_not_parse_are_named_by_excel_row_source_column_and_text(tmp_path: Path) -> None:
    rows = [
        "610265-1234;Åse Ørsted;108;p1;01-01-2025;31.000,0O;03-01-2025",
        "61026-51234;Åse Ørsted;§ 180;p1;31-02-2025;28.000,00;03-02-2025",
    ]
    path = write(tmp_path, ["Betalinger 2025", HEADER, *rows])
    assert refusal(path) == [
        "betalinger.csv, række 3, kolonne 'Beløb': værdien '31.000,0O' — forventede et tal, fx 1.234,50 "
        "(eller 1,234.50)",
        "betalinger.csv, række 4, kolonne 'Cpr-nr.': værdien '61026--XXXX' — forventede et CPR-nummer ddmmåå-xxxx "
        "eller ddmmååxxxx",
        "betalinger.csv, række 4, kolonne 'Paragraf': værdien '§ 180' — forventede en paragraf fra kataloget, fx 108, "
        "§ 108, SEL 108, Serviceloven § 108 eller ABL 105/SEL 85",
        "betalinger.csv, række 4, kolonne 'Periode fra': værdien '31-02-2025' — forventede en måned, fx 2025-03, "
        "03-2025, marts 2025 eller en dato i måneden",
    ]


def test_xlsx_date_cells_serial_numbers_and_cpr_numbers_that_lost_their_zero_are_read(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Afregninger 2025"])
    sheet.append(HEADER.split(";"))
    sheet.append([102651234, "Åse Ørsted", 108, "p1", datetime(2025, 1, 1), 31000, date(2025, 1, 3)])
    sheet.append(["0102651234", "Åse Ørsted", "SEL 108", "p1", 45689, 27999.5, 45691])  # 2025-02-01, 2025-02-03
    sheet.append([None] * 7)
    path = tmp_path / "betalinger.xlsx"
    book.save(path)
    frame = payments(path)
    assert frame.select("_row", "_match_cpr", "service_month", "booked_on", "amount").rows() == [
        (3, "010265-1234", "2025-01", date(2025, 1, 3), 31_000.0),
        (4, "010265-1234", "2025-02", date(2025, 2, 3), 27_999.5),
    ]


def test_an_xlsx_header_with_merged_cells_is_read(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Cpr-nr.", "Navn", "Paragraf", "Leverandørnr.", "Periode", None, "Beløb", "Bogført"])
    sheet.append([None, None, None, None, "fra", "til", None, None])
    sheet.merge_cells("E1:F1")
    sheet.append(["0102651234", "Åse", "108", "p1", date(2025, 3, 1), date(2025, 3, 31), 1000, date(2025, 3, 3)])
    path = tmp_path / "flet.xlsx"
    book.save(path)
    assert payments(path).select("service_month", "amount").rows() == [("2025-03", 1000.0)]


def test_a_missing_sheet_is_named_with_the_sheets_there_are(tmp_path: Path) -> None:
    profile = tmp_path / "ark.yaml"
    text = load_profile("boern-og-voksne").path.read_text(encoding="utf-8")
    profile.write_text(text.replace("  law: SEL\n", "  law: SEL\n  sheet: Betalinger\n"), encoding="utf-8")
    book = Workbook()
    book.active.title = "Ark1"
    book.save(tmp_path / "b.xlsx")
    assert refusal(tmp_path / "b.xlsx", str(profile)) == [
        "b.xlsx: værdien 'Betalinger' — forventede et faneblad blandt: Ark1"
    ]


def test_the_case_system_sample_gives_one_row_per_citizen_provider_and_caseworker() -> None:
    chosen = load_profile("nexus")
    mapped, problems = map_source(read_source(DATA / "nexus-bevillinger.csv", chosen), chosen, "999")
    assert problems == []
    assert mapped["citizens"].frame.select("citizen_id", "cpr", "birth_date").rows() == [
        ("c1", "610265-1234", date(1965, 2, 1)),
        ("c2", "750390-4321", date(1990, 3, 15)),  # written without the dash in the export
        ("c3", "700780-4442", date(1980, 7, 10)),
    ]
    assert mapped["providers"].frame["provider_type"].to_list() == ["privat", "egen", "anden_kommune"]
    grants = mapped["grants"].frame
    assert grants["paragraph"].to_list() == ["SEL108", "SEL85", "SEL108", "SEL85", "ABL105"]
    assert grants["rate"].to_list() == [1000.0, 350.0, 2000.0, 350.0, 30_000.0]
    assert grants["end"].to_list() == [None, date(2025, 9, 30), None, date(2024, 12, 31), None]


def test_a_citizen_written_two_ways_in_a_case_export_is_refused_naming_both_rows(tmp_path: Path) -> None:
    text = (DATA / "nexus-bevillinger.csv").read_text(encoding="utf-8-sig")
    changed = text.replace("c1;610265-1234;G Borger;k1;g3", "c1;610265-1243;G Borger;k1;g3")
    path = tmp_path / "nexus.csv"
    path.write_text(changed, encoding="utf-8")
    chosen = load_profile("nexus")
    _, problems = map_source(read_source(path, chosen), chosen, "999")
    assert [str(p) for p in problems] == [
        "nexus.csv, række 6, kolonne 'Borger-ID' — forventede de samme oplysninger som række 4 for samme nøgle; "
        "de afviger i 'Sagens personnummer'"
    ]


def test_the_old_xls_format_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "betalinger.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    assert refusal(path) == [
        "betalinger.xls — forventede en CSV- eller XLSX-fil; det gamle Excel-format .xls læses ikke: gem filen som "
        ".xlsx i Excel"
    ]
