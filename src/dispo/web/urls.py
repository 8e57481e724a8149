"""The site's URLs: one module per area, each owned by the views of that concept."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from dispo.web.auth import LockoutLoginView
from dispo.web.views import citizens, followup

urlpatterns = [
    path("", followup.followup, name="followup"),
    path("paragraf/<str:code>/", followup.paragraph_grants, name="paragraph"),
    path("borger/<str:citizen_id>/", citizens.citizen_detail, name="citizen"),
    path("bevilling/<str:grant_id>/", citizens.grant_detail, name="grant"),
    path("login/", LockoutLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("rapporter/traefsikkerhed/", include("dispo.web.urls_accuracy")),
    path("rapporter/", include("dispo.web.urls_reports")),
    path("registrering/", include("dispo.web.urls_ledger")),
    path("administration/", include("dispo.web.urls_admin")),
    path("overblik/", include("dispo.web.urls_dashboard")),
    path("sagsgennemgang/", include("dispo.web.urls_reviews")),
    path("kalender/", include("dispo.web.urls_calendar")),
    path("screening/", include("dispo.web.urls_screening")),
    path("opfoelgning/", include("dispo.web.urls_followups")),
    path("indsatstrappen/", include("dispo.web.urls_staircase")),
    path("datakilder/", include("dispo.web.urls_sources")),
]
