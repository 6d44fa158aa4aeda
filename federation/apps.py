from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        """Sign the kernel's change-log documents with this app's codecs (``hub.publishing``), and refuse
        the tokens of blocked nodes wherever the kernel checks who reads network items (``hub.access``)."""
        from federation.blocks import token_refusal
        from federation.publisher import NetworkPublisher
        from hub.access import peer_token_check_register
        from hub.publishing import publisher_register

        publisher_register(NetworkPublisher())
        peer_token_check_register(lambda token: token_refusal(application_id=token.application_id) is None)
