from django.apps import AppConfig


class FollowUpsConfig(AppConfig):
    name = "dispo.store.followups"
    label = "followups"
    verbose_name = "Budgetopfølgninger"
