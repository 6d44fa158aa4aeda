"""Services that write the node's own data; see each module."""

from hub.services.changelog import (
    Change,
    changelog_move_on,
    changelog_record,
    changelog_record_many,
)
from hub.services.items import MirroredItemError, raise_if_not_local
from hub.services.labs import lab_create, lab_delete, lab_update
from hub.services.node import NodeInit, node_init
from hub.services.privacy import privacy_notice_publish
from hub.services.roles import role_grant, role_revoke

__all__ = [
    "Change",
    "MirroredItemError",
    "NodeInit",
    "changelog_move_on",
    "changelog_record",
    "changelog_record_many",
    "lab_create",
    "lab_delete",
    "lab_update",
    "node_init",
    "privacy_notice_publish",
    "raise_if_not_local",
    "role_grant",
    "role_revoke",
]
