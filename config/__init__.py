"""The project: settings, URLs, the Celery app, WSGI, middleware, logging and the typed environment."""

from config.celery import app as celery_app

__all__ = ["celery_app"]
