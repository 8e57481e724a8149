"""The three exports written the way the source systems write them, in the layouts the shipped profiles read.

- `nexus-bevillinger.csv` (case system, profile `nexus`): UTF-8 with a byte order mark, `;`, a title row and an
  empty row above the header, one row per grant;
- `boern-og-voksne-betalinger.csv` (settlement system, profile `boern-og-voksne`): Windows-1252, `;`, a title
  row and an empty row above the header, one row per payment;
- `prisme-posteringer.csv` (finance system, profile `prisme`): UTF-8, `;`, the header on the first row, one row
  per posting, credits with a trailing minus.

Danish Excel conventions throughout: `1.234.567,89`, dates `dd-mm-yyyy`. Codes are written with the first
spelling the profile lists for them (`Privat tilbud`, `pr. døgn`), so a profile that reads the file reads them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from dispo.services.profiles.model import load_profile

FILES = {
    "case": "nexus-bevillinger.csv",
    "settlement": "boern-og-voksne-betalinger.csv",
    "finance": "prisme-posteringer.csv",
}
"""The export of each kind of source, by file name."""
FIRST_ROW = {"case": 4, "settlement": 4, "finance": 2}
"""The row Excel shows for each export's first data row (below its title rows and header)."""
UNITS = {"dag": "Døgn", "time": "Time", "maaned": "Måned", "aar": "År", "engang": "Engang"}
"""The settlement system's word for what a payment's quantity counts."""
MONTHS = ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")
DATE = "%d-%m-%Y"


def danish(amount: pl.Expr, decimals: int = 2, credit_suffix: bool = False) -> pl.Expr:
    """A number as Danish Excel writes it: `1.234,50`, `-12,50` (or `12,50-` with `credit_suffix`); null stays
    null. Rounded half away from zero on whole øre, as a payment is."""
    scale = 10**decimals
    units = (amount.abs() * scale).round(0).cast(pl.Int64)
    whole = (units // scale).cast(pl.String)
    grouped = whole.str.reverse().str.extract_all(r"\d{1,3}").list.join(".").str.reverse()
    fraction = (units % scale).cast(pl.String).str.zfill(decimals)
    text = pl.concat_str(grouped, pl.lit(","), fraction) if decimals else grouped
    negative = (amount < 0) & (units > 0)
    signed = (
        pl.when(negative).then(pl.concat_str(text, pl.lit("-")) if credit_suffix else pl.concat_str(pl.lit("-"), text))
    ).otherwise(text)
    return pl.when(amount.is_null()).then(pl.lit(None, pl.String)).otherwise(signed)


def written_codes(profile: str, table: str) -> dict[str, str]:
    """Each canonical code of a profile's code table with the first spelling the profile lists for it."""
    found: dict[str, str] = {}
    for spelling, code in load_profile(profile).codes[table].items():
        found.setdefault(code, spelling)
    return found


def cpr_written(cpr: pl.Expr, dashed: pl.Expr) -> pl.Expr:
    """The CPR number with its dash (`ddmmyy-xxxx`) or without (`ddmmyyxxxx`), as the row's system wrote it."""
    return pl.when(dashed).then(cpr).otherwise(cpr.str.replace("-", "", literal=True))


def nexus(rows: pl.DataFrame) -> pl.DataFrame:
    """The case system's grant list: one row per grant with its citizen, place, price, period and caseworker."""
    codes = {name: written_codes("nexus", name) for name in ("target_group", "provider_type", "price_basis", "status")}
    return rows.select(
        pl.col("citizen_id").alias("Borger-ID"),
        cpr_written(pl.col("cpr"), pl.col("dashed")).alias("Sagens personnummer"),
        pl.col("citizen_name").alias("Sagspersons navn"),
        pl.col("case_id").alias("Sags-ID"),
        pl.col("grant_id").alias("Bevillings-ID"),
        pl.col("spelling").alias("Paragraf nummer"),
        pl.col("target_group").replace_strict(codes["target_group"]).alias("Målgruppe"),
        pl.col("provider_id").alias("Leverandørnr."),
        pl.col("provider_name").alias("Stedets navn"),
        pl.col("provider_type").replace_strict(codes["provider_type"], default=None).alias("Tilbudstype"),
        pl.col("provider_municipality").alias("Tilbudskommune"),
        pl.col("price_basis").replace_strict(codes["price_basis"]).alias("Takstenhed"),
        danish(pl.col("rate")).alias("Takst"),
        danish(pl.col("hours_per_week")).alias("Timer pr. uge"),
        pl.col("start").dt.strftime(DATE).alias("Startdato"),
        pl.col("end").dt.strftime(DATE).alias("Slutdato"),
        pl.col("status").replace_strict(codes["status"]).alias("Status"),
        danish(pl.col("probability")).alias("Sandsynlighed"),
        pl.col("acting_municipality").alias("Handlekommune"),
        pl.col("paying_municipality").alias("Betalingskommune"),
        danish(pl.col("own_payment")).alias("Egenbetaling pr. md."),
        pl.col("caseworker_id").alias("Sagsbehandler-ID"),
        pl.col("caseworker_name").alias("Sagsbehandler"),
        pl.col("unit_id").alias("Enheds-ID"),
        pl.col("unit_name").alias("Enhed"),
    )


def settlement(rows: pl.DataFrame) -> pl.DataFrame:
    """The settlement system's payments: citizen, paragraph, provider, the days paid for, rate, quantity, amount."""
    return rows.select(
        cpr_written(pl.col("cpr"), pl.col("dashed")).alias("Cpr-nr."),
        pl.col("citizen_name").alias("Navn"),
        pl.col("spelling").alias("Paragraf"),
        pl.col("provider_id").alias("Leverandørnr."),
        pl.col("provider_name").alias("Leverandør"),
        pl.col("period_from").dt.strftime(DATE).alias("Periode fra"),
        pl.col("period_to").dt.strftime(DATE).alias("Periode til"),
        danish(pl.col("rate")).alias("Takst"),
        pl.col("price_basis").replace_strict(UNITS).alias("Enhed"),
        danish(pl.col("quantity")).alias("Antal"),
        danish(pl.col("amount")).alias("Beløb"),
        pl.col("booked_on").dt.strftime(DATE).alias("Bogført"),
    )


def prisme(rows: pl.DataFrame) -> pl.DataFrame:
    """The finance system's postings on the functions of the chart of accounts, credits with a trailing minus."""
    month = pl.col("month")
    text = pl.concat_str(
        pl.col("provider_name").fill_null("Udbetaling"),
        pl.lit(" "),
        (month.dt.month() - 1).replace_strict(list(range(12)), list(MONTHS), return_dtype=pl.String),
        pl.lit(" "),
        month.dt.year().cast(pl.String),
    )
    return rows.select(
        pl.col("voucher").cast(pl.String).alias("Bilagsnr."),
        pl.col("booked_on").dt.strftime(DATE).alias("Bogføringsdato"),
        month.dt.strftime("%Y-%m").alias("Periode"),
        pl.concat_str(pl.col("account_function"), pl.lit(".4.0")).alias("Konto"),
        pl.lit("4.0").alias("Art"),
        text.alias("Tekst"),
        cpr_written(pl.col("cpr"), pl.col("dashed")).alias("CPR-nr."),
        danish(pl.col("amount"), credit_suffix=True).alias("Beløb"),
    )


def write(kind: str, export: pl.DataFrame, out: Path, today: date) -> Path:
    """Write one export into `out` with its system's title rows and encoding; returns its path."""
    body = export.write_csv(separator=";", line_terminator="\r\n", null_value="")
    blank = ";" * (export.width - 1)
    stamp = today.strftime(DATE)
    path = out / FILES[kind]
    if kind == "case":
        title = f"Bevillingsoversigt - udtræk fra Nexus {stamp} (syntetiske data)" + blank
        path.write_bytes(b"\xef\xbb\xbf" + f"{title}\r\n{blank}\r\n{body}".encode())
    elif kind == "settlement":
        title = f"Afregninger {date(today.year, 1, 1):{DATE}} til {today:{DATE}} (syntetiske data)" + blank
        path.write_bytes(f"{title}\r\n{blank}\r\n{body}".encode("cp1252"))
    else:
        path.write_bytes(body.encode())
    return path
