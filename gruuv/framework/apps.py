from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    name = "gruuv.framework"
    label = "framework"
    verbose_name = "Framework files"
