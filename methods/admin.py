"""The admin for method cards; a card's steps are saved with it through the service."""

from typing import Any

from django import forms
from django.contrib import admin

from hub.admin_base import ItemAdmin, ItemAdminForm, item_writable
from hub.choices import TargetGroup
from hub.forms import item_form_class
from hub.roles import grants_of
from methods.models import MethodCard, MethodStep
from methods.services import METHOD_FIELDS, method_create, method_delete, method_update

MethodCardForm = item_form_class(
    MethodCard,
    ItemAdminForm,
    choice_lists={"target_groups": TargetGroup},
    lines=("materials", "roles", "keywords", "translations"),
    commas=(),
)


class MethodStepInline(admin.TabularInline):
    """A card's steps, editable by whoever may write the card (the roles, not Django's model permissions)."""

    model = MethodStep
    fields = ("position", "title", "text")
    extra = 1
    formfield_overrides = {MethodStep._meta.get_field("text").__class__: {"widget": forms.Textarea(attrs={"rows": 2})}}

    def has_view_permission(self, request, obj=None) -> bool:
        return grants_of(request.user).reads_network

    def has_add_permission(self, request, obj=None) -> bool:
        return item_writable(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return item_writable(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return item_writable(request, obj)


@admin.register(MethodCard)
class MethodCardAdmin(ItemAdmin):
    form = MethodCardForm
    create = staticmethod(method_create)
    update = staticmethod(method_update)
    delete = staticmethod(method_delete)
    item_argument = "method"
    writable_fields = METHOD_FIELDS
    inlines = [MethodStepInline]
    list_display = ("title", "phase", "lab", "origin", "language", "visibility", "version", "date_modified")
    list_filter = ("phase", "difficulty", "language", "visibility", "origin")
    search_fields = ("title", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}

    def service_arguments(self, request, obj, form) -> dict[str, Any]:
        arguments = super().service_arguments(request, obj, form)
        formset = self._steps_formset(request, obj)
        if obj.pk is None or formset.has_changed():
            arguments["steps"] = _steps_from(formset)
        return arguments

    def save_formset(self, request, form, formset, change) -> None:
        """Steps were saved with the card by the service; the inline writes nothing itself."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def _steps_formset(self, request, obj):
        inline = MethodStepInline(self.model, self.admin_site)
        formset_class = inline.get_formset(request, obj if obj.pk else None)
        formset = formset_class(request.POST, request.FILES, instance=obj, prefix=formset_class.get_default_prefix())
        formset.is_valid()
        return formset


def _steps_from(formset) -> list[dict[str, str]]:
    kept = [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("title")
    ]
    kept.sort(key=lambda data: data.get("position") or 0)
    return [{"title": data["title"], "text": data.get("text", "")} for data in kept]
