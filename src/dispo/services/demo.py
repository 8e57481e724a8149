"""The demo municipality: a synthetic world imported into the database, and one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.db import transaction

from dispo.services import sources
from dispo.services.importing import import_ledger
from dispo.services.ledger import Ledger
from dispo.services.synth import write_world
from dispo.services.synth.sources import write_sources
from dispo.store.access import Role
from dispo.store.knowledge.loading import import_known
from dispo.store.models import Caseworker, Grant, LeaderUnit, OrgUnit


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: Role
    note: str
    name: str = ""


def load_demo_world(folder: Path, today: date, seed: int = 1) -> None:
    """Write the synthetic demo world to `folder` and import it with the dates each grant became known, and keep
    the world's three source exports (with their known disagreements) as the source extracts of the
    ottetals-kontrol (no-op if grants are already stored)."""
    if Grant.objects.exists():
        return
    write_world("demo", seed, folder, today=today)
    import_ledger(Ledger.from_folder(folder), user="demo", reason="Indlæsning af demodata")
    import_known(folder / "known.csv")
    write_sources(folder, folder / "kilder", seed, today)
    sources.seed_demo(folder / "kilder")


@transaction.atomic
def create_demo_users() -> list[DemoUser]:
    """One user per role with a known password (the demo only). Caseworker users own real demo caseloads."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    caseworkers = list(Caseworker.objects.order_by("caseworker_id")[:2])
    unit = OrgUnit.objects.filter(parent__isnull=True).order_by("name").first()
    users = [
        DemoUser("controller", "demo-controller", Role.CONTROLLER, "ser alt", "Karen Demo-Controller"),
        DemoUser("admin", "demo-admin", Role.ADMINISTRATOR, "brugere og stamdata", "Søren Demo-Admin"),
        DemoUser("analytiker", "demo-analytiker", Role.ANALYST, "kun tal på aggregeret niveau", "Ali Demo-Analytiker"),
        DemoUser("leder", "demo-leder", Role.LEADER, f"enheden {unit.name if unit else '–'}", "Lene Demo-Leder"),
    ]
    users += [
        DemoUser(f"sagsbehandler{i}", f"demo-sagsbehandler{i}", Role.CASEWORKER, f"{c.name}s borgere", c.name)
        for i, c in enumerate(caseworkers, start=1)
    ]
    for demo in users:
        user, _ = User.objects.get_or_create(username=demo.username)
        user.first_name, _, user.last_name = demo.name.partition(" ")
        user.set_password(demo.password)
        user.save()
        user.groups.set([Group.objects.get(name=demo.role.value)])
    for i, caseworker in enumerate(caseworkers, start=1):
        caseworker.user = User.objects.get(username=f"sagsbehandler{i}")
        caseworker.save(update_fields=["user"])
    if unit is not None:
        LeaderUnit.objects.get_or_create(user=User.objects.get(username="leder"), unit=unit)
    return users
