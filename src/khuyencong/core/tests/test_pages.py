"""The shell through HTTP: home, health, language, error pages, history pages."""

import pytest
from django.urls import include, path, reverse

from khuyencong.core.models import ObjectChange
from khuyencong.testing.factories import TEST_PASSWORD, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_home_is_vietnamese_for_everyone(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html


def test_home_in_english_when_chosen(client):
    client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html and "Sign in" in html


def test_language_choice_is_remembered_on_the_account(client, officer):
    client.force_login(officer)
    response = client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["kc_language"].value == "en"
    officer.refresh_from_db()
    assert officer.language == "en"
    # a fresh browser picks the choice up at sign-in
    fresh = client.__class__()
    response = fresh.post(
        reverse("accounts:login"), {"username": officer.username, "password": TEST_PASSWORD}
    )
    assert response.cookies["kc_language"].value == "en"


def test_language_switch_refuses_foreign_redirects(client):
    response = client.post(reverse("core:set_language"), {"language": "vi", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["status"] == "ok"


def test_friendly_404_page_in_vietnamese(client):
    response = client.get("/khong-ton-tai/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html and "Trang chủ" in html


def test_api_errors_are_json(client):
    response = client.get("/api/v1/khong-ton-tai/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_dashboard_shows_counts_to_signed_in_users(client, officer):
    client.force_login(officer)
    response = client.get("/")
    assert response.status_code == 200
    assert 'data-testid="dashboard-cards"' in response.content.decode()


def test_object_history_page_shows_changes(client, admin_user):
    org = OrganisationFactory(name="Trung tâm A")
    org.name = "Trung tâm B"
    org.save()
    client.force_login(admin_user)
    response = client.get(reverse("core:object_history", args=["orgs", "organisation", org.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trung tâm A" in html and "Trung tâm B" in html


def test_object_history_of_unknown_or_unaudited_models_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("core:object_history", args=["orgs", "nothing", 1])).status_code == 404
    assert client.get(reverse("core:object_history", args=["sessions", "session", 1])).status_code == 404


def test_change_log_is_for_administrators_only(client, admin_user, officer):
    OrganisationFactory()
    client.force_login(officer)
    assert client.get(reverse("core:audit_log")).status_code == 403
    client.force_login(admin_user)
    response = client.get(reverse("core:audit_log"), {"action": "create"})
    assert response.status_code == 200
    assert ObjectChange.objects.exists()


def test_403_page_is_friendly(client, officer):
    client.force_login(officer)
    response = client.get(reverse("core:audit_log"))
    assert "Không có quyền truy cập" in response.content.decode()


def _boom(request):
    raise RuntimeError("simulated failure")


urlpatterns = [path("boom/", _boom), path("api/boom/", _boom), path("", include("khuyencong.urls"))]
handler500 = "khuyencong.core.views.error_500"


@pytest.mark.urls(__name__)
def test_unexpected_errors_give_the_friendly_500_page(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Đã có lỗi xảy ra" in html and "simulated failure" not in html
    response = client.get("/api/boom/")
    assert response.status_code == 500 and response.json()["error"]["code"] == "server_error"
