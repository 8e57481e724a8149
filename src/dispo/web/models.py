"""The web app's own tables: what the login page must remember between requests."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class LoginFailure(models.Model):
    """One failed or refused login: which user name, from which address, when. Never the password.

    Failures within the lock-out window count towards locking the user name and the address
    (`dispo.web.auth`); a successful login stops counting the user name's failures (`counted` turns false) but
    keeps the rows, so an administrator can still see an attack that was followed by the right password.
    Attempts refused while locked (`refused`) are kept for the same reason and do not prolong the lock.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    remote_addr = models.CharField(max_length=64, blank=True, db_index=True)
    counted = models.BooleanField(default=True)
    refused = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} fra {self.remote_addr} {self.at:%Y-%m-%d %H:%M}"
