"""The admin for the node, its labs and the change log."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hub.admin_base import ItemAdmin
from hub.models import ChangeLogEntry, Lab, Node
from hub.services.labs import LAB_FIELDS, lab_create, lab_delete, lab_update

admin.site.site_header = _("Stadtlabor Hub administration")
admin.site.site_title = _("Stadtlabor Hub")
admin.site.index_title = _("Content of this node")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reference; written only by the node itself."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Node)
class NodeAdmin(ReadOnlyAdmin):
    list_display = ("name", "city", "iri", "is_local", "pinned_at")
    search_fields = ("name", "city", "iri")


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(ReadOnlyAdmin):
    list_display = ("position", "item_type", "iri", "version", "visibility", "deleted", "recorded_at")
    list_filter = ("item_type", "deleted", "visibility")
    search_fields = ("iri",)
    exclude = ("document",)


@admin.register(Lab)
class LabAdmin(ItemAdmin):
    create = staticmethod(lab_create)
    update = staticmethod(lab_update)
    delete = staticmethod(lab_delete)
    item_argument = "lab"
    writable_fields = LAB_FIELDS
    list_display = ("name", "city", "origin", "visibility", "version", "date_modified")
    list_filter = ("visibility", "origin")
    search_fields = ("name", "city", "description")
    prepopulated_fields = {"slug": ("name",)}

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "slug") if obj is not None else fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields
