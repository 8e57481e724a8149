"""Who may see what (DESIGN.md §6): roles are Django groups; person-level data is filtered by role."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    CONTROLLER = "controller"
    LEADER = "leder"
    CASEWORKER = "sagsbehandler"
    ANALYST = "analytiker"


LABELS = {
    Role.ADMINISTRATOR: "Systemadministrator",
    Role.CONTROLLER: "Controller",
    Role.LEADER: "Leder",
    Role.CASEWORKER: "Sagsbehandler",
    Role.ANALYST: "Analytiker",
}
SEES_EVERY_CITIZEN = frozenset({Role.ADMINISTRATOR, Role.CONTROLLER})


def roles_of(user: Any) -> set[Role]:
    if user is None or not user.is_authenticated:
        return set()
    cached: set[Role] | None = getattr(user, "_dispo_roles", None)
    if cached is None:
        # Asked several times per request (menu, page, visible_to): one query per user object.
        names = set(user.groups.values_list("name", flat=True))
        cached = {role for role in Role if role.value in names}
        user._dispo_roles = cached
    return set(cached)
