"""URLs of the controller's calendar (mounted at /kalender/)."""

from django.urls import path

from dispo.web.views import calendar

urlpatterns = [
    path("", calendar.calendar_page, name="calendar"),
]
