"""URLs of the staircase area (mounted at /indsatstrappen/)."""

from django.urls import path

from dispo.web.views import staircase

urlpatterns = [
    path("", staircase.picture, name="staircase-picture"),
    path("bevaegelser/", staircase.movements, name="staircase-movements"),
    path("bevaegelser/borgere/", staircase.moved_citizens, name="staircase-moved-citizens"),
    path("udgiftsvaekst/", staircase.why, name="staircase-why"),
    path("gennemsnit/", staircase.averages, name="staircase-averages"),
    path("gennemsnit/bevilling/", staircase.grant_average, name="staircase-grant-average"),
    path("modeller/", staircase.model_list, name="staircase-models"),
    path("modeller/ret/", staircase.model_edit, name="staircase-model-edit"),
]
