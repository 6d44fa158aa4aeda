"""Fixtures of the idea tests: an idea waiting for moderation, lab editors, Celery running tasks at once."""

from __future__ import annotations

import pytest

from config.celery import app
from ideas.services import idea_submit

AUTHOR_EMAIL = "anna.beispiel@example.org"


@pytest.fixture
def tasks_run_at_once():
    """Celery runs a queued task in the calling process, as a worker would, and lets its errors through."""
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = False, False


@pytest.fixture
def submit(lab):
    """Submit an idea to this node's first lab, as a citizen does (any field can be given)."""

    def make(**fields):
        values = {
            "lab": lab, "title": "Trinkbrunnen am Marktplatz", "text": "Im Sommer fehlt Wasser.\nBitte einen Brunnen.",
            "district": "Altstadt", "author_name": "Anna", "author_email": AUTHOR_EMAIL, "language": "de",
        }
        return idea_submit(**(values | fields))

    return make


@pytest.fixture
def idea(submit):
    """An idea waiting for moderation, whose author left a name and an e-mail address."""
    return submit()


@pytest.fixture
def editor(person, lab):
    """A lab editor of the idea's lab."""
    return person("lena", "lab-editor", lab=lab)


@pytest.fixture
def other_editor(person, second_lab):
    """A lab editor of another lab of this node."""
    return person("otto", "lab-editor", lab=second_lab)
