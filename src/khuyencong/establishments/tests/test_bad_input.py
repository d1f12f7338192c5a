"""Bad ids and numbers in requests to the registry answer 400, a field error or an empty result –
never a 500 (issue 9 §3)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.testing.factories import valid_tax_code

pytestmark = pytest.mark.django_db
HUGE = "100000000000000000000"


@pytest.fixture
def record(create, tq_commune):
    return create(tq_commune, name="Hợp tác xã Mây tre đan Kim Bình", tax_code=valid_tax_code(300300300))


def test_commune_options_with_a_non_numeric_province_are_empty(client, officer):
    client.force_login(officer)
    for value in ("abc", HUGE, "-1", "1.5", "NaN"):
        response = client.get(reverse("establishments:communes"), {"province": value})
        assert response.status_code == 200, value
        assert "<option" not in response.content.decode().replace('<option value="">', ""), value


def test_tax_code_check_with_a_non_numeric_pk(client, officer, record):
    client.force_login(officer)
    for pk in ("abc", HUGE, "1e3"):
        response = client.get(
            reverse("establishments:tax_code_check"), {"tax_code": record.tax_code, "pk": pk}
        )
        assert response.status_code == 200, pk
        assert "đã được đăng ký" in response.content.decode(), pk  # pk is not a record: still a duplicate
    response = client.get(
        reverse("establishments:tax_code_check"), {"tax_code": record.tax_code, "pk": record.pk}
    )
    assert "valid-feedback" in response.content.decode()


def test_a_huge_commune_filter_gives_an_empty_list(client, officer, record):
    client.force_login(officer)
    for value in (HUGE, "abc", "1.5", "-" + HUGE):
        page = client.get(reverse("establishments:list"), {"commune": value})
        assert page.status_code == 200, value
        assert record.name not in page.content.decode(), value
        api = APIClient()
        api.force_login(officer)
        response = api.get("/api/v1/establishments/", {"commune": value})
        assert response.status_code in (200, 400), value
        if response.status_code == 200:
            assert response.json()["count"] == 0, value
        else:
            assert "commune" in response.json()["error"]["fields"], value
    api = APIClient()
    api.force_login(officer)
    assert api.get("/api/v1/establishments/", {"commune": record.commune_id}).json()["count"] == 1


def test_other_id_filters_with_bad_values(client, officer, record):
    client.force_login(officer)
    api = APIClient()
    api.force_login(officer)
    for name in ("province", "division", "section"):
        for value in ("abc", HUGE, "-1"):
            assert client.get(reverse("establishments:list"), {name: value}).status_code == 200, (name, value)
            response = api.get("/api/v1/establishments/", {name: value})
            assert response.status_code in (200, 400), (name, value)


def test_the_create_form_with_a_non_numeric_province_is_a_field_error(client, officer, tq_commune):
    client.force_login(officer)
    for value in ("abc", HUGE):
        response = client.post(
            reverse("establishments:create"),
            {"name": "Cơ sở thử", "province": value, "commune": tq_commune.pk, "kind": "household"},
        )
        assert response.status_code == 200, value
        errors = response.context["form"].errors
        assert "province" in errors, errors
        assert "Hãy chọn một giá trị hợp lệ" in errors["province"][0], errors


def test_figures_with_only_a_year(officer, record):
    api = APIClient()
    api.force_login(officer)
    response = api.post(f"/api/v1/establishments/{record.pk}/figures/", {"year": 2024}, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {"year": 2024, "revenue": None, "production_value": None, "employees": None}
    response = api.post(f"/api/v1/establishments/{record.pk}/figures/", {}, format="json")
    assert response.status_code == 400
    assert "year" in response.json()["error"]["fields"]
