from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Node and labs")

    def ready(self) -> None:
        """Register the JSON list lookups (``target_groups__has``) the selectors and filters use."""
        from hub import lookups  # noqa: F401
