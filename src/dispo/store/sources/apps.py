from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "dispo.store.sources"
    label = "sources"
    verbose_name = "Datakilder"
