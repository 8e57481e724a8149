"""URLs of the follow-ups (mounted at /opfoelgning/): the year's frozen monthly follow-ups and their reports."""

from django.urls import path

from dispo.web.views import followups

urlpatterns = [
    path("", followups.index, name="followups"),
    path("ny/", followups.create, name="followup-create"),
    path("serie/", followups.series, name="followup-series"),
    path("<int:followup_id>/", followups.detail, name="followup-detail"),
    path("<int:followup_id>/godkend/", followups.approve_view, name="followup-approve"),
    path("<int:followup_id>/linje/<int:line_id>/", followups.line_detail, name="followup-line"),
    path("<int:followup_id>/linje/<int:line_id>/kommentar/", followups.comment, name="followup-comment"),
]
