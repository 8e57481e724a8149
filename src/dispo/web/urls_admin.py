"""URLs of the admin area."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
