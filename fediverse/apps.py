from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FediverseConfig(AppConfig):
    name = "fediverse"
    verbose_name = _("Fediverse")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Be told of every committed change of a published local item (``hub.publishing``), to deliver it."""
        from fediverse.announcing import item_change_heard
        from hub.publishing import item_change_listener_register

        item_change_listener_register(item_change_heard)
