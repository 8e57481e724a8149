"""Administration: users with their roles and scopes, and the audit log (revisionsspor). Administrators only.

Every change to a user is written to the audit log as an action "bruger-…" with the values before and after,
in the same transaction as the change. The audit log itself is read-only here: there is no view that edits or
deletes an entry, and reading or downloading it is logged in turn.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from typing import Any

import polars as pl
from django import forms
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dispo.store.access import LABELS, Role
from dispo.store.models import AuditEntry, Caseworker, LeaderUnit, OrgUnit
from dispo.web.auth import forget_failures, locked_user_names, user_key
from dispo.web.views.common import download, require_role

AUDIT_PAGE_SIZE = 50
ROLE_CHOICES = [(role.value, LABELS[role]) for role in Role]
_CPR = re.compile(r"(?<!\d)(\d{6})-?(\d{4})(?!\d)")
AUDIT_HEADERS = {
    "at": "Tidspunkt",
    "username": "Bruger",
    "action": "Handling",
    "path": "Side",
    "arguments": "Argumenter",
    "citizens": "Borgere",
    "remote_addr": "Adresse",
}


def mask_cpr_numbers(text: str) -> str:
    """Any CPR number in free text (a search someone typed, a path) shown as ddmmyy-XXXX."""
    return _CPR.sub(r"\1-XXXX", text)


# --- users -------------------------------------------------------------------------------------------------


class UserForm(forms.Form):
    """What an administrator decides about a user: name, roles, and the scope behind the roles."""

    first_name = forms.CharField(label="Fornavn", max_length=150, required=False)
    last_name = forms.CharField(label="Efternavn", max_length=150, required=False)
    roles = forms.MultipleChoiceField(
        label="Roller",
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Vælg mindst én rolle."},
    )
    caseworker = forms.ModelChoiceField(
        label="Sagsbehandler i sagssystemet",
        queryset=Caseworker.objects.none(),
        required=False,
        empty_label="Ingen",
        error_messages={"invalid_choice": "Sagsbehandleren findes ikke eller er allerede koblet til en anden bruger."},
        help_text="En sagsbehandler ser de borgere, der har bevillinger hos denne sagsbehandler.",
    )
    units = forms.ModelMultipleChoiceField(
        label="Leder for enheder",
        queryset=OrgUnit.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="En leder ser borgerne i enhederne og enhederne under dem.",
    )

    def __init__(self, *args: Any, user: User | None, acting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.user, self.acting = user, acting
        free = Q(user__isnull=True) | Q(user=user) if user is not None else Q(user__isnull=True)
        self.fields["caseworker"].queryset = Caseworker.objects.filter(free).select_related("unit")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        roles = set(cleaned.get("roles", []))
        if cleaned.get("caseworker") and Role.CASEWORKER.value not in roles:
            self.add_error("caseworker", "Kun en bruger med rollen Sagsbehandler kan kobles til en sagsbehandler.")
        if cleaned.get("units") and Role.LEADER.value not in roles:
            self.add_error("units", "Kun en bruger med rollen Leder kan være leder for enheder.")
        return cleaned

    def check_password(self, field: str, username: str) -> None:
        """The password against the validators, with their (Danish) messages on the field."""
        password = self.cleaned_data.get(field)
        if not password:
            return
        candidate = User(
            username=username,
            first_name=self.cleaned_data.get("first_name", ""),
            last_name=self.cleaned_data.get("last_name", ""),
        )
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as error:
            self.add_error(field, error)


class NewUserForm(UserForm):
    username = forms.CharField(
        label="Brugernavn",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="Bogstaver, tal og @ . + - _ (højst 150 tegn).",
    )
    password = forms.CharField(
        label="Adgangskode (første gang)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Mindst 10 tegn, ikke kun tal og ikke en almindelig adgangskode.",
    )
    field_order = ["username", "first_name", "last_name", "password", "roles", "caseworker", "units"]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(f"Brugernavnet '{username}' findes allerede.")
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.check_password("password", cleaned.get("username", ""))
        return cleaned


class EditUserForm(UserForm):
    is_active = forms.BooleanField(label="Aktiv (kan logge ind)", required=False)
    new_password = forms.CharField(
        label="Ny adgangskode",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Tom: uændret. Mindst 10 tegn.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert self.user is not None
        if self.user.pk == self.acting.pk:
            if "roles" in cleaned and Role.ADMINISTRATOR.value not in cleaned["roles"]:
                self.add_error("roles", "Du kan ikke fjerne din egen rolle som systemadministrator.")
            if not cleaned.get("is_active"):
                self.add_error("is_active", "Du kan ikke deaktivere dig selv.")
        self.check_password("new_password", self.user.username)
        return cleaned


def user_state(user: User) -> dict[str, Any]:
    """A user's administered facts in the terms of the form, for the form's initial values and the audit log."""
    caseworker = Caseworker.objects.filter(user=user).first()
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "roles": sorted(user.groups.filter(name__in=[r.value for r in Role]).values_list("name", flat=True)),
        "caseworker": caseworker,
        "units": list(OrgUnit.objects.filter(leaderunit__user=user).order_by("unit_id")),
        "is_active": user.is_active,
    }


def _logged(value: Any) -> Any:
    """A form value as the audit log keeps it: ids of records, not objects."""
    if isinstance(value, Caseworker):
        return value.caseworker_id
    if isinstance(value, OrgUnit):
        return value.unit_id
    if isinstance(value, list | tuple | QuerySet):
        return sorted(_logged(v) for v in value)
    return value


FIELD_LABELS = {
    "first_name": "Fornavn",
    "last_name": "Efternavn",
    "roles": "Roller",
    "caseworker": "Sagsbehandler",
    "units": "Leder for enheder",
}
CHANGE_ACTIONS = {
    "first_name": "bruger-navn",
    "last_name": "bruger-navn",
    "roles": "bruger-roller",
    "caseworker": "bruger-sagsbehandler",
    "units": "bruger-enheder",
}


@transaction.atomic
def apply_user(request: HttpRequest, user: User, data: dict[str, Any]) -> list[str]:
    """Store the form's values for `user` and write one audit entry per kind of change. Returns the actions."""
    before = {key: _logged(value) for key, value in user_state(user).items()}
    after = {key: _logged(data[key]) for key in before if key in data}
    user.first_name, user.last_name = data["first_name"], data["last_name"]
    if "is_active" in data:
        user.is_active = data["is_active"]
    user.save()
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in data["roles"]])
    chosen: Caseworker | None = data["caseworker"]
    Caseworker.objects.filter(user=user).exclude(pk__in=[chosen.pk] if chosen else []).update(user=None)
    if chosen is not None:
        Caseworker.objects.filter(pk=chosen.pk).update(user=user)
    LeaderUnit.objects.filter(user=user).exclude(unit__in=data["units"]).delete()
    for unit in data["units"]:
        LeaderUnit.objects.get_or_create(user=user, unit=unit)
    actions: dict[str, dict[str, Any]] = {}
    for key, action in CHANGE_ACTIONS.items():
        if before[key] != after.get(key, before[key]):
            change = actions.setdefault(action, {"bruger": user.username, "før": {}, "efter": {}})
            change["før"][key], change["efter"][key] = before[key], after[key]
    if before["is_active"] != after.get("is_active", before["is_active"]):
        actions["bruger-aktiveret" if after["is_active"] else "bruger-deaktiveret"] = {"bruger": user.username}
    for action, arguments in actions.items():
        AuditEntry.record(request, action, [], arguments)
    return list(actions)


def _admin(request: HttpRequest) -> None:
    require_role(request, Role.ADMINISTRATOR)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _admin(request)
    return render(request, "dispo/admin/index.html", {"locked": locked_user_names()})


@login_required
@require_GET
def users(request: HttpRequest) -> HttpResponse:
    """Every user with roles, scope, status and last login."""
    _admin(request)
    people = User.objects.order_by("username").prefetch_related("groups", "leader_units__unit")
    caseworkers = {c.user_id: c for c in Caseworker.objects.filter(user__isnull=False)}
    locked = locked_user_names()
    rows = [
        {
            "user": person,
            "roles": [LABELS[Role(g.name)] for g in person.groups.all() if g.name in Role._value2member_map_],
            "caseworker": caseworkers.get(person.pk),
            "units": sorted(lu.unit.name for lu in person.leader_units.all()),
            "locked_until": locked.get(user_key(person.username)),
        }
        for person in people
    ]
    return render(request, "dispo/admin/users.html", {"rows": rows})


@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    _admin(request)
    form = NewUserForm(request.POST or None, user=None, acting=request.user)
    if request.method == "POST" and form.is_valid():
        user = _create_user(request, form.cleaned_data)
        messages.success(request, f"Brugeren {user.username} er oprettet.")
        return redirect("admin-user", user_id=user.pk)
    return render(request, "dispo/admin/user_form.html", {"form": form, "person": None})


@transaction.atomic
def _create_user(request: HttpRequest, data: dict[str, Any]) -> User:
    user = User.objects.create_user(username=data["username"], password=data["password"])
    AuditEntry.record(request, "bruger-oprettet", [], {"bruger": user.username})
    apply_user(request, user, data)
    return user


@login_required
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    """One user's roles, scope and status; a new password; the lock-out, if any; the history of changes."""
    _admin(request)
    person = get_object_or_404(User, pk=user_id)
    form = EditUserForm(request.POST or None, user=person, acting=request.user, initial=user_state(person))
    if request.method == "POST" and form.is_valid():
        changed = apply_user(request, person, form.cleaned_data)
        if form.cleaned_data["new_password"]:
            person.set_password(form.cleaned_data["new_password"])
            person.save(update_fields=["password"])
            AuditEntry.record(request, "bruger-adgangskode", [], {"bruger": person.username})
            changed.append("bruger-adgangskode")
        messages.success(request, "Ændringerne er gemt." if changed else "Ingen ændringer at gemme.")
        return redirect("admin-user", user_id=person.pk)
    context = {
        "form": form,
        "person": person,
        "locked_until": locked_user_names().get(user_key(person.username)),
        "history": [
            {"entry": entry, "change": described_change(entry.arguments)}
            for entry in AuditEntry.objects.filter(action__startswith="bruger-", arguments__bruger=person.username)[:20]
        ],
    }
    return render(request, "dispo/admin/user_form.html", context)


def described_change(arguments: dict[str, Any]) -> str:
    """'Roller: controller → analytiker' for an audit entry's before and after values."""

    def shown(value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(value) or "ingen"
        return str(value) if value not in (None, "") else "ingen"

    before, after = arguments.get("før", {}), arguments.get("efter", {})
    return "; ".join(f"{FIELD_LABELS.get(k, k)}: {shown(before[k])} → {shown(after.get(k))}" for k in before)


@login_required
@require_POST
def user_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    """Lift a lock-out before it runs out (the user has called and proven who they are)."""
    _admin(request)
    person = get_object_or_404(User, pk=user_id)
    forget_failures(person.username)
    AuditEntry.record(request, "bruger-spærring-ophævet", [], {"bruger": person.username})
    messages.success(request, f"Spærringen af {person.username} er ophævet.")
    return redirect("admin-user", user_id=person.pk)


# --- audit log ---------------------------------------------------------------------------------------------


class AuditSearchForm(forms.Form):
    bruger = forms.CharField(label="Bruger", required=False, max_length=150)
    handling = forms.ChoiceField(
        label="Handling",
        required=False,
        error_messages={"invalid_choice": "Handlingen '%(value)s' findes ikke i sporet. Vælg en fra listen."},
    )
    borger = forms.CharField(label="Borger-id", required=False, max_length=64)
    fra = forms.DateField(
        label="Fra dato",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Skriv fra-datoen som ÅÅÅÅ-MM-DD, fx 2025-06-30."},
    )
    til = forms.DateField(
        label="Til dato",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Skriv til-datoen som ÅÅÅÅ-MM-DD, fx 2025-06-30."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        self.fields["handling"].choices = [("", "Alle"), *((a, a) for a in actions)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("fra"), cleaned.get("til")
        if start and end and start > end:
            self.add_error("til", "Til-datoen ligger før fra-datoen.")
        return cleaned


def audit_entries(criteria: dict[str, Any]) -> QuerySet[AuditEntry]:
    """The entries matching the search, newest first. Dates are whole local days, both ends included."""
    entries = AuditEntry.objects.order_by("-at", "-id")
    if criteria.get("bruger"):
        entries = entries.filter(username__iexact=criteria["bruger"].strip())
    if criteria.get("handling"):
        entries = entries.filter(action=criteria["handling"])
    if criteria.get("borger"):
        entries = entries.filter(_citizen_filter(criteria["borger"].strip()))
    if criteria.get("fra"):
        entries = entries.filter(at__gte=_day_start(criteria["fra"]))
    if criteria.get("til"):
        entries = entries.filter(at__lt=_day_start(criteria["til"] + timedelta(days=1)))
    return entries


def _citizen_filter(citizen_id: str) -> Q:
    """Entries naming the citizen: a JSON containment where the database has one, else the quoted id in the
    JSON text (SQLite), which matches whole ids only."""
    if connection.features.supports_json_field_contains:
        return Q(citizens__contains=[citizen_id])
    return Q(citizens__icontains=json.dumps(citizen_id))


def _day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the site's time zone (Europe/Copenhagen)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def shown_arguments(arguments: dict[str, Any]) -> str:
    """key=value pairs, CPR numbers masked."""
    parts = [f"{k}={v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}" for k, v in arguments.items()]
    return mask_cpr_numbers(", ".join(parts))


def audit_rows(entries: Any) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "username": e.username,
            "action": e.action,
            "path": mask_cpr_numbers(e.path),
            "arguments": shown_arguments(e.arguments),
            "citizens": e.citizens,
            "remote_addr": e.remote_addr,
        }
        for e in entries
    ]


def audit_table(entries: QuerySet[AuditEntry]) -> pl.DataFrame:
    rows = audit_rows(entries.iterator())
    return pl.DataFrame(
        {
            "at": [timezone.localtime(r["at"]).strftime("%Y-%m-%d %H:%M:%S") for r in rows],
            **{k: [r[k] for r in rows] for k in ("username", "action", "path", "arguments")},
            "citizens": [", ".join(r["citizens"]) for r in rows],
            "remote_addr": [r["remote_addr"] for r in rows],
        },
        schema=dict.fromkeys(AUDIT_HEADERS, pl.String),
    )


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Search the audit log; download what was found. Both are audited in turn."""
    _admin(request)
    form = AuditSearchForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries(criteria) if not form.errors else AuditEntry.objects.none()
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        table = audit_table(entries)
        citizens = sorted({c for cell in table["citizens"].to_list() if cell for c in cell.split(", ")})
        AuditEntry.record(request, "revisionsspor-eksport", citizens)
        return download(table, fmt, "revisionsspor", AUDIT_HEADERS)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("side"))
    rows = audit_rows(page.object_list)
    AuditEntry.record(request, "revisionsspor", sorted({c for r in rows for c in r["citizens"]}))
    query = request.GET.copy()
    query.pop("side", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "dispo/admin/audit.html", context)
