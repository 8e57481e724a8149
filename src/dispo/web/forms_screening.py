"""The administrator's form for a new screening question: checked here in Danish before the domain takes it."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from dispo.domain.screening import KIND_LABELS

ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CHOICE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_,.+-]{0,29})\s*:\s*(\S.*)$")
BAND = re.compile(r"^(\d{1,3})\s*(?:-\s*(\d{1,3})|(\+))?$")


class QuestionForm(forms.Form):
    question_id = forms.CharField(
        label="Id", max_length=40, help_text="Små bogstaver, tal og _, fx antal_indlaeggelser. Kan ikke ændres senere."
    )
    section = forms.CharField(label="Afsnit", max_length=80, help_text="Overskriften spørgsmålet står under.")
    text = forms.CharField(label="Spørgsmål", max_length=300)
    kind = forms.ChoiceField(label="Svartype", choices=list(KIND_LABELS.items()))
    choices = forms.CharField(
        label="Svarmuligheder",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ved ét eller flere svar: én pr. linje som kode: tekst, fx ja_ofte: Ja, ofte.",
    )
    bands = forms.CharField(
        label="Grupper (tal)",
        required=False,
        help_text="Ved tal: grupperne den samlede fil tæller, adskilt af komma, fx 0, 1-4, 5+.",
    )
    reason = forms.CharField(label="Begrundelse", widget=forms.Textarea(attrs={"rows": 2}))

    def clean_question_id(self) -> str:
        value: str = self.cleaned_data["question_id"].strip()
        if not ID.match(value):
            raise forms.ValidationError(f"»{value}« skal være små bogstaver, tal og _ og begynde med et bogstav.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in ("choice", "multi"):
            self._parsed_choices(data.get("choices", ""))
        if kind == "number":
            self._parsed_bands(data.get("bands", ""))
        return data

    def _parsed_choices(self, raw: str) -> dict[str, str]:
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        found = {}
        for line in lines:
            match = CHOICE.match(line)
            if match is None:
                self.add_error("choices", f"»{line}« skal skrives som kode: tekst.")
                continue
            found[match.group(1)] = match.group(2).strip()
        if len(found) < 2 and not self.errors.get("choices"):
            self.add_error("choices", "Skriv mindst to svarmuligheder, én pr. linje.")
        return found

    def _parsed_bands(self, raw: str) -> list[dict[str, object]]:
        bands: list[dict[str, object]] = []
        for part in (p.strip() for p in raw.split(",") if p.strip()):
            match = BAND.match(part)
            if match is None:
                self.add_error(
                    "bands", f"»{part}« skal være et tal som 0, et interval som 2-4 eller en åben gruppe som 5+."
                )
                continue
            low, high, open_ended = int(match.group(1)), match.group(2), match.group(3)
            upper = {} if open_ended else {"to": int(high) if high else low}
            bands.append({"code": part.replace(" ", ""), "from": low, **upper})
        if not bands and not self.errors.get("bands"):
            self.add_error("bands", "Skriv mindst én gruppe, fx 0-1, 2-4, 5+.")
        return bands

    def entry(self) -> dict[str, object]:
        """The question as the question set's document writes one."""
        data = self.cleaned_data
        entry: dict[str, object] = {
            "id": data["question_id"],
            "section": data["section"].strip(),
            "text": data["text"].strip(),
            "kind": data["kind"],
        }
        if data["kind"] in ("choice", "multi"):
            entry["choices"] = self._parsed_choices(data["choices"])
        if data["kind"] == "number":
            entry["bands"] = self._parsed_bands(data["bands"])
        return entry
