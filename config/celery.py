"""The node's Celery application; tasks live in each app's tasks module."""

import os

from celery import Celery
from celery.signals import beat_embedded_init

from hub.processes import die_with

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_embedded_init.connect
def beat_dies_with_its_worker(**kwargs) -> None:
    """``celery worker --beat`` (as ``manage.py runnode`` runs it) starts beat as the worker's child: it goes with the worker."""
    die_with(os.getppid())
