"""API tokens: every way a password is changed or reset revokes every token of the user; the
public account obtains none."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from knox.models import AuthToken

from khuyencong.accounts.services import issue_api_token, revoke_api_tokens
from khuyencong.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mat-khau-moi-2026!"


@pytest.fixture(autouse=True)
def _no_sign_in_throttle_left_over():
    """The API sign-in is throttled per address (kept in the cache): start each test afresh."""
    from django.core.cache import cache

    cache.clear()


def _api_works(client_class, token: str) -> bool:
    status = client_class().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code
    assert status in (200, 401)
    return status == 200


@pytest.fixture
def tokens(officer, client):
    """Two tokens of the officer (one from the page, one from the API) and one of someone else."""
    _instance, first = issue_api_token(officer)
    second = client.post(
        "/api/v1/auth/login/",
        {"username": officer.username, "password": TEST_PASSWORD},
        content_type="application/json",
    ).json()["token"]
    assert _api_works(client.__class__, first) and _api_works(client.__class__, second)
    return [first, second]


@pytest.fixture
def bystander_token(provincial_officer):
    return issue_api_token(provincial_officer)[1]


def _assert_revoked(client, officer, tokens, bystander_token):
    assert not AuthToken.objects.filter(user=officer).exists()
    for token in tokens:
        assert not _api_works(client.__class__, token)
    assert _api_works(client.__class__, bystander_token)  # only the user's own tokens go


def test_password_change_page_revokes_the_tokens(client, officer, tokens, bystander_token):
    client.force_login(officer)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    _assert_revoked(client, officer, tokens, bystander_token)


def test_a_refused_password_change_keeps_the_tokens(client, officer, tokens):
    client.force_login(officer)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "sai-mat-khau", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert AuthToken.objects.filter(user=officer).count() == 2


def test_password_reset_revokes_the_tokens(client, officer, tokens, bystander_token):
    officer.refresh_from_db()  # the API sign-in moved last_login, which the reset link depends on
    uid = urlsafe_base64_encode(force_bytes(officer.pk))
    link = reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(officer)])
    form_url = client.get(link)["Location"]  # Django moves the token into the session first
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_complete")
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    _assert_revoked(client, officer, tokens, bystander_token)


def test_administrator_setting_a_password_revokes_the_tokens(
    client, admin_user, officer, tokens, bystander_token
):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/accounts/user/{officer.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    _assert_revoked(client, officer, tokens, bystander_token)


def test_a_password_set_by_any_code_revokes_the_tokens(client, officer, tokens, bystander_token):
    officer.set_password(NEW_PASSWORD)
    officer.save()
    _assert_revoked(client, officer, tokens, bystander_token)


def test_disabling_the_password_revokes_the_tokens(client, officer, tokens, bystander_token):
    officer.set_unusable_password()
    officer.save(update_fields=["password"])
    _assert_revoked(client, officer, tokens, bystander_token)


def test_other_changes_to_the_account_keep_the_tokens(officer, tokens):
    officer.full_name = "Nguyễn Văn Mới"
    officer.save()
    assert AuthToken.objects.filter(user=officer).count() == 2


def test_a_hash_upgrade_at_sign_in_is_not_a_new_password(client, officer, tokens, settings):
    from django.contrib.auth.hashers import make_password

    type(officer).objects.filter(pk=officer.pk).update(
        password=make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    )
    response = client.post(
        reverse("accounts:login"), {"username": officer.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.password.startswith("pbkdf2_sha256$")  # upgraded to the preferred hasher
    assert AuthToken.objects.filter(user=officer).count() == 2


def test_revoke_api_tokens_counts(officer, tokens):
    assert revoke_api_tokens(officer) == 2
    assert revoke_api_tokens(officer) == 0


# --- the public account -------------------------------------------------------------------------


@pytest.fixture
def public_user(make_user):
    return make_user("public", username="congchung")


def test_public_account_gets_no_token_from_the_api(client, public_user):
    response = client.post(
        "/api/v1/auth/login/",
        {"username": public_user.username, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "token" not in response.json()
    assert response.json()["error"]["code"] == "permission_denied"
    assert not AuthToken.objects.filter(user=public_user).exists()


def test_public_account_gets_no_token_from_the_profile_page(client, public_user):
    client.force_login(public_user)
    assert client.post(reverse("accounts:token_create")).status_code == 404
    assert not AuthToken.objects.filter(user=public_user).exists()


def test_an_account_without_a_role_gets_no_token(client, make_user):
    nobody = make_user(None, username="chuaphanvaitro")
    response = client.post(
        "/api/v1/auth/login/",
        {"username": nobody.username, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not AuthToken.objects.filter(user=nobody).exists()


def test_the_service_refuses_the_public_account(public_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        issue_api_token(public_user)
