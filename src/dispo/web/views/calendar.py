"""The controller's calendar (/kalender/): the year's monthly cycle as a calendar and a list, its settings, and
the events as an iCalendar file (?format=ics) to import into the municipality's calendar system."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse

from dispo.domain.cycle_calendar import LAST_WEEK, WEEKDAYS, CycleEvent, CycleSettings
from dispo.services import calendar as calendar_services
from dispo.store.access import Role
from dispo.web.views.common import download, require_role, year_asked

CALENDAR_ROLES = (Role.CONTROLLER, Role.ADMINISTRATOR)
MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
EVENT_HEADERS = {"day": "Dato", "weekday": "Ugedag", "time": "Kl.", "label": "Begivenhed", "meeting": "Udvalgsmøde"}
LEAD_FIELDS = {
    "controller_follow_up_lead": "Controllere laver opfølgning",
    "follow_up_meetings_lead": "Opfølgningsmøder – myndighed",
    "joint_meeting_lead": "Fællesmøde opfølgning",
    "qualification_meeting_lead": "Opsamlingsmøde",
    "agenda_deadline_lead": "Dagsorden udsendes",
}


class CalendarSettingsForm(forms.Form):
    """The settings, as the controller thinks of them: which weekday of which week, and how many working days
    before the meeting each step lies (empty: the step is left out)."""

    committee_weekday = forms.TypedChoiceField(
        label="Udvalgsmøde, ugedag", coerce=int, choices=[(i, d) for i, d in enumerate(WEEKDAYS)]
    )
    committee_week = forms.TypedChoiceField(
        label="Uge i måneden",
        coerce=int,
        choices=[(1, "1."), (2, "2."), (3, "3."), (4, "4."), (LAST_WEEK, "sidste")],
    )
    no_meeting_months = forms.TypedMultipleChoiceField(
        label="Måneder uden udvalgsmøde",
        coerce=int,
        required=False,
        choices=[(i, m) for i, m in enumerate(MONTHS, start=1)],
        widget=forms.CheckboxSelectMultiple,
    )
    case_review_leads = forms.CharField(
        label="Sagsgennemgange, arbejdsdage før mødet",
        help_text="Et eller flere tal adskilt af komma, fx 14, 10.",
    )
    agenda_deadline_time = forms.TimeField(
        label="Deadline for dagsorden, kl.",
        input_formats=["%H:%M", "%H.%M"],
        error_messages={"invalid": "Skriv klokkeslættet som tt:mm, fx 12:00."},
        widget=forms.TimeInput(format="%H:%M"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in LEAD_FIELDS.items():
            self.fields[name] = forms.IntegerField(
                label=f"{label}, arbejdsdage før mødet",
                required=False,
                error_messages={"invalid": "Skriv et helt antal arbejdsdage, fx 6."},
            )

    @staticmethod
    def initial_for(settings: CycleSettings) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(settings, name) for name in LEAD_FIELDS}
        return initial | {
            "committee_weekday": settings.committee_weekday,
            "committee_week": settings.committee_week,
            "no_meeting_months": list(settings.no_meeting_months),
            "case_review_leads": ", ".join(str(n) for n in settings.case_review_leads),
            "agenda_deadline_time": settings.agenda_deadline_time,
        }

    def settings(self) -> CycleSettings:
        data = self.cleaned_data
        return CycleSettings(
            committee_weekday=data["committee_weekday"],
            committee_week=data["committee_week"],
            no_meeting_months=tuple(data["no_meeting_months"]),
            case_review_leads=calendar_services.parse_leads(data["case_review_leads"]),
            agenda_deadline_time=data["agenda_deadline_time"],
            **{name: data[name] for name in LEAD_FIELDS},
        )


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The year's cycle as twelve months and as a list (downloadable), with the settings that make it; the
    follow-ups made in the year stand on their as-of dates in the months, linked."""
    require_role(request, *CALENDAR_ROLES)
    year = year_asked(request)
    form = CalendarSettingsForm(
        request.POST or None, initial=CalendarSettingsForm.initial_for(calendar_services.cycle_settings(year))
    )
    if request.method == "POST" and form.is_valid():
        try:
            calendar_services.save_settings(year, form.settings(), request.user.get_username())
            messages.success(request, f"Indstillingerne for {year} er gemt.")
            return redirect(f"{reverse('calendar')}?aar={year}")
        except ValidationError as refused:
            for name, problems in refused.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
    items = calendar_services.events(year)
    fmt = request.GET.get("format")
    if fmt == "ics":
        return _ics(year, items)
    if fmt:
        if fmt not in ("xlsx", "csv"):
            return HttpResponseBadRequest(
                f"Ukendt format »{fmt}«. Vælg format=ics (kalender), format=xlsx (Excel) eller format=csv.",
                content_type="text/plain; charset=utf-8",
            )
        table = calendar_services.event_table(items)
        return download(table.rename(EVENT_HEADERS), fmt, f"controllerkalender-{year}", totals=False)
    made = calendar_services.followups_by_day(year)
    context = {
        "year": year,
        "form": form,
        "months": [(MONTHS[m - 1], calendar_services.month_grid(year, m, items, made)) for m in range(1, 13)],
        "followups": [f for day in made.values() for f in day],
        "events": items,
        "holidays": calendar_services.holiday_table(year).rows(),
        "weekdays": ("man", "tir", "ons", "tor", "fre", "lør", "søn"),
        "query": f"aar={year}",
    }
    return render(request, "dispo/calendar/calendar.html", context)


def _ics(year: int, items: list[CycleEvent]) -> HttpResponse:
    """The year's events as an iCalendar file, to import into the municipality's calendar system."""
    body = calendar_services.to_ics(year, items)
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="controllerkalender-{year}.ics"'
    return response
