"""URLs of the dashboard area (mounted at /overblik/)."""

from django.urls import path

from dispo.web.views import dashboard

urlpatterns = [
    path("", dashboard.overview, name="overview"),
]
