"""The admin's way with items: local ones are written through their services, mirrored ones only read.

Who may do what follows the roles of ``hub.roles``, not Django's model permissions: anyone with a
role views, lab editors and node administrators write the items of their labs, and the services
check every write again with the person acting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from hub.choices import PUBLISHED, Visibility
from hub.models import FederatedItem, Lab
from hub.roles import grants_of, labs_editable
from hub.selectors import local_node
from hub.services.items import UNPUBLISH_MESSAGE, slug_error


def item_writable(request: HttpRequest, obj: FederatedItem | None) -> bool:
    """Whether the person may write this item (one of this node's, of a lab they edit), or, without one, some item."""
    grants = grants_of(request.user)
    if obj is None:
        return grants.writes_items
    return obj.is_local and grants.may_edit(obj.lab_id)


class ItemAdminForm(forms.ModelForm):
    """Runs the services' checks that need more than the form's own fields, so errors show at the field."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        instance = self.instance
        if instance.pk and instance.visibility in PUBLISHED and cleaned.get("visibility") == Visibility.DRAFT:
            self.add_error("visibility", ValidationError(UNPUBLISH_MESSAGE))
        if cleaned.get("slug"):
            probe = type(instance)(pk=instance.pk, origin=instance.origin if instance.pk else local_node())
            probe.slug = cleaned["slug"]
            error = slug_error(probe)
            if error:
                self.add_error("slug", error)
        return cleaned


class ItemAdmin(admin.ModelAdmin):
    """Lists local and mirrored items; writes local ones through ``create``/``update``/``delete``."""

    form = ItemAdminForm
    create: Callable[..., FederatedItem]
    update: Callable[..., FederatedItem]
    delete: Callable[..., None]
    item_argument: str
    writable_fields: tuple[str, ...]
    list_select_related = ("origin",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ("iri", "origin", "version", "date_created", "date_modified")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return grants_of(request.user).reads_network

    def has_view_permission(self, request: HttpRequest, obj: FederatedItem | None = None) -> bool:
        return grants_of(request.user).reads_network

    def has_add_permission(self, request: HttpRequest) -> bool:
        return grants_of(request.user).writes_items

    def has_change_permission(self, request: HttpRequest, obj: FederatedItem | None = None) -> bool:
        return self.may_write(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: FederatedItem | None = None) -> bool:
        return self.may_write(request, obj)

    def may_write(self, request: HttpRequest, obj: FederatedItem | None) -> bool:
        """Whether the person may write this item, or some item."""
        return item_writable(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Lab:
            kwargs["queryset"] = labs_editable(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_arguments(self, request: HttpRequest, obj: FederatedItem, form) -> dict[str, Any]:
        """The fields the form set (new item) or changed (existing one), as service arguments."""
        names = form.cleaned_data if obj.pk is None else form.changed_data
        return {name: form.cleaned_data[name] for name in names if name in self.writable_fields}

    def save_model(self, request: HttpRequest, obj: FederatedItem, form, change: bool) -> None:
        arguments = self.service_arguments(request, obj, form)
        if change:
            saved = self.update(**{self.item_argument: obj}, actor=request.user, **arguments)
        else:
            saved = self.create(actor=request.user, **arguments)
        obj.__dict__.update(saved.__dict__)

    def delete_model(self, request: HttpRequest, obj: FederatedItem) -> None:
        try:
            self.delete(**{self.item_argument: obj}, actor=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        # Django's delete action has asked has_delete_permission for every chosen item before this.
        for obj in queryset:
            self.delete_model(request, obj)
