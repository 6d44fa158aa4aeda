"""Settings for Django REST framework and drf-spectacular, imported by config.settings.

This module is read while the settings load, so it names classes by their dotted paths only.
"""

API_PREFIX = "/api/"
MAX_REQUEST_BYTES = 256 * 1024

REST_FRAMEWORK: dict = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadOrWriteLocalItems"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CatalogPagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousRateThrottle", "api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "client": "1200/min"},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.problem_exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS: dict = {
    "TITLE": "Stadtlabor Hub API",
    "DESCRIPTION": (
        "The catalogue of one Stadtlabor node: its own and mirrored labs, events and method cards, "
        "and the nodes it knows. Anyone reads public items; `network` items need a token with scope "
        "`read` (or `federation`) or a login, of someone with a role on this node (coordinator, lab "
        "editor, node administrator). Writes to this node's own items need scope `write` of a lab "
        "editor (their labs' items) or a node administrator (every lab's). "
        "Every error is `application/problem+json` (RFC 9457)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": API_PREFIX,
    "COMPONENT_SPLIT_REQUEST": True,
    "GET_MOCK_REQUEST": "api.schema.anonymous_mock_request",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.refuse_unknown_fields",
        "api.schema.request_defaults_as_applied",
        "api.schema.query_parameters_as_read",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The validator badge would send the schema's address to an outside host.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "Phase": "hub.choices.Phase",
        "Difficulty": "hub.choices.Difficulty",
        "TargetGroup": "hub.choices.TargetGroup",
        "License": "hub.choices.License",
        "Visibility": "hub.choices.Visibility",
        "PublishedVisibility": "api.schema.published_visibilities",
        "AttendanceMode": "hub.choices.AttendanceMode",
        "EventStatus": "hub.choices.EventStatus",
        "AccessibilityFeature": "hub.choices.AccessibilityFeature",
        "Registration": "hub.choices.Registration",
        "IdeaStatus": "ideas.models.IdeaStatus",
        "Fit": "experience.models.Fit",
        "StaircaseStep": "hub.choices.StaircaseStep",
        "RegistrationStatus": "hub.choices.RegistrationStatus",
        "RegistrantLanguage": "events.models.LANGUAGES",
    },
}
