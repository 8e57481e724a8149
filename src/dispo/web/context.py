"""What every template knows: the municipality, and the signed-in user's roles (for the menu)."""

from django.conf import settings
from django.http import HttpRequest

from dispo.store.access import roles_of


def municipality(request: HttpRequest) -> dict[str, object]:
    return {
        "municipality_name": settings.MUNICIPALITY_NAME,
        "user_roles": {role.value for role in roles_of(getattr(request, "user", None))},
    }
