"""What the OpenAPI description needs beyond what drf-spectacular sees: the OAuth 2.0 scheme and problem details."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_mock_request
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from oauth2_provider.scopes import get_scopes_backend
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.views import APIView

from api.fields import ANY_TEXT
from api.permissions import WRITE_SCOPE
from events.registrations.tokens import TOKEN_PATTERN
from hub.access import READING_SCOPES
from hub.choices import PUBLISHED, Visibility
from hub.problems import PROBLEM_CONTENT_TYPE


def published_visibilities() -> list[tuple[str, str]]:
    """The visibilities of a published item (public, network), for the schema's enumeration of their name."""
    return [(value, label) for value, label in Visibility.choices if value in PUBLISHED]


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """OAuth 2.0 with this node's endpoints and scopes: reads work without a token, writes need ``write``."""

    target_class = "api.authentication.BearerTokenAuthentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema: AutoSchema) -> list[dict] | dict:
        """Reads: a token with read or federation for network items, or none; writes: scope write."""
        if auto_schema.method in SAFE_METHODS:
            return [{self.name: [scope]} for scope in sorted(READING_SCOPES)] + [{}]
        return {self.name: [WRITE_SCOPE]}

    def get_security_definition(self, auto_schema: AutoSchema) -> dict:
        """The client-credentials flow of scripts and peers, the only one this node mounts."""
        scopes = {name: str(text) for name, text in get_scopes_backend().get_all_scopes().items()}
        return {
            "type": "oauth2",
            "flows": {"clientCredentials": {"tokenUrl": reverse("oauth2_provider:token"), "scopes": scopes}},
        }


class StatedFieldExtension(OpenApiSerializerFieldExtension):
    """What an ``api.fields.Stated`` field takes beyond its type: patterns, unique items, enumerations."""

    target_class = "api.fields.Stated"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: AutoSchema, direction: str) -> dict:
        """drf-spectacular's description of the field with the field's own statement added."""
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return schema | self.target.stated_schema()


class ProblemSerializer(serializers.Serializer):
    """An error as RFC 9457 problem details."""

    type = serializers.CharField(help_text="always about:blank: the status says what went wrong")
    title = serializers.CharField(help_text="the status's name, in the request's language")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="what went wrong in this request, in the request's language")
    instance = serializers.CharField(required=False, help_text="the path of the request")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="for invalid input (400): each field, nested ones as steps.0.title, with its messages",
    )


# The secret from a registration's mail: 43 characters of URL-safe base64 (256 bits).
TOKEN_PARAMETER = OpenApiParameter(
    "token", {"type": "string", "pattern": f"^{TOKEN_PATTERN}$"}, OpenApiParameter.PATH,
    description="The last segment of the link in the registration's mails.",
)


def problems(*statuses: int) -> dict:
    """OpenAPI responses with problem details for these statuses, and for 429 and 500, which any request can meet."""
    return {
        (status, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, description=HTTPStatus(status).phrase)
        for status in sorted({*statuses, 429, 500})
    }


def refuse_unknown_fields(result: dict, **kwargs) -> dict:
    """Say in the schema what the API does: a request body with a field it does not know gets a 400.

    A postprocessing hook of drf-spectacular; the request bodies are the components ending in
    ``Request`` (``COMPONENT_SPLIT_REQUEST``).
    """
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result


# Request bodies whose omitted fields keep the item's value (PATCH) or the adapted card's (adapt), with
# the fields they require.
PARTIAL_BODIES = {"PatchedMethodInputRequest": [], "PatchedEventInputRequest": [], "MethodAdaptInputRequest": ["lab"]}


def request_defaults_as_applied(result: dict, **kwargs) -> dict:
    """Say in the schema which defaults a write applies to omitted fields, and that a partial write applies none.

    A postprocessing hook of drf-spectacular. It puts a ``default`` that drf-spectacular left inside
    the first alternative of a "value or empty" ``oneOf`` beside it, where it means something. A
    partial write (PATCH, adapt) changes only the fields it gives: its body requires only what its
    view requires and shows no defaults, because an omitted field keeps its value.
    """
    schemas = result.get("components", {}).get("schemas", {})
    for name, component in schemas.items():
        if not name.endswith("Request"):
            continue
        partial = name in PARTIAL_BODIES
        for field in component.get("properties", {}).values():
            default = [alternative.pop("default") for alternative in field.get("oneOf", []) if "default" in alternative]
            if partial:
                field.pop("default", None)
            elif default:
                field["default"] = default[0]
        if partial:
            component.pop("required", None)
            if PARTIAL_BODIES[name]:
                component["required"] = PARTIAL_BODIES[name]
    return result


def query_parameters_as_read(result: dict, **kwargs) -> dict:
    """Say in the schema how the API reads query values: empty counts as not given, and never a NUL.

    A postprocessing hook of drf-spectacular. The filters and the pages read an empty value (``?phase=``)
    as no filter, as the HTML forms send one for every filter left open; a NUL character anywhere in
    the query is a 400 (``config.middleware``); any other value the schema calls invalid is a 400 too.
    """
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    parameter["allowEmptyValue"] = True
                    refuse_nul(parameter["schema"])
    return result


def refuse_nul(schema: dict) -> None:
    """A pattern without NUL for a free text parameter (one with no enumeration, format or pattern of its own)."""
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
        schema["pattern"] = ANY_TEXT


def anonymous_mock_request(
    method: str, path: str, view: APIView, original_request: Request | None, **kwargs
) -> Request:
    """drf-spectacular's mock request, reading as an anonymous reader when no real request is at hand.

    Without this, describing the views outside a request (``manage.py spectacular``, ``check
    --deploy``) would authenticate a request for the host ``testserver``, which production refuses.
    """
    request = build_mock_request(method, path, view, original_request, **kwargs)
    if original_request is None:
        request.user, request.auth = AnonymousUser(), None
    return request
