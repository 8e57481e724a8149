from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "dispo.store"
    label = "store"
    verbose_name = "Dispositionsregnskab"
