from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "dispo.web"
    label = "web"
    verbose_name = "dispo web"
