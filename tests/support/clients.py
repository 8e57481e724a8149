"""Logging a Django test client in as one of the demo users."""

from __future__ import annotations

from django.test import Client


def logged_in(users: dict[str, str], username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=users[username])
    return client
