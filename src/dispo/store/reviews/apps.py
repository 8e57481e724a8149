from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "dispo.store.reviews"
    label = "reviews"
    verbose_name = "Sagsgennemgange"
