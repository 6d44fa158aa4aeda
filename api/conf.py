"""Settings for Django REST framework and drf-spectacular, imported by hub.settings."""

REST_FRAMEWORK: dict = {}
SPECTACULAR_SETTINGS: dict = {}
