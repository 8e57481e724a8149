"""URLs of the reports area."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
