"""Form fields for the list-valued item fields, shared by the admin and the staff pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class LinesField(forms.CharField):
    """A list of short texts edited one per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: object) -> object:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: object) -> list[str]:
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial: object, data: object) -> bool:
        return (initial or []) != self.to_python(data)


class CommaListField(LinesField):
    """A list of short codes edited as one comma-separated line (languages: de, en)."""

    widget = forms.TextInput

    def prepare_value(self, value: object) -> object:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: object) -> list[str]:
        text = forms.CharField.to_python(self, value) or ""
        return [part.strip() for part in text.split(",") if part.strip()]


class ChoiceListField(forms.TypedMultipleChoiceField):
    """A list of values from a controlled list, edited as check boxes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, choices, **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=choices, **kwargs)


def list_field_overrides(model: type, choice_lists: dict[str, type], lines: tuple[str, ...], commas: tuple[str, ...]) -> dict:
    """Form fields for a model's JSON list fields, keeping their verbose names and validators."""
    fields = {}
    for name in (*choice_lists, *lines, *commas):
        model_field = model._meta.get_field(name)
        common = {"label": capfirst(model_field.verbose_name), "required": False, "validators": model_field.validators}
        if name in choice_lists:
            fields[name] = ChoiceListField(choices=choice_lists[name].choices, **common)
        elif name in lines:
            fields[name] = LinesField(help_text=_("One entry per line."), **common)
        else:
            fields[name] = CommaListField(**common)
    return fields



def model_formfield(model_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """The default form field, with web addresses typed without a scheme taken as https."""
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


def item_form_class(model: type, base: type[forms.ModelForm], **lists: Any) -> type[forms.ModelForm]:
    """A ModelForm class for ``model`` whose JSON list fields get the list fields above."""
    attrs: dict[str, Any] = list_field_overrides(model, **lists)
    attrs["Meta"] = type(
        "Meta", (), {"model": model, "fields": "__all__", "formfield_callback": staticmethod(model_formfield)}
    )
    return type(f"{model.__name__}Form", (base,), attrs)
