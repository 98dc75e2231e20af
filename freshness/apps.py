from django.apps import AppConfig


class FreshnessConfig(AppConfig):
    name = "freshness"
    verbose_name = "Freshness of kept pages"

    def ready(self) -> None:
        from freshness.table import connect

        connect()
