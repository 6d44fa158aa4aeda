"""Fixtures of the robustness tests: the live network of tests/network, a staff token, demo content."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from api.services import access_token_issue
from hub.roles import SYSTEM, Role
from hub.services import role_grant
from ops.demo import demo_seed
from tests.network.conftest import database_template, network  # noqa: F401  (live nodes, reused)

LIVE_TESTS = ("test_concurrent_readers.py", "test_parallel_workers.py", "test_shared_rate_limits.py")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.fspath.basename in LIVE_TESTS:
            item.add_marker(pytest.mark.network)


@pytest.fixture
def staff(db) -> User:
    """An active staff member with the role node administrator, who may write this node's items."""
    user = User.objects.create_user("redaktion", password="ein-langes-passwort", is_staff=True)
    role_grant(user=user, role=Role.NODE_ADMIN, actor=SYSTEM)
    return user


@pytest.fixture
def staff_token(staff) -> str:
    """A bearer token with scopes read and write, minted as ``manage.py issue_token`` mints it."""
    return access_token_issue(user=staff, scopes=["read", "write"], lifetime=timedelta(hours=1))


@pytest.fixture
def demo_content(node) -> None:
    """This node with the German demo labs, method cards and events."""
    demo_seed()


@pytest.fixture
def unthrottled(settings):
    """Request rates high enough that fuzzing meets the API's answers rather than its 429s."""
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/min", "client": "1000000/min"}
    }
    cache.clear()
    yield
    cache.clear()
