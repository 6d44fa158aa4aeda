"""The API's errors as problem details: DRF's exception handler, with the bodies of ``hub.problems``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from hub.problems import PROBLEM_CONTENT_TYPE, Conflict, problem


class ConflictError(exceptions.APIException):
    """A request the state of things refuses (409), naming what it is about as ``errors`` does for a 400."""

    status_code = 409

    def __init__(self, conflict: Conflict) -> None:
        super().__init__(conflict.message)
        self.field = conflict.field


def problem_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's exception handler answering with problem details; None lets other errors become a 500."""
    exc = as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    instance = context["request"].path
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        response.data = problem(400, validation_detail(errors), instance=instance, errors=errors)
    elif isinstance(exc, ConflictError):
        response.data = problem(409, str(exc.detail), instance=instance, errors={exc.field: [str(exc.detail)]})
    else:
        response.data = problem(response.status_code, detail_text(exc.detail), instance=instance)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def as_api_exception(exc: Exception) -> Exception:
    """DRF's exception for Django's validation, permission and not-found errors, keeping the services' messages."""
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, Conflict):
        return ConflictError(exc)
    return exc


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Map each field, nested ones as ``steps.0.title``, to its messages."""
    if isinstance(detail, dict):
        errors: dict[str, list[str]] = {}
        for key, value in detail.items():
            # A nested list's own error (too many steps) is the list's: ``steps``, not ``steps.non_field_errors``.
            name = prefix if prefix and key == api_settings.NON_FIELD_ERRORS_KEY else f"{prefix}.{key}" if prefix else str(key)
            errors |= flatten_errors(value, name)
        return errors
    if isinstance(detail, list):
        errors = {}
        messages = [str(item) for item in detail if not isinstance(item, (dict, list))]
        if messages:
            errors[prefix or api_settings.NON_FIELD_ERRORS_KEY] = messages
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)):
                errors |= flatten_errors(item, f"{prefix}.{index}" if prefix else str(index))
        return errors
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(detail)]}


def validation_detail(errors: dict[str, list[str]]) -> str:
    """A sentence naming the invalid fields, followed by the errors that concern no single field."""
    fields = [name for name in errors if name != api_settings.NON_FIELD_ERRORS_KEY]
    parts = [gettext("These fields are invalid: %(fields)s.") % {"fields": ", ".join(fields)}] if fields else []
    return " ".join(parts + errors.get(api_settings.NON_FIELD_ERRORS_KEY, []))


def detail_text(detail: Any) -> str:
    """The exception's message as one text."""
    if isinstance(detail, str):
        return str(detail)
    return " ".join(message for messages in flatten_errors(detail).values() for message in messages)
