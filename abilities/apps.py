from django.apps import AppConfig


class AbilitiesConfig(AppConfig):
    name = "abilities"
