"""Fixtures of the API tests: clients with tokens minted as issue_token mints them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.test import APIClient

from hub.roles import SYSTEM, Role
from hub.services import role_grant
from tests.api.factories import token_client

PROBLEM_MIDDLEWARE = "api.middleware.ProblemDetailsMiddleware"


@pytest.fixture(autouse=True)
def problem_middleware(settings):
    """The API's middleware, right after LocaleMiddleware, as config.settings is to list it."""
    if PROBLEM_MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(middleware.index("django.middleware.locale.LocaleMiddleware") + 1, PROBLEM_MIDDLEWARE)
        settings.MIDDLEWARE = middleware


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Every test starts with empty request counters."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(db) -> User:
    """A member of this node's staff with the role node administrator (writes every lab's items)."""
    user = User.objects.create_user("redaktion", password="ein-langes-passwort", is_staff=True)
    role_grant(user=user, role=Role.NODE_ADMIN, actor=SYSTEM)
    return user


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def reader(staff) -> APIClient:
    return token_client(staff, "read")


@pytest.fixture
def writer(staff) -> APIClient:
    return token_client(staff, "read write")
