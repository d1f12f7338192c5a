"""Account self-service through /api/v1/me/: change your own password (every token of yours revoked,
as the page does), list, create and revoke your own API tokens; the public account gets none."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from khuyencong.accounts.services import issue_api_token
from khuyencong.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Mat-khau-moi-2026!"


@pytest.fixture(autouse=True)
def _no_throttle_left_over():
    from django.core.cache import cache

    cache.clear()


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_changing_the_password_through_the_api_revokes_every_own_token(officer, provincial_officer):
    _first, token = issue_api_token(officer)
    _second, other = issue_api_token(officer)
    _third, bystander = issue_api_token(provincial_officer)
    client = with_token(token)

    wrong = client.post(
        "/api/v1/me/password/",
        {"old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        format="json",
    )
    assert wrong.status_code == 400 and list(wrong.json()["error"]["fields"]) == ["old_password"]
    assert "mật khẩu" in wrong.json()["error"]["fields"]["old_password"][0].lower()
    mismatch = client.post(
        "/api/v1/me/password/",
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "khac"},
        format="json",
    )
    assert mismatch.status_code == 400 and "new_password2" in mismatch.json()["error"]["fields"]
    weak = client.post(
        "/api/v1/me/password/",
        {"old_password": TEST_PASSWORD, "new_password1": "123", "new_password2": "123"},
        format="json",
    )
    assert weak.status_code == 400 and "new_password2" in weak.json()["error"]["fields"]
    assert client.post("/api/v1/me/password/", {}, format="json").status_code == 400
    assert AuthToken.objects.filter(user=officer).count() == 2  # refused: the tokens stay

    done = client.post(
        "/api/v1/me/password/",
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        format="json",
    )
    assert done.status_code == 204
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert not AuthToken.objects.filter(user=officer).exists()
    assert with_token(token).get("/api/v1/me/").status_code == 401
    assert with_token(other).get("/api/v1/me/").status_code == 401
    assert with_token(bystander).get("/api/v1/me/").status_code == 200


def test_a_browser_session_stays_signed_in_after_changing_the_password(officer):
    client = APIClient()
    client.force_login(officer)
    done = client.post(
        "/api/v1/me/password/",
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        format="json",
    )
    assert done.status_code == 204
    assert client.get("/api/v1/me/").status_code == 200
    assert APIClient().post("/api/v1/me/password/", {}, format="json").status_code in (401, 403)


def test_own_tokens_are_listed_created_and_revoked(officer, provincial_officer):
    first, token = issue_api_token(officer)
    theirs, _bystander = issue_api_token(provincial_officer)
    client = with_token(token)

    listed = client.get("/api/v1/me/tokens/").json()
    assert listed == [
        {
            "key": first.token_key,
            "created": listed[0]["created"],
            "expiry": listed[0]["expiry"],
            "current": True,
        }
    ]

    created = client.post("/api/v1/me/tokens/", format="json")
    assert created.status_code == 201
    new = created.json()
    assert (
        new["token"].startswith(new["key"]) and with_token(new["token"]).get("/api/v1/me/").status_code == 200
    )
    keys = [t["key"] for t in client.get("/api/v1/me/tokens/").json()]
    assert sorted(keys) == sorted([first.token_key, new["key"]])

    # another user's token, or one that does not exist: 404, nothing revoked
    assert client.delete(f"/api/v1/me/tokens/{theirs.token_key}/").status_code == 404
    assert client.delete("/api/v1/me/tokens/nothing/").status_code == 404
    assert AuthToken.objects.filter(pk=theirs.pk).exists()

    assert client.delete(f"/api/v1/me/tokens/{new['key']}/").status_code == 204
    assert with_token(new["token"]).get("/api/v1/me/").status_code == 401
    assert client.get("/api/v1/me/").status_code == 200  # the token in use is still valid


def test_the_public_account_gets_no_token_but_may_change_its_password(make_user):
    public = make_user("public", username="congchung")
    client = APIClient()
    client.force_login(public)
    refused = client.post("/api/v1/me/tokens/", format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"].startswith("Tài khoản này không")
    assert not AuthToken.objects.filter(user=public).exists()
    assert client.get("/api/v1/me/tokens/").json() == []
    done = client.post(
        "/api/v1/me/password/",
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        format="json",
    )
    assert done.status_code == 204
