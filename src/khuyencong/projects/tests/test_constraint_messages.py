"""A constraint violated through a page or the API answers with its message under the field."""

import pytest
from django.urls import reverse

from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, Programme
from khuyencong.projects.models import Project
from khuyencong.projects.tests.test_api import api, fields_of, proposal_payload

pytestmark = pytest.mark.django_db
MESSAGE = "Ngày kết thúc không được trước ngày bắt đầu."


def proposal_form(round_, province, **overrides) -> dict:
    """What the proposal page posts for a Tuyên Quang training proposal of the 2027 round."""
    return {
        "round": round_.pk,
        "source": "kcqg",
        "plan_year": 2027,
        "programme": Programme.objects.get(code="kcqg-2026-2030").pk,
        "content": Content.objects.get(code="dao-tao-nghe").pk,
        "kind": "ordinary",
        "name": "Đào tạo nghề đan lát",
        "objectives": "Đào tạo 40 lao động",
        "implementing_org": Organisation.objects.get(code="ttkc-08-2025").pk,
        "lead_province": province.pk,
        "start_date": "2027-03-01",
        "end_date": "2027-10-31",
        **overrides,
    }


def test_end_before_start_on_the_page_is_shown_under_the_end_date(client, people, round_2027, tuyen_quang):
    client.force_login(people["doit"])
    response = client.post(
        reverse("projects:create"),
        proposal_form(round_2027, tuyen_quang, start_date="2027-10-31", end_date="2027-03-01"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"end_date": [MESSAGE]}
    body = response.content.decode()
    assert MESSAGE in body
    assert "proj_dates" not in body and "Constraint" not in body and "Ràng buộc" not in body
    assert not Project.objects.filter(name="Đào tạo nghề đan lát").exists()


def test_end_before_start_through_the_api_is_a_field_error(people, round_2027, tuyen_quang, beneficiary):
    payload = proposal_payload(
        round_2027, tuyen_quang, beneficiary, start_date="2027-10-31", end_date="2027-03-01"
    )
    response = api(people["doit"]).post("/api/v1/projects/", payload, format="json")
    assert response.status_code == 400
    assert fields_of(response) == {"end_date": [MESSAGE]}
    assert "proj_dates" not in response.content.decode()


def test_a_plan_year_out_of_bounds_is_one_message_under_the_plan_year_on_the_page_and_the_api(
    client, people, round_2027, tuyen_quang, beneficiary
):
    """−1, 1 and 9999 answer alike, under “plan year” (not under the programme, whose check would
    have said “Chương trình Chương trình …”), on the page and through the API; nothing is saved."""
    client.force_login(people["doit"])
    for year, message in [
        ("-1", "Giá trị phải lớn hơn hoặc bằng 2010."),
        ("1", "Giá trị phải lớn hơn hoặc bằng 2010."),
        ("9999", "Giá trị phải nhỏ hơn hoặc bằng 2100."),
    ]:
        response = client.post(
            reverse("projects:create"), proposal_form(round_2027, tuyen_quang, plan_year=year)
        )
        assert response.status_code == 200
        assert response.context["form"].errors == {"plan_year": [message]}, year
        payload = proposal_payload(round_2027, tuyen_quang, beneficiary, plan_year=int(year))
        response = api(people["doit"]).post("/api/v1/projects/", payload, format="json")
        assert response.status_code == 400
        assert fields_of(response) == {"plan_year": [message]}, year
    assert not Project.objects.filter(name="Đào tạo nghề đan lát").exists()
    with_programme = Programme.objects.get(code="kcqg-2021-2025")
    payload = proposal_payload(round_2027, tuyen_quang, beneficiary, programme=with_programme.pk)
    response = api(people["doit"]).post("/api/v1/projects/", payload, format="json")
    assert fields_of(response)["programme"] == [f"“{with_programme}” không bao gồm năm 2027."]
