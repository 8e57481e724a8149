"""URLs of the reports area (mounted at /rapporter/): the management-information reports."""

from django.urls import path

from dispo.web.views import reports

urlpatterns = [
    path("", reports.index, name="reports"),
    path("sagsbehandlere/", reports.caseworker_overview, name="report-caseworkers"),
    path("sagsbehandlere/<str:caseworker_id>/", reports.caseworker_report, name="report-caseworker"),
    path("sde/", reports.expensive_case_list, name="report-sde"),
    path("novemberlisten/", reports.november, name="report-november"),
    path("leverandoerer/", reports.provider_paragraphs, name="report-providers"),
    path("leverandoerer/<str:code>/", reports.provider_paragraph, name="report-provider-list"),
]
