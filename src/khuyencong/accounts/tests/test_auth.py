"""Sign-in, lockout, password change and reset, sessions, administration access."""

from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.core import mail
from django.urls import reverse

from khuyencong.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password=TEST_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_sign_in_and_out(client, officer):
    response = login(client, officer.username)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").context["user"] == officer
    client.post(reverse("accounts:logout"))
    assert not client.get("/").context["user"].is_authenticated


def test_wrong_password_gives_a_clear_vietnamese_error(client, officer):
    response = login(client, officer.username, "sai-mat-khau")
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()


def test_account_is_locked_after_repeated_failures(client, officer):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, officer.username, "sai-mat-khau")
    response = login(client, officer.username)  # even the right password is refused now
    assert response.status_code == 429
    assert "tạm khoá" in response.content.decode().lower() or "tạm thời bị khoá" in response.content.decode()


def _fail_until_locked(client, username, **address):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": username, "password": "sai-mat-khau"}, **address)


def _sign_in(username, **address):
    from django.test import Client

    response = Client().post(
        reverse("accounts:login"), {"username": username, "password": TEST_PASSWORD}, **address
    )
    return response.status_code


def test_failures_from_one_address_do_not_lock_the_account_elsewhere(client, officer):
    _fail_until_locked(client, officer.username, REMOTE_ADDR="198.51.100.7")
    assert _sign_in(officer.username, REMOTE_ADDR="198.51.100.7") == 429
    assert _sign_in(officer.username, REMOTE_ADDR="203.0.113.20") == 302


def test_a_forged_forwarded_for_does_not_escape_the_lockout_without_a_proxy(client, officer):
    _fail_until_locked(client, officer.username, REMOTE_ADDR="198.51.100.7")
    assert _sign_in(officer.username, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.99") == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, officer, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    _fail_until_locked(client, officer.username, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert _sign_in(officer.username, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy) == 429
    assert _sign_in(officer.username, HTTP_X_FORWARDED_FOR="203.0.113.20", **proxy) == 302


def test_administrator_unlocks_in_the_admin(client, admin_user, officer):
    from axes.models import AccessAttempt

    _fail_until_locked(client, officer.username, REMOTE_ADDR="198.51.100.7")
    assert _sign_in(officer.username, REMOTE_ADDR="198.51.100.7") == 429
    client.force_login(admin_user)
    listing = client.get("/admin/axes/accessattempt/", {"q": officer.username})
    assert listing.status_code == 200 and "198.51.100.7" in listing.content.decode()
    ids = [
        str(pk) for pk in AccessAttempt.objects.filter(username=officer.username).values_list("pk", flat=True)
    ]
    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert _sign_in(officer.username, REMOTE_ADDR="198.51.100.7") == 302


def test_lockouts_are_not_shown_to_other_roles(client, officer):
    client.force_login(officer)
    assert client.get("/admin/axes/accessattempt/").status_code == 302


def test_administrator_unlocks_with_the_console_script(client, officer):
    from django.core.management import call_command

    _fail_until_locked(client, officer.username, REMOTE_ADDR="198.51.100.7")
    call_command("axes_reset_ip_username", "198.51.100.7", officer.username, stdout=StringIO())
    assert _sign_in(officer.username, REMOTE_ADDR="198.51.100.7") == 302


def test_password_change(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Mat-khau-moi-2026!",
            "new_password2": "Mat-khau-moi-2026!",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Mat-khau-moi-2026!")


def test_weak_password_is_refused_in_vietnamese(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "Mật khẩu" in response.content.decode()


def test_password_reset_sends_a_link(client, officer):
    response = client.post(reverse("accounts:password_reset"), {"email": officer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/tai-khoan/dat-lai-mat-khau/" in mail.outbox[0].body


def test_passwords_are_hashed_with_argon2_outside_tests():
    assert settings.PASSWORD_HASHERS[1] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert get_hasher("argon2").algorithm == "argon2"


def test_sessions_expire():
    # Idle sessions expire (SessionActivityMiddleware, tested in test_sessions.py) without a
    # session write on every request.
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    assert 0 < settings.KC_SESSION_REFRESH_SECONDS <= settings.SESSION_COOKIE_AGE // 10


def test_admin_site_only_for_ministry_administrators(client, admin_user, officer):
    client.force_login(officer)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_admin_edits_are_audited_with_origin_admin(client, admin_user):
    from khuyencong.core.models import ObjectChange
    from khuyencong.testing.factories import OrganisationFactory

    org = OrganisationFactory(kind="partner", name="Hội Nông dân")
    client.force_login(admin_user)
    response = client.post(
        f"/admin/orgs/organisation/{org.pk}/change/",
        {
            "code": org.code,
            "kind": "partner",
            "name": "Hội Nông dân Việt Nam",
            "functions": "[]",
            "name_verified": "on",
            "names-TOTAL_FORMS": "0",
            "names-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = ObjectChange.objects.for_object(org).filter(action="update").get()
    assert change.origin == "admin" and change.user == admin_user
    assert change.after["name"] == "Hội Nông dân Việt Nam"


def test_profile_shows_roles_and_manages_tokens(client, provincial_officer):
    client.force_login(provincial_officer)
    response = client.get(reverse("accounts:profile"))
    assert "Cán bộ cấp tỉnh" in response.content.decode()
    response = client.post(reverse("accounts:token_create"), follow=True)
    token = response.context["new_token"]
    assert token and response.context["tokens"].count() == 1
    api = client.__class__()
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    key = response.context["tokens"][0].token_key
    client.post(reverse("accounts:token_revoke", args=[key]))
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
