"""Lists made before the general questions were asked once per citizen: the migration keeps them on each
citizen's first case, and on a later case only where it already holds an answer to one of them."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from support.world import write_world

from dispo.services.followups.snapshot import create_followup
from dispo.services.grants import change_grant
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.services.reviews import build_reviews
from dispo.store.models import Grant
from dispo.store.reviews.models import Answer, ReviewItem

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("dispo.store.reviews.migrations.0002_general_questions_once_per_citizen")


def test_only_the_first_case_of_a_citizen_keeps_the_general_questions_unless_answered(tmp_path: Path) -> None:
    import_ledger(Ledger.from_folder(write_world(tmp_path / "world")), user="test", reason="Import")
    karen = User.objects.create_user("karen")
    # g1 ends 31 August: c1 has two cases on Anna's list (g3 expected, g1 stopping); c2 one on Bo's (g2).
    change_grant(Grant.objects.get(grant_id="g1"), {"end": date(2025, 8, 31)}, "Ophører", "test")
    build_reviews(create_followup(date(2025, 6, 30), karen))
    ReviewItem.objects.update(asks_general=True)  # as every item was before the migration
    g1 = ReviewItem.objects.get(grant__grant_id="g1")
    MIGRATION.ask_general_once(apps, None)
    asks = dict(ReviewItem.objects.values_list("grant__grant_id", "asks_general"))
    assert asks == {"g3": True, "g1": False, "g2": True}

    ReviewItem.objects.update(asks_general=True)
    Answer.objects.create(item=g1, question_id="v-gen-respirator", value="nej", answered_by=karen)
    MIGRATION.ask_general_once(apps, None)
    assert ReviewItem.objects.get(pk=g1.pk).asks_general  # its answer stays where it was given
