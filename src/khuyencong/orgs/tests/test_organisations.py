import datetime

import pytest
from django.urls import reverse

from khuyencong.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_agency_names_over_time():
    agency = Organisation.objects.get(code="cuc-khuyen-cong")
    assert agency.name_on(datetime.date(2015, 1, 1)) == "Cục Công nghiệp địa phương"
    assert agency.name_on(datetime.date(2020, 1, 1)) == "Cục Công Thương địa phương"
    assert agency.name_on(datetime.date(2026, 1, 1)) == "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công"


def test_every_province_has_a_doit_and_a_centre_in_both_generations():
    for on, count in ((datetime.date(2020, 1, 1), 63), (datetime.date(2025, 7, 1), 34)):
        for kind in ("doit", "extension_centre", "peoples_committee"):
            assert Organisation.objects.valid_on(on).filter(kind=kind).count() == count


def test_2025_mergers_of_doits_are_recorded():
    doit = Organisation.objects.get(code="so-ct-02-2008")
    assert doit.successions.get().successor.code == "so-ct-08-2025"


def test_unverified_names_are_flagged(client, admin_user):
    """Flagged to those who can correct them (issue 9: not a note for the public)."""
    centre = Organisation.objects.get(code="ttkc-02-2008")
    assert not centre.name_verified
    assert "tên chưa xác minh" not in client.get(centre.province.get_absolute_url()).content.decode()
    client.force_login(admin_user)
    assert "tên chưa xác minh" in client.get(centre.province.get_absolute_url()).content.decode()
    assert Organisation.objects.get(code="ttkc-60-2008").name_verified  # Bình Thuận, named by seed 002


def test_organisation_pages_and_api(client):
    response = client.get(reverse("orgs:organisation_list"), {"q": "so cong thuong tuyen quang"})
    assert response.status_code == 200 and response.context["total"] == 2
    agency = Organisation.objects.get(code="cuc-khuyen-cong")
    assert "Cục Công Thương địa phương" in client.get(agency.get_absolute_url()).content.decode()
    body = client.get("/api/v1/organisations/", {"kind": "agency"}).json()
    assert body["results"][0]["names"][0]["name"] == "Cục Công nghiệp địa phương"
