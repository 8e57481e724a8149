"""A follow-up of the tiny world (tests/support/world.py) as of 30 June 2025 with its case reviews made, for
tests that need a review to open: Anna Testesen's (sagsbehandler1) lists g3, Bo Prøvesen's g2."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User

from dispo.services.followups.snapshot import create_followup
from dispo.services.reviews import build_reviews
from dispo.store.followups.models import FollowUp
from dispo.store.reviews.models import Review, ReviewItem

AS_OF = date(2025, 6, 30)


def reviewed_followup() -> FollowUp:
    """The follow-up of 30 June 2025 (made by the controller if there is none yet) with its reviews built."""
    followup = FollowUp.objects.filter(as_of=AS_OF).first() or create_followup(
        AS_OF, User.objects.get(username="controller")
    )
    build_reviews(followup)
    return followup


def first_review() -> Review:
    return Review.objects.filter(followup=reviewed_followup()).order_by("caseworker__name").first()  # type: ignore[return-value]


def first_item() -> ReviewItem:
    return ReviewItem.objects.filter(review=first_review()).order_by("position").first()  # type: ignore[return-value]
