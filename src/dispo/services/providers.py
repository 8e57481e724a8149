"""Providers (leverandører, tilbud) and their rate lists (takstblade).

A provider's list says what a place costs for a paragraph and price basis in a period. Two prices for the same
paragraph, basis and day would make the proposal for a new grant a guess, so overlapping periods are refused;
a new takst starts the day after the old one ends. A list row without a paragraph holds for every paragraph
the provider has no row of its own for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from dispo.domain.paragraphs import UnknownParagraph, label, paragraph
from dispo.services.exports import danish_number
from dispo.store.models import Grant, LedgerVersion, Provider, ProviderRate

_PROVIDER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_MUNICIPALITY_CODE = re.compile(r"\d{3}")


def _dk(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def search(query: str = "", provider_type: str = "") -> models.QuerySet[Provider]:
    """Providers whose id or name contains `query` (any case), of one type if given, with how many rates and
    grants each has."""
    found = Provider.objects.all()
    if query.strip():
        found = found.filter(models.Q(name__icontains=query.strip()) | models.Q(provider_id__icontains=query.strip()))
    if provider_type:
        found = found.filter(provider_type=provider_type)
    return found.annotate(
        rate_count=models.Count("rates", distinct=True), grant_count=models.Count("grants", distinct=True)
    ).order_by("name", "provider_id")


def provider_problems(values: Mapping[str, Any]) -> dict[str, str]:
    """Danish messages, per field, for a provider that cannot be registered."""
    found: dict[str, str] = {}
    provider_id = str(values.get("provider_id") or "").strip()
    if not _PROVIDER_ID.fullmatch(provider_id):
        found["provider_id"] = (
            "Leverandør-id skal være 1-64 tegn: bogstaver (a-z), tal, punktum, bindestreg eller understregning."
        )
    elif existing := Provider.objects.filter(provider_id=provider_id).first():
        found["provider_id"] = f"Der findes allerede en leverandør med id «{provider_id}» ({existing.name})."
    if not str(values.get("name") or "").strip():
        found["name"] = "Angiv leverandørens navn."
    if values.get("provider_type") not in Provider.Type.values:
        found["provider_type"] = "Vælg en type: egen kommune, anden kommune, region eller privat."
    municipality = str(values.get("municipality") or "")
    if municipality and not _MUNICIPALITY_CODE.fullmatch(municipality):
        found["municipality"] = "Kommunekoden er tre cifre, fx 999 (eller tom)."
    return found


@transaction.atomic
def create_provider(values: Mapping[str, Any]) -> Provider:
    """Register a provider; raises ValidationError with `provider_problems`' messages (nothing saved)."""
    problems = provider_problems(values)
    if problems:
        raise ValidationError(problems)
    provider = Provider.objects.create(
        provider_id=str(values["provider_id"]).strip(),
        name=str(values["name"]).strip(),
        provider_type=values["provider_type"],
        municipality=values.get("municipality") or "",
    )
    LedgerVersion.bump()  # the ledger's provider table (names, types) is cached with the version
    return provider


def overlapping(
    provider: Provider,
    code: str,
    basis: str,
    valid_from: date,
    valid_to: date | None,
    exclude: ProviderRate | None = None,
) -> ProviderRate | None:
    """A row of the provider's list for the same paragraph and price basis whose period shares a day with
    `valid_from`–`valid_to` (both inclusive; None is open), or None."""
    rows = ProviderRate.objects.filter(provider=provider, paragraph=code, price_basis=basis).filter(
        models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=valid_from)
    )
    if valid_to is not None:
        rows = rows.filter(valid_from__lte=valid_to)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return rows.order_by("valid_from").first()


def paragraph_text(rate: ProviderRate) -> str:
    """The paragraph a list row is for, as the UI names it; "Alle paragraffer" for a row without one."""
    if not rate.paragraph:
        return "Alle paragraffer"
    try:
        return label(rate.paragraph)
    except UnknownParagraph:
        return rate.paragraph


def describe(rate: ProviderRate) -> str:
    """A list row in words: "1.000,00 kr. pr. dag for SEL § 108 … fra 01-01-2025 til 31-12-2025"."""
    where = f"for {paragraph_text(rate)}" if rate.paragraph else "for alle paragraffer"
    until = f"til {_dk(rate.valid_to)}" if rate.valid_to else "indtil videre"
    basis = Grant.PriceBasis(rate.price_basis).label
    return f"{danish_number(rate.rate, 2)} kr. {basis} {where} fra {_dk(rate.valid_from)} {until}"


def rate_problems(provider: Provider, values: Mapping[str, Any], exclude: ProviderRate | None = None) -> dict[str, str]:
    """Danish messages, per field, for a row the provider's list cannot hold; an overlap names the row."""
    found: dict[str, str] = {}
    code, basis = values.get("paragraph") or "", values.get("price_basis")
    valid_from, valid_to, rate = values.get("valid_from"), values.get("valid_to"), values.get("rate")
    if code:
        try:
            paragraph(code)
        except UnknownParagraph:
            found["paragraph"] = f"Ukendt paragraf «{code}». Vælg en paragraf fra kataloget, eller ingen."
    if basis not in Grant.PriceBasis.values:
        found["price_basis"] = "Vælg et prisgrundlag."
    if rate is None:
        found["rate"] = "Angiv taksten i kroner."
    elif rate < 0:
        found["rate"] = "Taksten kan ikke være negativ."
    if valid_from is None:
        found["valid_from"] = "Angiv den første dag, taksten gælder."
    elif valid_to is not None and valid_to < valid_from:
        found["valid_to"] = f"Sidste gyldige dag ligger før første gyldige dag {_dk(valid_from)}."
    elif not found and (clash := overlapping(provider, code, str(basis), valid_from, valid_to, exclude)):
        found["valid_from"] = (
            f"Perioden overlapper takst {describe(clash)}. Én paragraf og ét prisgrundlag kan kun have én takst "
            "ad gangen: afslut den gældende takst dagen før, eller vælg en anden periode."
        )
    return found


@transaction.atomic
def add_rate(provider: Provider, values: Mapping[str, Any]) -> ProviderRate:
    """Add a row to the provider's list; raises ValidationError with `rate_problems`' messages."""
    problems = rate_problems(provider, values)
    if problems:
        raise ValidationError(problems)
    return ProviderRate.objects.create(
        provider=provider,
        paragraph=values.get("paragraph") or "",
        price_basis=values["price_basis"],
        rate=values["rate"],
        valid_from=values["valid_from"],
        valid_to=values.get("valid_to"),
    )


@transaction.atomic
def change_rate_end(rate: ProviderRate, valid_to: date | None) -> ProviderRate:
    """Set the last day a row of the list holds (None: until further notice), refusing an overlap."""
    values = {
        "paragraph": rate.paragraph,
        "price_basis": rate.price_basis,
        "rate": rate.rate,
        "valid_from": rate.valid_from,
        "valid_to": valid_to,
    }
    problems = rate_problems(rate.provider, values, exclude=rate)
    if problems:
        raise ValidationError({"valid_to": " ".join(problems.values())})
    rate.valid_to = valid_to
    rate.save(update_fields=["valid_to"])
    return rate


def valid_rate(provider: Provider, code: str, basis: str, on: date) -> ProviderRate | None:
    """The provider's rate for the paragraph and price basis valid on `on`: its own row for the paragraph if
    there is one, else a row for every paragraph; None if the list has neither."""
    rows = ProviderRate.objects.filter(provider=provider, price_basis=basis, valid_from__lte=on).filter(
        models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on)
    )
    return rows.filter(paragraph=code).first() or rows.filter(paragraph="").first()
