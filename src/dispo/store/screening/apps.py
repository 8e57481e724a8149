from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "dispo.store.screening"
    label = "screening"
    verbose_name = "Screening af særligt dyre enkeltsager"
