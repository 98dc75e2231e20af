from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    name = "framework"
    label = "framework"
    verbose_name = "Framework files"
