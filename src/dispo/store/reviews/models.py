"""The monthly case review (sagsgennemgang) per follow-up and caseworker, its answers, and the settings of the
controller's calendar.

A review lists a caseworker's cases as of a follow-up's date — new cases, expected grants, grants stopping
within three months — each with the questions of its guide (`dispo.domain.question_guides`). An answer is kept
with who gave it and when; the grants an answer created are linked from it, so a later answer changes them
instead of creating more. Grants themselves change only through `dispo.services.grants`, with a reason.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models

from dispo.domain.question_guides import REASON_LABELS, Reason
from dispo.store.followups.models import FollowUp
from dispo.store.models import Caseworker, Citizen, Grant


class Review(models.Model):
    """One caseworker's review list for one follow-up; the controller signs it off after the meeting."""

    class Status(models.TextChoices):
        OPEN = "aaben", "Åben"
        SIGNED_OFF = "godkendt", "Godkendt"

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reviews")
    caseworker = models.ForeignKey(Caseworker, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews_signed_off"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["followup", "caseworker__name"]
        constraints = [models.UniqueConstraint(fields=["followup", "caseworker"], name="one_review_per_caseworker")]

    def __str__(self) -> str:
        return f"Sagsgennemgang {self.followup.as_of:%d-%m-%Y}, {self.caseworker.name}"

    @property
    def signed_off(self) -> bool:
        return self.status == self.Status.SIGNED_OFF


class ReviewItem(models.Model):
    """A case on the list: a citizen (a new case) or one of their grants, why it is listed, and which guide
    asks about it. `carried_from` is the previous review's item whose open questions brought it here.

    The guide's general questions (section `generelt`) concern the citizen, not one grant: `asks_general` is
    set on the citizen's first item under each guide in a review only, so they are asked once per citizen."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="items")
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="review_items")
    grant = models.ForeignKey(Grant, null=True, blank=True, on_delete=models.PROTECT, related_name="review_items")
    reason = models.CharField(max_length=10, choices=[(r.value, REASON_LABELS[r]) for r in Reason])
    guide = models.CharField(max_length=10)
    position = models.IntegerField()
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    new_grant = models.ForeignKey(
        Grant, null=True, blank=True, on_delete=models.SET_NULL, related_name="created_by_review_items"
    )
    asks_general = models.BooleanField(default=True)

    class Meta:
        ordering = ["review", "position"]


class Answer(models.Model):
    """The answer to one question of an item, in its canonical form (`parse_answer`): who gave it, when, and
    the grant it created (an expected extension or one-off expense), if any."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(max_length=40)
    value = models.TextField()
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(auto_now=True)
    created_grant = models.ForeignKey(
        Grant, null=True, blank=True, on_delete=models.SET_NULL, related_name="created_by_answers"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "question_id"], name="one_answer_per_question")]


class CalendarSettings(models.Model):
    """The settings of one year's controller calendar (`dispo.domain.cycle_calendar.CycleSettings`): the
    committee's weekday (0 = Monday) and week of the month (-1: the last), the months without a meeting, and
    the lead times in working days before each meeting (null: the step is left out)."""

    year = models.IntegerField(unique=True)
    committee_weekday = models.IntegerField(default=1)
    committee_week = models.IntegerField(default=1)
    no_meeting_months = models.JSONField(default=list)
    case_review_leads = models.JSONField(default=list)
    controller_follow_up_lead = models.IntegerField(null=True, blank=True)
    follow_up_meetings_lead = models.IntegerField(null=True, blank=True)
    joint_meeting_lead = models.IntegerField(null=True, blank=True)
    qualification_meeting_lead = models.IntegerField(null=True, blank=True)
    agenda_deadline_lead = models.IntegerField(null=True, blank=True)
    agenda_deadline_time = models.TimeField(default=time(12, 0))
    updated_by = models.CharField(max_length=150)
    updated_at = models.DateTimeField(auto_now=True)
