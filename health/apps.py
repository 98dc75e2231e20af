from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = "Configuration health"

    def ready(self) -> None:
        from health.counts import keep_counts

        keep_counts()
