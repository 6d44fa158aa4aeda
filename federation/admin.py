"""The federation's records in the admin, read-only for node administrators: what the node pulls, refuses, holds
and keeps until it knows the type.

Peers, blocks and keys are managed with ``manage.py peer`` and the staff pages (docs/protocol.md §8);
here an administrator looks things up. The credentials a peer row keeps (our client secret at the peer,
the access token) are never shown.
"""

from django.contrib import admin

from federation.models import (
    Block,
    HeldDocument,
    KeyPin,
    Peer,
    RejectedCopy,
    SkippedDocument,
    SyncRun,
)
from hub.admin import ReadOnlyAdmin


@admin.register(Peer)
class PeerAdmin(ReadOnlyAdmin):
    list_display = ("node", "created_at", "last_success_at", "failures", "items_applied", "last_error_at")
    search_fields = ("node__iri", "node__name", "node__city")
    fields = ("node", "created_at", "cursor", "last_success_at", "failures", "next_attempt_at", "last_error",
              "last_error_at", "nudged_at", "sync_started_at", "items_applied")


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ("peer", "started_at", "finished_at", "applied", "skipped", "rejected", "held", "kept", "removed",
                    "stopped")
    list_filter = ("peer",)
    date_hierarchy = "started_at"


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ("origin", "status", "reason", "created_at", "created_by", "proposed_by")
    list_filter = ("status",)
    search_fields = ("origin", "reason")


@admin.register(KeyPin)
class KeyPinAdmin(ReadOnlyAdmin):
    list_display = ("node", "source", "pinned_at", "pinned_by", "attempts", "next_check_at")
    list_filter = ("source",)
    search_fields = ("node__iri", "node__name")


@admin.register(HeldDocument)
class HeldDocumentAdmin(ReadOnlyAdmin):
    list_display = ("iri", "version", "origin", "peer", "reason", "attempts", "next_attempt_at", "received_at")
    search_fields = ("iri", "origin")


@admin.register(RejectedCopy)
class RejectedCopyAdmin(ReadOnlyAdmin):
    list_display = ("iri", "version", "origin", "peer", "reason", "attempts", "next_attempt_at", "rejected_at")
    search_fields = ("iri", "origin")


@admin.register(SkippedDocument)
class SkippedDocumentAdmin(ReadOnlyAdmin):
    list_display = ("iri", "item_type", "version", "deleted", "origin", "peer", "size", "first_seen_at", "received_at")
    list_filter = ("item_type",)
    search_fields = ("iri", "origin")
