from django.apps import AppConfig


class AbilitiesConfig(AppConfig):
    name = "abilities"

    def ready(self) -> None:
        from abilities.health import keep_counts

        keep_counts()
