"""URLs of the data sources area (mounted at /datakilder/): extracts, the ottetals-kontrol, quality, checklist."""

from django.urls import path

from dispo.web.views import sources

urlpatterns = [
    path("", sources.index, name="sources"),
    path("indlaes/", sources.upload, name="sources-upload"),
    path("indlaes/<str:token>/", sources.confirm, name="sources-confirm"),
    path("ottetal/", sources.reconciliation, name="sources-reconciliation"),
    path("ottetal/<str:pair>/", sources.reconciliation_lines, name="sources-lines"),
    path("beloeb/", sources.amounts, name="sources-amounts"),
    path("kvalitet/", sources.quality, name="sources-quality"),
    path("tjekliste/", sources.checklist_page, name="sources-checklist"),
]
