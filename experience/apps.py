from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperienceConfig(AppConfig):
    name = "experience"
    verbose_name = _("Experience reports")

    def ready(self) -> None:
        """Count a method's figures again when one of this node's labs changes who may see its reports."""
        from experience.services import lab_change_recount
        from hub.publishing import item_change_listener_register

        item_change_listener_register(lab_change_recount)
