from django.apps import AppConfig


class StaircasesConfig(AppConfig):
    name = "dispo.store.staircases"
    label = "staircases"
    verbose_name = "Indsatstrapper"
