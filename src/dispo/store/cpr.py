"""CPR numbers at rest: encrypted with a key that lives outside the database (DESIGN.md §6).

One secret, DISPO_CPR_KEY, yields two keys through HKDF with different labels: the HMAC key of the join
pseudonym and the Fernet key of the stored number. Losing the database alone reveals no CPR number.
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

from dispo.domain import cpr as cpr_rules


def _derive(label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(settings.CPR_KEY)


@cache
def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"dispo cpr encryption")))


@cache
def pseudonym_key() -> bytes:
    return _derive(b"dispo cpr pseudonym")


def pseudonym(cpr: str) -> str:
    return cpr_rules.pseudonym(cpr, pseudonym_key())


class CprField(models.TextField):  # type: ignore[type-arg]
    """A CPR number, encrypted at rest with Fernet; reads give back the normalised number."""

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return _fernet().encrypt(cpr_rules.normalise(str(value)).encode()).decode()

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return _fernet().decrypt(value.encode()).decode()
