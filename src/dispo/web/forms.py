"""The ledger's forms: what a user types, parsed the Danish way, with each problem shown next to its field.

The rules themselves live in the services (`grant_problems`, `rate_problems`, `budget_problems`), so a value
is refused with the same words whether it comes from this form, the command line or a test.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings

from dispo.domain.paragraphs import catalogue, categories, label
from dispo.domain.target_groups import target_groups
from dispo.services import budgets as budget_services
from dispo.services import providers as provider_services
from dispo.services.grants import EDITABLE, RateProposal, grant_problems, propose_rate
from dispo.store.models import Caseworker, Grant, OrgUnit, Provider

_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")


def canonical_number(text: str) -> str:
    """ "1.234,50", "1234,50", "1.234" and "1234.50" as Python reads them. Without a comma, dots in groups of
    three are thousands (Danish), any other dot a decimal point (the canonical CSV's way)."""
    text = text.replace("\xa0", "").replace(" ", "").removesuffix("kr.").removesuffix("kr")
    if "," in text:
        return text.replace(".", "").replace(",", ".")
    if _THOUSANDS.fullmatch(text):
        return text.replace(".", "")
    return text


class DanishNumberField(forms.DecimalField):
    """A number typed the Danish way and shown the Danish way (1234,5), in a plain text box."""

    def __init__(self, *, max_digits: int = 16, decimal_places: int = 4, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"invalid": "Skriv et tal, fx 1.234,50."})
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = canonical_number(value)
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (Decimal, float, int)) and not isinstance(value, bool):
            return format(Decimal(str(value)).normalize(), "f").replace(".", ",")
        return value


class DanishDateField(forms.DateField):
    """A date picker (ISO underneath) that also accepts dd-mm-åååå typed by hand."""

    input_formats = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]

    def __init__(self, **kwargs: Any) -> None:
        messages = {"invalid": "Skriv datoen som dd-mm-åååå, fx 01-10-2025."}
        messages.update(kwargs.pop("error_messages", {}))
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(error_messages=messages, **kwargs)


def paragraph_choices(blank: str | None = None) -> list[Any]:
    """The catalogue as option groups in the follow-up table's order; repealed paragraphs last, marked so."""
    groups: dict[str, list[tuple[str, str]]] = {name: [] for name in categories()}
    repealed: list[tuple[str, str]] = []
    for code, found in catalogue().items():
        if found.valid_to is None:
            groups[found.category].append((code, label(code)))
        else:
            repealed.append((code, f"{label(code)} (til {found.valid_to:%d-%m-%Y})"))
    choices: list[Any] = [("", blank)] if blank is not None else []
    choices += [(name, items) for name, items in groups.items() if items]
    return [*choices, ("Ophævede paragraffer", repealed)] if repealed else choices


def target_group_choices() -> list[tuple[str, str]]:
    return [(code, group.label) for code, group in target_groups().items()]


def _required(message: str) -> dict[str, str]:
    return {"required": message}


REASON_HELP = "Hvorfor registreres ændringen? Teksten gemmes i historikken med dit navn og tidspunktet."


class ReasonField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label="Begrundelse",
            help_text=REASON_HELP,
            widget=forms.Textarea(attrs={"rows": 2}),
            error_messages=_required("Skriv en begrundelse – hvorfor registreres ændringen?"),
            **kwargs,
        )


class ServiceRulesForm(forms.Form):
    """A form whose cross-field rules come from a service as {field: message}; each message goes next to its
    field (or above the form for a field it does not have), unless the field already shows a problem."""

    def add_problems(self, problems: dict[str, str]) -> None:
        for name, message in problems.items():
            field = name if name in self.fields else None
            if field is None or not self.has_error(field):
                self.add_error(field, message)


class GrantForm(ServiceRulesForm):
    """A grant, new or changed. An empty rate takes the provider's listed rate; for an expected grant without
    one, the paragraph's average price (`services.grants.propose_rate`)."""

    paragraph = forms.CharField(label="Paragraf", error_messages=_required("Vælg en paragraf."))
    target_group = forms.ChoiceField(label="Målgruppe", error_messages=_required("Vælg en målgruppe."))
    provider = forms.ModelChoiceField(
        Provider.objects.all(),
        to_field_name="provider_id",
        required=False,
        label="Leverandør",
        empty_label="Ingen leverandør",
        error_messages={"invalid_choice": "Ukendt leverandør. Vælg en fra listen."},
    )
    price_basis = forms.ChoiceField(
        label="Prisgrundlag", choices=Grant.PriceBasis.choices, error_messages=_required("Vælg et prisgrundlag.")
    )
    rate = DanishNumberField(
        required=False,
        label="Takst (kr.)",
        help_text="Pr. enhed af prisgrundlaget. Tom: leverandørens takst, for en forventet indsats ellers "
        "paragraffens gennemsnitspris.",
    )
    proposed_rate = forms.CharField(required=False, widget=forms.HiddenInput)
    hours_per_week = DanishNumberField(
        required=False, max_digits=8, decimal_places=2, label="Timer pr. uge", help_text="Kun ved timetakst."
    )
    start = DanishDateField(label="Start", error_messages=_required("Angiv en startdato."))
    end = DanishDateField(required=False, label="Slut (sidste dag)", help_text="Tom: indtil videre.")
    status = forms.ChoiceField(label="Status", error_messages=_required("Vælg en status."))
    probability = DanishNumberField(
        required=False,
        max_digits=5,
        decimal_places=4,
        label="Sandsynlighed (0–1)",
        help_text="Kun for en forventet indsats: fx 0,5 for 50 %. Tom: 1.",
    )
    acting_municipality = forms.CharField(
        label="Handlekommune", error_messages=_required("Angiv handlekommunens kode, fx 999.")
    )
    paying_municipality = forms.CharField(
        label="Betalingskommune", error_messages=_required("Angiv betalingskommunens kode, fx 999.")
    )
    own_payment = DanishNumberField(required=False, decimal_places=2, label="Egenbetaling pr. måned (kr.)")
    caseworker = forms.ModelChoiceField(
        Caseworker.objects.all(), to_field_name="caseworker_id", required=False, label="Sagsbehandler"
    )
    unit = forms.ModelChoiceField(OrgUnit.objects.all(), to_field_name="unit_id", required=False, label="Enhed")
    reason = ReasonField()

    def __init__(self, *args: Any, as_of: date, grant: Grant | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.as_of, self.grant = as_of, grant
        self.proposal: RateProposal | None = None
        self.fields["paragraph"].widget = forms.Select(choices=paragraph_choices(blank="Vælg paragraf"))
        self.fields["target_group"].choices = target_group_choices()  # type: ignore[attr-defined]
        statuses = [Grant.Status.DECIDED, Grant.Status.EXPECTED]
        if grant is not None and grant.status == Grant.Status.ENDED:
            statuses.append(Grant.Status.ENDED)
        self.fields["status"].choices = [(s.value, s.label) for s in statuses]  # type: ignore[attr-defined]
        for name in ("acting_municipality", "paying_municipality"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "maxlength": "3", "size": "4"})

    @staticmethod
    def initial_for(grant: Grant) -> dict[str, Any]:
        """The form as the grant stands, so that only what the user changes counts as changed."""
        return {name: getattr(grant, name) for name in EDITABLE}

    @staticmethod
    def initial_new(citizen_grants: list[Grant], caseworker: Caseworker | None) -> dict[str, Any]:
        """A new grant's defaults: this municipality acts and pays; the caseworker is the user if a caseworker,
        else the one on the citizen's latest grant; the target group is the latest grant's."""
        latest = citizen_grants[-1] if citizen_grants else None
        worker = caseworker or (latest.caseworker if latest else None)
        return {
            "status": Grant.Status.DECIDED,
            "price_basis": Grant.PriceBasis.DAY,
            "acting_municipality": settings.MUNICIPALITY,
            "paying_municipality": settings.MUNICIPALITY,
            "target_group": latest.target_group if latest else None,
            "caseworker": worker,
            "unit": worker.unit if worker else (latest.unit if latest else None),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") != Grant.Status.EXPECTED:
            data["probability"] = None
        if data.get("rate") is None and not self.has_error("rate"):
            self._fill_rate(data)
        changed = self.changed_data if self.grant is not None else EDITABLE
        self.add_problems(grant_problems(data, changed))
        return data

    def _fill_rate(self, data: dict[str, Any]) -> None:
        self.proposal = propose_rate(data, data.get("provider"), self.as_of.year, self.as_of)
        if self.proposal is not None:
            data["rate"] = self.proposal.rate
            return
        message = "Angiv en takst."
        if data.get("provider") is not None:
            message += f" {data['provider'].name} har ingen takst for paragraffen og prisgrundlaget på startdatoen."
        if data.get("status") == Grant.Status.EXPECTED:
            message += " Der er heller ingen bevilgede indsatser at beregne en gennemsnitspris ud fra."
        self.add_error("rate", message)

    def values(self) -> dict[str, Any]:
        """The cleaned values as the grant services take them."""
        return {name: self.cleaned_data.get(name) for name in EDITABLE}


class EndGrantForm(forms.Form):
    end = DanishDateField(label="Sidste dag", error_messages=_required("Angiv bevillingens sidste dag."))
    reason = ReasonField()


class ProviderForm(ServiceRulesForm):
    provider_id = forms.CharField(
        label="Leverandør-id",
        help_text="Nøglen fra fagsystemet, fx 999-P000123. Kan ikke ændres bagefter.",
        error_messages=_required("Angiv et leverandør-id."),
    )
    name = forms.CharField(label="Navn", error_messages=_required("Angiv leverandørens navn."))
    provider_type = forms.ChoiceField(label="Type", choices=Provider.Type.choices)
    municipality = forms.CharField(required=False, label="Kommune", help_text="Kommunekoden, hvor tilbuddet ligger.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.add_problems(provider_services.provider_problems(data))
        return data


class ProviderRateForm(ServiceRulesForm):
    paragraph = forms.CharField(required=False, label="Paragraf")
    price_basis = forms.ChoiceField(label="Prisgrundlag", choices=Grant.PriceBasis.choices)
    rate = DanishNumberField(label="Takst (kr.)", error_messages=_required("Angiv taksten i kroner."))
    valid_from = DanishDateField(label="Gyldig fra", error_messages=_required("Angiv den første dag, taksten gælder."))
    valid_to = DanishDateField(required=False, label="Gyldig til (sidste dag)", help_text="Tom: indtil videre.")

    def __init__(self, *args: Any, provider: Provider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider = provider
        self.fields["paragraph"].widget = forms.Select(choices=paragraph_choices(blank="Alle paragraffer"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            self.add_problems(provider_services.rate_problems(self.provider, data))
        return data


class ProviderRateEndForm(forms.Form):
    valid_to = DanishDateField(required=False, label="Gyldig til (sidste dag)", help_text="Tom: indtil videre.")


class BudgetLineForm(ServiceRulesForm):
    target_group = forms.ChoiceField(label="Målgruppe")
    paragraph = forms.CharField(label="Paragraf", error_messages=_required("Vælg en paragraf."))
    unit = forms.ModelChoiceField(
        OrgUnit.objects.all(), to_field_name="unit_id", required=False, label="Enhed", empty_label="Hele kommunen"
    )
    amount = DanishNumberField(decimal_places=2, label="Budget (kr.)", error_messages=_required("Angiv budgettet."))
    reason = ReasonField()

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["target_group"].choices = target_group_choices()  # type: ignore[attr-defined]
        self.fields["paragraph"].widget = forms.Select(choices=paragraph_choices(blank="Vælg paragraf"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            self.add_problems(budget_services.budget_problems(self.values()))
        return data

    def values(self) -> dict[str, Any]:
        unit = self.cleaned_data.get("unit")
        return {
            "year": self.year,
            "target_group": self.cleaned_data.get("target_group"),
            "paragraph": self.cleaned_data.get("paragraph"),
            "unit_id": unit.unit_id if unit else "",
            "amount": self.cleaned_data.get("amount"),
        }


class BudgetAmountForm(forms.Form):
    amount = DanishNumberField(decimal_places=2, label="Budget (kr.)", error_messages=_required("Angiv budgettet."))
    reason = ReasonField()
