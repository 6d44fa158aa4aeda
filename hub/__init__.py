"""Stadtlabor Hub: one city's node in the network of innovation labs."""

from hub.celery import app as celery_app

__all__ = ["celery_app"]
