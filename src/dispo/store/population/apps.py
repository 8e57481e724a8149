from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "dispo.store.population"
    label = "population"
    verbose_name = "Befolkning"
