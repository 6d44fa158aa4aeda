from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        """Register the JSON list lookups the filters use and the OpenAPI description of our authentication."""
        from api import schema  # noqa: F401
        from hub import lookups  # noqa: F401
