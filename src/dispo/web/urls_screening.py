"""URLs of the screening area (mounted at /screening/): expensive single cases across municipalities."""

from django.urls import path

from dispo.web.views import screening

urlpatterns = [
    path("", screening.index, name="screening"),
    path("borger/<str:citizen_id>/", screening.register, name="screening-citizen"),
    path("spoergsmaal/", screening.question_set, name="screening-questions"),
    path("samlet-fil/", screening.export, name="screening-export"),
    path("konsortium/", screening.consortium_page, name="screening-consortium"),
    path("hypoteser/", screening.hypotheses, name="screening-hypotheses"),
    path("kommunerapport/", screening.own_report, name="screening-position"),
]
