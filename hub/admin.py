"""The admin for the node, its labs, the change log, and the roles on the user page."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from hub.admin_base import ItemAdmin
from hub.models import ChangeLogEntry, Lab, LabEditor, Node
from hub.roles import ROLE_GROUPS, Role, grants_of, labs_editable, roles_described
from hub.services.labs import LAB_FIELDS, lab_create, lab_delete, lab_update
from hub.services.roles import role_grant, role_revoke

admin.site.site_header = _("Stadtlabor Hub administration")
admin.site.site_title = _("Stadtlabor Hub")
admin.site.index_title = _("Content of this node")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reference to node administrators; written only by the node itself."""

    def has_module_permission(self, request) -> bool:
        return grants_of(request.user).node_admin

    def has_view_permission(self, request, obj=None) -> bool:
        return grants_of(request.user).node_admin

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

    def has_add_permission(self, request) -> bool:
        return grants_of(request.user).node_admin

    def may_write(self, request, obj) -> bool:
        """Labs are written by node administrators only, and only this node's."""
        return grants_of(request.user).node_admin and (obj is None or obj.is_local)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "slug") if obj is not None else fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields


class LabEditorInline(admin.TabularInline):
    """The labs a person edits (the role lab editor), granted and revoked through the role services."""

    model = LabEditor
    fk_name = "user"
    extra = 0
    fields = ("lab", "granted_at")
    readonly_fields = ("granted_at",)
    verbose_name = _("lab edited")
    verbose_name_plural = _("Lab editing: the labs whose items this person writes")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lab":
            kwargs["queryset"] = labs_editable(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PersonAdmin(UserAdmin):
    """Django's user page, with the person's roles shown and the labs they edit managed."""

    inlines = [LabEditorInline]
    list_display = (*UserAdmin.list_display, "roles")
    readonly_fields = ("roles",)
    fieldsets = (
        *UserAdmin.fieldsets[:2],
        (_("Roles on this node"), {
            "fields": ("roles", "groups"),
            "description": _(
                "Node administration and coordination are the groups “%(admins)s” and “%(coordinators)s”; "
                "lab editing is granted per lab below. Staff status only lets a person into this "
                "administration; it grants nothing by itself. Superusers count as node administrators."
            ) % {"admins": ROLE_GROUPS[Role.NODE_ADMIN], "coordinators": ROLE_GROUPS[Role.COORDINATOR]},
        }),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")}),
        *UserAdmin.fieldsets[3:],
    )

    @admin.display(description=_("roles"))
    def roles(self, obj) -> str:
        """The person's roles in words."""
        return "; ".join(roles_described(obj)) if obj.pk else ""

    def save_formset(self, request, form, formset, change) -> None:
        """Lab editing changes through the role services, as ``manage.py grant`` makes them."""
        if formset.model is not LabEditor:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        person = form.instance
        for row in formset.deleted_objects:
            role_revoke(user=person, role=Role.LAB_EDITOR, lab=row.lab, actor=request.user)
        for row, _changed in formset.changed_objects:
            role_revoke(user=person, role=Role.LAB_EDITOR, lab=LabEditor.objects.get(pk=row.pk).lab, actor=request.user)
            role_grant(user=person, role=Role.LAB_EDITOR, lab=row.lab, actor=request.user)
        for row in formset.new_objects:
            role_grant(user=person, role=Role.LAB_EDITOR, lab=row.lab, actor=request.user)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), PersonAdmin)
