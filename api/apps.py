from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        """Register the OpenAPI description of our authentication."""
        from api import schema  # noqa: F401
