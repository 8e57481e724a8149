"""Reading an export as the user sees it in Excel: its header found, its rows numbered as Excel numbers them.

Exports are not tidy. A file may start with title rows ("108 - 2021"), have a header of two rows where a merged
cell ("Periode") stands over "fra" and "til", repeat its header further down (several exports pasted together),
end in empty rows, be saved in Windows-1252 or with a byte order mark. The reader finds the header as the row (or
pair of rows) that names most of the profile's columns, drops empty rows and repeated headers, and numbers every
remaining row as Excel shows it, so that a problem can say "række 14" and the user finds it.

Every cell comes out as text (numbers and dates in XLSX cells written the way the profile reads them), so one
set of parsers serves CSV and XLSX alike.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from dispo.services.canonical import InvalidData, Problem
from dispo.services.profiles.formats import normal_code
from dispo.services.profiles.model import Profile

HEAD = 30
"""How many rows from the top the header is looked for in."""
ROW = "_row"
BOMS = {b"\xef\xbb\xbf": "utf-8", b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
MOJIBAKE = re.compile("Ã[¦¸¥†˜…©¤¶¼]")
"""UTF-8 text once read as Windows-1252 and saved again: æ becomes Ã¦, ø Ã¸, å Ã¥."""


@dataclass(frozen=True)
class Source:
    """An export's rows as text: one column per header cell (named as the file names it) and `_row`, the row
    number Excel shows. `names` gives, per column, every name the column answers to (for a two-row header:
    the joined name, and each row's own)."""

    file: str
    rows: pl.DataFrame
    names: dict[str, tuple[str, ...]]

    def column(self, wanted: str) -> str | None:
        """The frame's column the profile's `wanted` name means, or None when the file has none by that name."""
        key = normal_code(wanted)
        for column, names in self.names.items():
            if key in (normal_code(n) for n in names):
                return column
        return None


def read_source(path: Path, profile: Profile) -> Source:
    """The file's rows under its header; `InvalidData` if the file cannot be read or has no such header."""
    if path.suffix.lower() == ".xls":
        expected = "en CSV- eller XLSX-fil; det gamle Excel-format .xls læses ikke: gem filen som .xlsx i Excel"
        raise InvalidData([Problem(path.name, 0, "", "", expected)])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path, profile)
        return _source(path.name, rows[:HEAD], lambda skip, width: _frame(rows[skip:], width), profile)
    data = _decoded(path, profile)
    delimiter = profile.file.delimiter or _guess_delimiter(data)
    head = list(csv.reader(io.StringIO(_first_lines(data)), delimiter=delimiter))
    return _source(path.name, head, lambda skip, width: _csv_frame(data, delimiter, skip, width), profile)


def _source(file: str, head: list[list[str]], body: Callable[[int, int], pl.DataFrame], profile: Profile) -> Source:
    """`body(rows to skip, columns)` reads the rows below the header as text columns c0, c1 …"""
    header_index, names = _header(file, head, profile)
    labels = _unique([n[0] for n in names])
    frame = body(header_index + 1, len(labels))
    first_row = header_index + 2
    frame = frame.rename(dict(zip(frame.columns, labels, strict=True)))
    frame = frame.with_columns(pl.int_range(first_row, first_row + frame.height, dtype=pl.Int64).alias(ROW))
    by_label = dict(zip(labels, names, strict=True))
    source = Source(file, _tidy(frame, by_label), by_label)
    _check_mojibake(source)
    if profile.file.duplicates == "refuse":
        _refuse_duplicates(source)
    return source


def _decoded(path: Path, profile: Profile) -> bytes:
    """The file as UTF-8 bytes: a byte order mark decides; else the profile's encodings are tried in order."""
    raw = path.read_bytes()
    for bom, encoding in BOMS.items():
        if raw.startswith(bom):
            return raw[len(bom) :].decode(encoding).encode("utf-8")
    for encoding in profile.file.encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return raw if encoding.replace("_", "-").lower() in ("utf-8", "utf8") else text.encode("utf-8")
    raise InvalidData([_encoding_problem(path.name, raw, profile.file.encodings)])


def _encoding_problem(file: str, raw: bytes, encodings: Sequence[str]) -> Problem:
    """Where the first byte that the profile's first encoding cannot read stands, and what it is in Windows-1252."""
    try:
        raw.decode(encodings[0])
        position = 0
    except UnicodeDecodeError as error:
        position = error.start
    row = raw[:position].count(b"\n") + 1
    byte = raw[position : position + 1]
    guess = byte.decode("cp1252", errors="replace")
    expected = (
        f"tegn i tegnkodningen {' eller '.join(encodings)}; byte 0x{byte.hex().upper()} er '{guess}' i "
        "Windows-1252 (cp1252): gem filen som UTF-8, eller tilføj cp1252 under file.encoding i profilen"
    )
    return Problem(file, row, "", "", expected)


def _guess_delimiter(data: bytes) -> str:
    """The most frequent of `;`, tab and `,` in the first lines (Danish Excel writes `;`)."""
    sample = _first_lines(data)
    return max((";", "\t", ","), key=sample.count)


def _first_lines(data: bytes) -> str:
    return b"\n".join(data.split(b"\n", HEAD + 1)[:HEAD]).decode("utf-8", errors="replace")


def _csv_frame(data: bytes, delimiter: str, skip: int, width: int) -> pl.DataFrame:
    schema = {f"c{i}": pl.String for i in range(width)}
    return pl.read_csv(
        data,
        separator=delimiter,
        has_header=False,
        skip_rows=skip,
        schema=schema,
        truncate_ragged_lines=True,
        missing_columns="insert",
        infer_schema=False,
    )


def _xlsx_rows(path: Path, profile: Profile) -> list[list[str]]:
    """The sheet's rows, each cell as text (openpyxl's read-only mode streams the sheet)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise InvalidData([Problem(path.name, 0, "", "", f"en XLSX-projektmappe ({type(error).__name__})")]) from None
    if profile.file.sheet is not None and profile.file.sheet not in book.sheetnames:
        sheets = ", ".join(book.sheetnames)
        raise InvalidData([Problem(path.name, 0, "", profile.file.sheet, f"et faneblad blandt: {sheets}")])
    sheet = book[profile.file.sheet] if profile.file.sheet else book.worksheets[0]
    decimal = profile.file.decimal
    rows = [[_cell_text(v, decimal) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _cell_text(value: object, decimal: str) -> str:
    """A typed cell as text the parsers read: dates ISO, numbers with the profile's decimal sign."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        shown = str(int(value)) if value.is_integer() else repr(value)
        return shown.replace(".", decimal)
    return str(value)


def _frame(rows: list[list[str]], width: int) -> pl.DataFrame:
    """Rows as a frame of `width` text columns c0, c1 … (short rows padded, long ones cut)."""
    padded = [(row + [""] * width)[:width] for row in rows]
    columns = list(zip(*padded, strict=True)) if padded else [() for _ in range(width)]
    return pl.DataFrame({f"c{i}": pl.Series(list(c), dtype=pl.String) for i, c in enumerate(columns)})


def _header(file: str, head: list[list[str]], profile: Profile) -> tuple[int, list[tuple[str, ...]]]:
    """The index of the header's (last) row and each column's names: the row, or pair of rows, that names most
    of the profile's columns (the first of equals, a single row before a pair)."""
    wanted = {normal_code(c) for c in profile.columns()}
    best: tuple[int, int, list[tuple[str, ...]]] = (0, 0, [])
    for index, row in enumerate(head):
        for depth in (1, 2):
            if depth == 2 and index == 0:
                continue
            names = _names(row) if depth == 1 else _two_row_names(head[index - 1], row)
            score = sum(any(normal_code(n) in wanted for n in column) for column in names)
            if score > best[0]:
                best = (score, index, names)
    score, index, names = best
    if score == 0:
        expected = "en overskrift med kolonnerne " + ", ".join(profile.required_columns())
        raise InvalidData([Problem(file, 0, "", "", f"{expected} i de første {HEAD} rækker")])
    return index, names


def _unique(labels: list[str]) -> list[str]:
    """Header cells as distinct column names: a repeated name gets its position ("Beløb (7)")."""
    seen = {label: labels.count(label) for label in labels}
    return [f"{label} ({i + 1})" if seen[label] > 1 or label == ROW else label for i, label in enumerate(labels)]


def _names(row: Sequence[str]) -> list[tuple[str, ...]]:
    return [(cell.strip() or f"kolonne {i + 1}",) for i, cell in enumerate(row)]


def _two_row_names(upper: Sequence[str], lower: Sequence[str]) -> list[tuple[str, ...]]:
    """Names of a header whose upper row has merged cells: each upper cell stands over the empty cells to its
    right (as a merged cell does), so a column answers to "upper lower", to its lower name, and to its upper name
    when the lower cell is empty."""
    width = max(len(upper), len(lower))
    filled: list[str] = []
    for i in range(width):
        cell = upper[i].strip() if i < len(upper) else ""
        filled.append(cell or (filled[-1] if filled else ""))
    names: list[tuple[str, ...]] = []
    for i in range(width):
        low = lower[i].strip() if i < len(lower) else ""
        up = filled[i]
        joined = f"{up} {low}".strip()
        options = [joined] + ([low] if low else [up])
        names.append(tuple(dict.fromkeys(n for n in options if n)) or (f"kolonne {i + 1}",))
    return names


def _tidy(frame: pl.DataFrame, names: dict[str, tuple[str, ...]]) -> pl.DataFrame:
    """Cells without surrounding spaces; empty rows, and rows that repeat the header, left out."""
    labels = list(names)
    cells = [pl.col(c).str.replace_all("\u00a0", " ", literal=True).str.strip_chars().alias(c) for c in labels]
    empty = pl.all_horizontal(pl.col(c).is_null() | (pl.col(c) == "") for c in labels)
    repeated = pl.sum_horizontal(
        pl.col(c).str.to_lowercase().is_in([normal_code(n) for n in names[c]]).fill_null(False).cast(pl.Int32)
        for c in labels
    )
    return frame.lazy().with_columns(cells).filter(~empty & (repeated * 2 <= len(labels))).collect()


def _check_mojibake(source: Source) -> None:
    columns = [c for c in source.rows.columns if c != ROW]
    hits = (
        source.rows.lazy()
        .select(ROW, pl.concat_str([pl.col(c).fill_null("") for c in columns], separator="\t").alias("_all"))
        .filter(pl.col("_all").str.contains(MOJIBAKE.pattern))
        .head(1)
        .collect()
    )
    if hits.is_empty():
        return
    row, line = hits.row(0)
    found = MOJIBAKE.search(line)
    shown = found.group(0) if found else ""
    expected = (
        f"dansk tekst; '{shown}' er et æ, ø eller å der er gemt forkert (UTF-8 læst som Windows-1252 og gemt "
        "igen): eksportér filen igen fra kildesystemet"
    )
    raise InvalidData([Problem(source.file, row, "", shown, expected)])


def _refuse_duplicates(source: Source) -> None:
    """A row that repeats an earlier one in every cell is most likely exported twice: refused, naming both."""
    columns = [c for c in source.rows.columns if c != ROW]
    first = pl.col(ROW).min().over(columns)
    repeats = source.rows.with_columns(first.alias("_first")).filter(pl.col(ROW) != pl.col("_first")).head(1000)
    problems = [
        Problem(
            source.file,
            row,
            "",
            "",
            f"rækker der ikke gentager hinanden; rækken er magen til række {earlier} (eksporteret to gange?) — "
            "fjern den, eller sæt file.duplicates: keep i profilen, hvis begge er rigtige",
        )
        for row, earlier in repeats.select(ROW, "_first").iter_rows()
    ]
    if problems:
        raise InvalidData(problems)
