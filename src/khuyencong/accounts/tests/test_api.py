"""API sign-in, current user, scoped user list, and the error format."""

import pytest

from khuyencong.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_token_login_and_me(client, provincial_officer, province):
    response = client.post(
        "/api/v1/auth/login/",
        {"username": provincial_officer.username, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert me["username"] == provincial_officer.username
    assert me["scope"]["province_write"] == [province.pk]
    assert me["roles"][0]["role"] == "provincial_officer"


def test_token_login_with_wrong_password_gives_field_errors(client, officer):
    response = client.post(
        "/api/v1/auth/login/",
        {"username": officer.username, "password": "sai"},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "non_field_errors" in error["fields"]


def test_missing_fields_are_named(client):
    response = client.post("/api/v1/auth/login/", {}, content_type="application/json")
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"username", "password"}
    assert "bắt buộc" in fields["username"][0]


def test_users_list_is_scoped(client, admin_user, officer, provincial_officer):
    client.force_login(provincial_officer)
    body = client.get("/api/v1/users/").json()
    assert [u["username"] for u in body["results"]] == [provincial_officer.username]
    assert client.get(f"/api/v1/users/{officer.pk}/").status_code == 404
    client.force_login(admin_user)
    assert client.get("/api/v1/users/").json()["count"] == 3


def test_anonymous_api_gets_401_json(client):
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_openapi_schema_and_docs(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    assert client.get("/api/docs/").status_code == 200
