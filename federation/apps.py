from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        """Sign the kernel's change-log documents with this app's codecs (``hub.publishing``)."""
        from federation.publisher import NetworkPublisher
        from hub.publishing import publisher_register

        publisher_register(NetworkPublisher())
