"""`dispo create-admin`: the first administrator of a new installation."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User

from dispo.cli.main import cli
from dispo.store.access import Role, roles_of

pytestmark = pytest.mark.django_db


def test_it_creates_an_administrator_who_can_log_in() -> None:
    result = CliRunner().invoke(cli, ["create-admin", "karen"], input="Lang-nok-adgangskode-42\n" * 2)
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="karen")
    assert roles_of(user) == {Role.ADMINISTRATOR}
    assert user.check_password("Lang-nok-adgangskode-42")


def test_a_weak_password_is_refused_and_nothing_is_created() -> None:
    result = CliRunner().invoke(cli, ["create-admin", "karen"], input="1234\n1234\n")
    assert result.exit_code == 2
    assert not User.objects.filter(username="karen").exists()
