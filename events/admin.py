"""The admin for events."""

from django.contrib import admin

from events.models import Event
from events.services import EVENT_FIELDS, event_create, event_delete, event_update
from hub.admin_base import ItemAdmin, ItemAdminForm
from hub.choices import AccessibilityFeature, TargetGroup
from hub.forms import item_form_class

EventForm = item_form_class(
    Event,
    ItemAdminForm,
    choice_lists={"target_groups": TargetGroup, "accessibility_features": AccessibilityFeature},
    lines=("keywords", "method_iris"),
    commas=("languages",),
)


@admin.register(Event)
class EventAdmin(ItemAdmin):
    form = EventForm
    create = staticmethod(event_create)
    update = staticmethod(event_update)
    delete = staticmethod(event_delete)
    item_argument = "event"
    writable_fields = EVENT_FIELDS
    list_display = ("title", "start", "timezone", "lab", "origin", "status", "visibility", "version")
    list_filter = ("status", "attendance_mode", "visibility", "origin")
    search_fields = ("title", "description", "place_name")
    date_hierarchy = "start"
