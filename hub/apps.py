from django.apps import AppConfig
from django.db import DatabaseError
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Node and labs")

    def ready(self) -> None:
        """Register the JSON list lookups (``target_groups__has``) the selectors and filters use."""
        from hub import lookups, mail  # noqa: F401  (mail: its deploy check)

        post_migrate.connect(descriptor_refresh_after_migrate, sender=self)


def descriptor_refresh_after_migrate(**kwargs) -> None:
    """After every ``migrate`` (as an upgrade runs it), bring the signed descriptor in line with this version's rules."""
    from hub.services.descriptor import node_descriptor_refresh

    try:
        node_descriptor_refresh()
    except DatabaseError:  # the node's tables were just migrated away (``migrate hub zero``)
        return
