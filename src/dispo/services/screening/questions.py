"""The question set's versions: version 1 as shipped, and the administrator's additions as later versions.

A registration keeps the version it was answered in, so adding a question never changes what was registered
before; the form of a new registration uses the newest version.
"""

from __future__ import annotations

from django.db import transaction

from dispo.domain.datafile import EntryError
from dispo.domain.screening import (
    QuestionSet,
    first_question_set,
    parse_question,
    parse_question_set,
    question_document,
)
from dispo.store.screening.models import QuestionSetVersion


class InvalidQuestion(ValueError):
    """A new question the set cannot take; the message says why, in Danish."""


def latest() -> tuple[QuestionSetVersion, QuestionSet]:
    """The newest stored version (version 1 is stored the first time it is asked for)."""
    row = QuestionSetVersion.objects.order_by("-version").first()
    if row is None:
        row, _ = QuestionSetVersion.objects.get_or_create(
            version=1,
            defaults={
                "document": question_document(first_question_set()),
                "created_by": "dispo",
                "reason": "Spørgesættet som leveret",
            },
        )
    return row, question_set(row)


def question_set(row: QuestionSetVersion) -> QuestionSet:
    """The question set a stored version holds."""
    return parse_question_set(row.document, f"spørgesæt version {row.version}")


def add_question(entry: dict[str, object], user: str, reason: str) -> QuestionSetVersion:
    """A new version: the newest set with `entry` (a question as the YAML writes one) added last."""
    if not reason.strip():
        raise InvalidQuestion("Skriv en begrundelse for det nye spørgsmål.")
    with transaction.atomic():
        _, current = latest()
        try:
            extended = current.extended(parse_question(entry))
        except EntryError as problem:
            raise InvalidQuestion(f"Spørgsmålet er ikke tilføjet: {problem}.") from None
        return QuestionSetVersion.objects.create(
            version=extended.version, document=question_document(extended), created_by=user, reason=reason.strip()
        )
