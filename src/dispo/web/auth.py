"""Login with lock-out: too many failed logins for one user name, or from one address, close the door a while.

The rule: when a user name (or an address) has had `attempts` failed logins within `window`, further attempts
are refused for `lock` counted from the last of those failures — even with the right password, so that guessing
cannot go on in the background. A successful login stops counting the user name's earlier failures; refused
attempts are recorded but do not prolong the lock. Passwords are never recorded.

Settings (read on every request, all optional): DISPO_LOGIN_ATTEMPTS (5), DISPO_LOGIN_WINDOW_SECONDS (900),
DISPO_LOGIN_LOCK_SECONDS (900). Behind a reverse proxy REMOTE_ADDR is the proxy's address: let the proxy set it
to the client's, or every user shares one address count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from dispo.web.models import LoginFailure

LOCKED_MESSAGE = (
    "For mange mislykkede forsøg på at logge ind. Af sikkerhedshensyn er login spærret til kl. %(until)s. "
    "Prøv igen derefter, eller kontakt en systemadministrator."
)


@dataclass(frozen=True)
class LockoutRule:
    attempts: int
    window: timedelta
    lock: timedelta

    @classmethod
    def from_settings(cls) -> LockoutRule:
        return cls(
            attempts=int(getattr(settings, "DISPO_LOGIN_ATTEMPTS", 5)),
            window=timedelta(seconds=int(getattr(settings, "DISPO_LOGIN_WINDOW_SECONDS", 900))),
            lock=timedelta(seconds=int(getattr(settings, "DISPO_LOGIN_LOCK_SECONDS", 900))),
        )

    def lock_end(self, failures: Iterable[datetime]) -> datetime | None:
        """When the lock caused by these failure times ends: the latest failure that completes `attempts`
        failures within `window`, plus `lock`; None if no run of failures is dense enough."""
        times = sorted(failures)
        n = self.attempts
        ends = [times[i] + self.lock for i in range(n - 1, len(times)) if times[i] - times[i - n + 1] <= self.window]
        return max(ends, default=None)


def user_key(username: str) -> str:
    """User names are counted case-insensitively, so 'Controller' and 'controller' share one count."""
    return username.strip().lower()[:150]


def client_address(request: HttpRequest | None) -> str:
    return (request.META.get("REMOTE_ADDR", "") if request is not None else "")[:64]


def locked_until(username: str, address: str, now: datetime | None = None) -> datetime | None:
    """The end of the lock on this user name or this address, or None when a login may be tried."""
    now = now or timezone.now()
    rule = LockoutRule.from_settings()
    who = Q(username=user_key(username))
    if address:
        who |= Q(remote_addr=address)
    rows = LoginFailure.objects.filter(who, counted=True, refused=False, at__gt=now - rule.window - rule.lock)
    failures = list(rows.values_list("username", "remote_addr", "at"))
    by_name = rule.lock_end(at for name, _, at in failures if name == user_key(username))
    by_address = rule.lock_end(at for _, addr, at in failures if address and addr == address)
    ends = [end for end in (by_name, by_address) if end is not None and end > now]
    return max(ends, default=None)


def locked_user_names(now: datetime | None = None) -> dict[str, datetime]:
    """Every user name locked now, with the end of its lock: for the administrator's list of users."""
    now = now or timezone.now()
    rule = LockoutRule.from_settings()
    rows = LoginFailure.objects.filter(counted=True, refused=False, at__gt=now - rule.window - rule.lock)
    times: dict[str, list[datetime]] = {}
    for name, at in rows.values_list("username", "at"):
        times.setdefault(name, []).append(at)
    ends = {name: rule.lock_end(failures) for name, failures in times.items()}
    return {name: end for name, end in ends.items() if end is not None and end > now}


def record_failure(username: str, address: str, refused: bool = False) -> None:
    LoginFailure.objects.create(username=user_key(username), remote_addr=address, refused=refused)


def forget_failures(username: str) -> None:
    """A correct password (or an administrator) ends the count for this user name; the rows stay as history."""
    LoginFailure.objects.filter(username=user_key(username), counted=True).update(counted=False)


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing while locked and recording every failure (without the password)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Brugernavn eller adgangskode er forkert.",
        "locked": LOCKED_MESSAGE,
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        until = locked_until(username, address)
        if until is not None:
            record_failure(username, address, refused=True)
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"until": timezone.localtime(until).strftime("%H.%M")},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record_failure(username, address)
            raise
        if self.user_cache is not None:
            forget_failures(username)
        return cleaned


class LockoutLoginView(LoginView):
    """The login page: Django's, with the lock-out form and a note when the user was logged out for idling."""

    authentication_form = LockoutAuthenticationForm
    template_name = "dispo/admin/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["idle_logout"] = self.request.GET.get("inaktiv") == "1"
        context["idle_minutes"] = int(getattr(settings, "DISPO_IDLE_SECONDS", 1800)) // 60
        return context
