"""Geography pages and API – public, readable without signing in."""

import pytest
from django.urls import reverse

from khuyencong.geo.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def test_provinces_on_a_chosen_date_with_region_and_successor(client):
    response = client.get(reverse("geo:unit_list"), {"on": "2020-01-01"})
    assert response.status_code == 200
    assert response.context["total"] == 63
    html = response.content.decode()
    assert "Vùng Trung du và miền núi phía Bắc" in html and "Khu vực phía Bắc" in html
    row = next(o for o in response.context["object_list"] if o.code == "02")
    assert row.name == "Hà Giang" and [s.successor.name for s in row.successions.all()] == ["Tuyên Quang"]


def test_the_34_provinces_and_their_predecessors(client):
    response = client.get(reverse("geo:unit_list"), {"on": "2025-07-01"})
    assert response.context["total"] == 34
    assert (
        "Hà Giang, Tuyên Quang" in response.content.decode()
        or "Tuyên Quang, Hà Giang" in response.content.decode()
    )


def test_province_history_page(client):
    ha_giang = AdministrativeUnit.objects.get(level="province", code="02")
    html = client.get(ha_giang.get_absolute_url()).content.decode()
    assert "sáp nhập vào" in html and "Tỉnh Tuyên Quang" in html and "202/2025/QH15" in html
    tuyen_quang = ha_giang.successions.get().successor
    html = client.get(tuyen_quang.get_absolute_url()).content.decode()
    assert "Tỉnh Hà Giang" in html and "trung tâm hành chính" in html


def test_communes_of_a_province(client):
    hanoi = AdministrativeUnit.objects.get(level="province", code="01", valid_from__year=2025)
    response = client.get(reverse("geo:unit_list"), {"level": "commune", "parent": hanoi.pk})
    assert response.context["total"] == hanoi.children.count() == 126


def test_regions_page_counts(client):
    html = client.get(reverse("geo:region_list")).content.decode()
    assert 'data-testid="region-TDMNPB"' in html


def test_units_export_to_excel(client):
    response = client.get(reverse("geo:unit_list"), {"on": "2020-01-01", "export": "xlsx"})
    assert response.status_code == 200
    from io import BytesIO

    import openpyxl

    sheet = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 64  # header + 63 provinces
    assert sheet.cell(1, 2).value == "Tên"


def test_api_units_on_a_date_anonymously(client):
    body = client.get(
        "/api/v1/units/", {"level": "province", "valid_on": "2020-01-01", "page_size": 100}
    ).json()
    assert body["count"] == 63
    hg = next(u for u in body["results"] if u["code"] == "02")
    assert hg["regions"] == {"economic": "TDMNPB", "conference": "BAC"}
    assert len(hg["successors"]) == 1
    assert client.get("/api/v1/units/", {"level": "province", "valid_on": "2025-07-01"}).json()["count"] == 34


def test_api_reference_data_is_read_only(client, admin_user):
    client.force_login(admin_user)
    unit = AdministrativeUnit.objects.first()
    assert client.delete(f"/api/v1/units/{unit.pk}/").status_code == 405


def test_api_regions(client):
    body = client.get("/api/v1/regions/", {"scheme": "economic"}).json()
    assert body["count"] == 6
