"""URLs of the forecast-accuracy page (mounted at /rapporter/traefsikkerhed/)."""

from django.urls import path

from dispo.web.views import accuracy

urlpatterns = [path("", accuracy.accuracy, name="accuracy")]
