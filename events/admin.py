"""The admin for events."""

from django.contrib import admin

from events.models import Event
from events.services import EVENT_FIELDS, event_create, event_delete, event_update
from hub.admin_base import ItemAdmin, ItemAdminForm
from hub.choices import AccessibilityFeature, TargetGroup
from hub.forms import item_form_class

_EventForm = item_form_class(
    Event,
    ItemAdminForm,
    choice_lists={"target_groups": TargetGroup, "accessibility_features": AccessibilityFeature},
    lines=("keywords", "method_iris"),
    commas=("languages",),
)
NONE_WHEN_EMPTY = ("held_back_seats", "max_companions")  # registration fields: left empty, none


class EventForm(_EventForm):
    """The admin's event form; seats held back and companions may be left empty (none)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in NONE_WHEN_EMPTY:
            if name in self.fields:
                self.fields[name].required = False

    def clean(self) -> dict:
        """Read an empty count as none before the model's checks run."""
        for name in NONE_WHEN_EMPTY:
            if name in self.fields and self.cleaned_data.get(name) is None and name not in self.errors:
                self.cleaned_data[name] = 0
        return super().clean()


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
