"""Background work through the configured broker and a real Celery worker process."""

import time
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from ops.tasks import tokens_clear_expired


def test_the_worker_clears_expired_tokens_and_keeps_valid_ones(celery_worker_process):
    user = User.objects.create_user("skript")
    app = Application.objects.create(
        name="Skript", client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, user=user,
    )
    now = timezone.now()
    AccessToken.objects.create(user=user, application=app, token="abgelaufen", expires=now - timedelta(days=1), scope="read")
    AccessToken.objects.create(user=user, application=app, token="gueltig", expires=now + timedelta(hours=1), scope="read")

    tokens_clear_expired.delay()

    deadline = time.monotonic() + 60
    while AccessToken.objects.count() != 1 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert AccessToken.objects.count() == 1
    assert AccessToken.objects.get().expires > now
