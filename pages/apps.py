from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class PagesConfig(AppConfig):
    name = "pages"

    def ready(self):
        checks.register(shared_rate_limits, checks.Tags.security, deploy=True)


def shared_rate_limits(app_configs, **kwargs):
    """Rate limits counted in one process's memory are per worker: say so before deploying."""
    backend = settings.CACHES[settings.RATELIMIT_USE_CACHE]["BACKEND"]
    if backend.endswith("locmem.LocMemCache"):
        return [
            checks.Warning(
                "Rate limits are counted in each process's memory, so N workers allow N times "
                "the configured rates.",
                hint="Set REDIS_URL so every worker shares one count.",
                id="gruuv.W001",
            )
        ]
    return []
