"""Idle sessions expire, yet a page view does not rewrite the session each time."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from khuyencong.core.middleware import SessionActivityMiddleware
from khuyencong.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "/tai-khoan/"  # the profile: a plain signed-in page


def _signed_in(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return Session.objects.get(session_key=client.session.session_key)


def _session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


def _age_the_activity(client, seconds: int) -> None:
    """As if the last recorded activity had been ``seconds`` ago."""
    session = client.session
    session[SessionActivityMiddleware.KEY] -= seconds
    session.save()


def test_page_views_in_a_row_do_not_write_the_session(client, officer):
    _signed_in(client, officer)
    assert client.get(PAGE).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        for _view in range(3):
            assert client.get(PAGE).status_code == 200
    assert _session_writes(queries.captured_queries) == []


def test_activity_after_the_refresh_interval_pushes_the_expiry_back(client, officer):
    _signed_in(client, officer)
    _age_the_activity(client, settings.KC_SESSION_REFRESH_SECONDS + 1)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=1)
    )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    assert len(_session_writes(queries.captured_queries)) == 1
    expires = Session.objects.get(session_key=client.session.session_key).expire_date
    assert expires > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_an_idle_session_expires(client, officer):
    record = _signed_in(client, officer)
    assert record.expire_date <= timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    # SESSION_COOKIE_AGE without a request: the stored expiry has passed.
    Session.objects.filter(pk=record.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(PAGE)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_anonymous_visitors_get_no_session(client):
    client.get(reverse("accounts:login"))
    client.get("/khong-co-trang-nay/")
    assert not Session.objects.exists()


def test_a_dead_session_cookie_does_not_start_a_session(client, officer):
    record = _signed_in(client, officer)
    Session.objects.all().delete()
    client.cookies[settings.SESSION_COOKIE_NAME] = record.session_key
    client.get(PAGE)
    assert not Session.objects.exists()
