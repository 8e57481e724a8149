from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "dispo.store.knowledge"
    label = "knowledge"
    verbose_name = "Beslutnings- og registreringsdatoer"
