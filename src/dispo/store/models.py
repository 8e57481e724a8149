"""The ledger's tables. One model per concept; names from the glossary (DESIGN.md §2)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from dispo.store.access import SEES_EVERY_CITIZEN, Role, roles_of
from dispo.store.cpr import CprField


def money(**options: Any) -> models.DecimalField:  # type: ignore[type-arg]
    """Kroner with øre."""
    return models.DecimalField(max_digits=16, decimal_places=2, **options)


def rate(**options: Any) -> models.DecimalField:  # type: ignore[type-arg]
    """A price per unit: four decimals, as hourly and yearly rates after P/L regulation carry them."""
    return models.DecimalField(max_digits=16, decimal_places=4, **options)


class OrgUnit(models.Model):
    """An organisation unit (myndighedsenhed); leaders are scoped to units and the units below them."""

    unit_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def subtree_ids(unit_ids: set[int]) -> set[int]:
        """The units and every unit below them."""
        parents = dict(OrgUnit.objects.values_list("id", "parent_id"))
        scope = set(unit_ids)
        while below := {u for u, p in parents.items() if p in scope} - scope:
            scope |= below
        return scope


class Caseworker(models.Model):
    caseworker_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="caseworkers")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Provider(models.Model):
    class Type(models.TextChoices):
        OWN = "egen", "Egen kommune"
        MUNICIPALITY = "anden_kommune", "Anden kommune"
        REGION = "region", "Region"
        PRIVATE = "privat", "Privat"

    provider_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    provider_type = models.CharField(max_length=20, choices=Type.choices)
    municipality = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LeaderUnit(models.Model):
    """A leader's scope: the units (and those below them) whose citizens the leader may see."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leader_units")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE)


class GrantQuerySet(models.QuerySet["Grant"]):
    def visible_to(self, user: Any) -> GrantQuerySet:
        """The grants `user` may see at person level: all for controllers and administrators, the units'
        for a leader, their own citizens' for a caseworker, none for an analyst."""
        roles = roles_of(user)
        if roles & SEES_EVERY_CITIZEN:
            return self.all()
        allowed = models.Q(pk__in=[])
        if Role.LEADER in roles:
            units = set(LeaderUnit.objects.filter(user=user).values_list("unit_id", flat=True))
            allowed |= models.Q(unit_id__in=OrgUnit.subtree_ids(units))
        if Role.CASEWORKER in roles:
            allowed |= models.Q(citizen__grants__caseworker__user=user)
        return self.filter(allowed).distinct()


class CitizenQuerySet(models.QuerySet["Citizen"]):
    def visible_to(self, user: Any) -> CitizenQuerySet:
        return self.filter(pk__in=Grant.objects.visible_to(user).values("citizen_id"))


class Citizen(models.Model):
    """A citizen. The CPR number is stored encrypted, joined on by its keyed pseudonym, shown masked."""

    citizen_id = models.CharField(max_length=64, unique=True)
    cpr = CprField()
    cpr_pseudonym = models.CharField(max_length=64, unique=True)
    cpr_masked = models.CharField(max_length=11)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, blank=True, choices=[("M", "Mand"), ("K", "Kvinde")])
    household_id = models.CharField(max_length=64, blank=True)

    objects = CitizenQuerySet.as_manager()

    def __str__(self) -> str:
        return self.cpr_masked


class Case(models.Model):
    case_id = models.CharField(max_length=64, unique=True)
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="cases")

    def __str__(self) -> str:
        return self.case_id


class Grant(models.Model):
    """A decided grant (bevilling) or an expected one (forventet indsats) with its price and period."""

    class PriceBasis(models.TextChoices):
        DAY = "dag", "pr. dag"
        HOUR = "time", "pr. time"
        MONTH = "maaned", "pr. måned"
        YEAR = "aar", "pr. år"
        ONE_OFF = "engang", "engangsbeløb"

    class Status(models.TextChoices):
        DECIDED = "bevilget", "Bevilget"
        EXPECTED = "forventet", "Forventet"
        ENDED = "afsluttet", "Afsluttet"

    grant_id = models.CharField(max_length=64, unique=True)
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="grants")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="grants")
    paragraph = models.CharField(max_length=16, db_index=True)
    target_group = models.CharField(max_length=20)
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="grants")
    price_basis = models.CharField(max_length=10, choices=PriceBasis.choices)
    rate = rate()
    hours_per_week = models.DecimalField(null=True, blank=True, max_digits=8, decimal_places=2)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DECIDED)
    probability = models.DecimalField(null=True, blank=True, max_digits=5, decimal_places=4)
    acting_municipality = models.CharField(max_length=3)
    paying_municipality = models.CharField(max_length=3)
    own_payment = money(null=True, blank=True)
    caseworker = models.ForeignKey(Caseworker, null=True, blank=True, on_delete=models.SET_NULL, related_name="grants")
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="grants")

    objects = GrantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="grant_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(rate__gte=0), name="grant_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return self.grant_id


class GrantRate(models.Model):
    """A new rate for a grant from a date (a new takst, the yearly P/L regulation)."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="rate_changes")
    valid_from = models.DateField()
    rate = rate()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["grant", "valid_from"], name="one_rate_per_grant_and_day")]


class ProviderRate(models.Model):
    """One price on the provider's list (takstblad): for a paragraph (blank: any paragraph) and price basis,
    valid from a day to a day (open: until further notice). A grant copies the rate it is given; changing the
    list later never changes a grant behind the caseworker's back."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="rates")
    paragraph = models.CharField(max_length=16, blank=True)
    price_basis = models.CharField(max_length=10, choices=Grant.PriceBasis.choices)
    rate = rate()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["paragraph", "price_basis", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="provider_rate_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(rate__gte=0), name="provider_rate_not_negative"),
        ]


class GrantChange(models.Model):
    """One change of a grant: who, when, why, and the fields' old and new values."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.CharField(max_length=150)
    reason = models.TextField()
    fields = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]


class Payment(models.Model):
    """A payment or correction for a grant's service month, as booked in the settlement system.

    `import_key` identifies the row it came from, so that importing the same file twice adds nothing. Imports
    write millions of these: the table carries only the indexes that reads use — (grant, service month) also
    serves look-ups by grant, and the key's unique constraint has no pattern-matching twin.

    The grant is not a foreign-key constraint in the database: PostgreSQL checks such a constraint with one
    query per inserted row, 3.6 s of a million-row import. The import finds every row's grant itself, in the
    transaction that writes the row, and grants are never deleted (they end), so the reference cannot break.
    """

    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, related_name="payments", db_index=False, db_constraint=False
    )
    service_month = models.CharField(max_length=7)
    booked_on = models.DateField()
    amount = money()
    import_key = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["grant", "service_month"])]
        constraints = [models.UniqueConstraint(fields=["import_key"], name="one_payment_per_import_key")]


class Budget(models.Model):
    year = models.IntegerField()
    target_group = models.CharField(max_length=20)
    paragraph = models.CharField(max_length=16)
    unit_id = models.CharField(max_length=64, blank=True, help_text="blank: the whole municipality")
    amount = money()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "target_group", "paragraph", "unit_id"], name="one_budget_per_line")
        ]


class BudgetChange(models.Model):
    """One change of a budget line made in dispo: who, when, why, and the amount before (None when the line
    was added) and after. The budget a committee adopted and every later correction stay traceable."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.CharField(max_length=150)
    reason = models.TextField()
    old_amount = money(null=True, blank=True)
    new_amount = money()

    class Meta:
        ordering = ["-changed_at", "-id"]


class AuditEntry(models.Model):
    """One read or export of person-level data: who, when, what, from where. Never edited."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150)
    action = models.CharField(max_length=40)
    path = models.CharField(max_length=500)
    arguments = models.JSONField(default=dict)
    citizens = models.JSONField(default=list)
    remote_addr = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at"]

    @classmethod
    def record(cls, request: Any, action: str, citizens: list[str], arguments: dict[str, Any] | None = None) -> None:
        """Log one read of person-level data. `citizens` are citizen ids, never CPR numbers."""
        cls.objects.create(
            username=request.user.get_username(),
            action=action,
            path=request.path[:500],
            arguments=arguments if arguments is not None else dict(request.GET.items()),
            citizens=citizens,
            remote_addr=request.META.get("REMOTE_ADDR", "")[:64],
        )


class LedgerVersion(models.Model):
    """A token renewed by every write to the ledger, so that cached tables and forecasts know when they are stale.

    A random token rather than a counter: two databases (a restored backup, a test run) never share one. Bulk
    writes bypass model signals, so the services that write call `bump()` themselves.
    """

    token = models.CharField(max_length=32)

    @classmethod
    def current(cls) -> str:
        return cls.objects.filter(pk=1).values_list("token", flat=True).first() or ""

    @classmethod
    def bump(cls) -> None:
        cls.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
