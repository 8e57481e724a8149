"""URLs of the case review (mounted at /sagsgennemgang/)."""

from django.urls import path

from dispo.web.views import reviews

urlpatterns = [
    path("", reviews.index, name="reviews"),
    path("opfoelgning/<int:followup_id>/dan/", reviews.build, name="reviews-build"),
    path("<int:review_id>/", reviews.review_detail, name="review"),
    path("<int:review_id>/svar/<int:item_id>/<str:question_id>/", reviews.answer_question, name="review-answer"),
    path("<int:review_id>/godkend/", reviews.sign_off, name="review-sign-off"),
]
