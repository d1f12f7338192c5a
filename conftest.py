"""Shared pytest fixtures. Tests live next to the app they test (``src/khuyencong/<app>/tests``)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("KC_PROFILE", "test")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the real reference data (geography, organisations, programmes),
    loaded once per session by the same command operators run."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_scope_and_language(settings):
    """Each test starts in Vietnamese, with the production-like DEBUG=False."""
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.deactivate()


@pytest.fixture
def province(db):
    from khuyencong.testing.factories import ProvinceFactory

    return ProvinceFactory(name="Thử Nghiệm", full_name="Tỉnh Thử Nghiệm")


@pytest.fixture
def other_province(db):
    from khuyencong.testing.factories import ProvinceFactory

    return ProvinceFactory(name="Khác Biệt", full_name="Tỉnh Khác Biệt")


@pytest.fixture
def make_user(db):
    from khuyencong.testing.factories import user_with_role

    return user_with_role


@pytest.fixture
def admin_user(make_user):
    return make_user("admin", username="quantri")


@pytest.fixture
def officer(make_user):
    return make_user("programme_officer", username="canbo_cuc")


@pytest.fixture
def provincial_officer(make_user, province):
    return make_user("provincial_officer", province=province, username="canbo_tinh")
