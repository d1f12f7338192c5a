"""The bounds of ``core.bounds`` on the pages and the API alike: year 1, year 9999 and amounts above
10^15 are refused everywhere, naming the field, and nothing is written."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.establishments.models import Establishment, EstablishmentFigure
from khuyencong.orgs.models import Organisation
from khuyencong.projects.models import Decision, DecisionLine, Status
from khuyencong.projects.tests.test_cycle import agency_decision, through_appraisal

pytestmark = pytest.mark.django_db
TOO_MUCH = 10**15 + 1
YEAR_1, YEAR_9999 = "0001-01-01", "9999-12-31"


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def fields_of(response) -> dict:
    return response.json()["error"].get("fields", {})


def establishment_payload(commune, **extra) -> dict:
    return {
        "name": "Cơ sở Rèn Phúc Sen",
        "kind": "household",
        "representative": "Nông Văn Rèn",
        "address": "Thôn Bản Phúc",
        "commune": commune.pk,
        "vsic_code": "2593",
        "products": "Dao, kéo",
        "employees": 8,
        **extra,
    }


@pytest.fixture
def commune(beneficiary):
    return beneficiary.commune


@pytest.mark.parametrize("day", [YEAR_1, YEAR_9999])
def test_establishment_dates_on_the_api_and_the_page(client, people, commune, tuyen_quang, day):
    response = api(people["doit"]).post(
        "/api/v1/establishments/", establishment_payload(commune, registration_date=day), format="json"
    )
    assert response.status_code == 400 and "registration_date" in fields_of(response)
    client.force_login(people["doit"])
    page = client.post(
        reverse("establishments:create"),
        {
            **establishment_payload(commune, established_on=day),
            "province": tuyen_quang.pk,
            "address_as_of": datetime.date.today().isoformat(),
            "status": "active",
        },
    )
    assert page.status_code == 200 and page.context["form"].errors.get("established_on")
    assert not Establishment.objects.filter(name="Cơ sở Rèn Phúc Sen").exists()


def test_figures_above_the_bound_on_the_api_and_the_page(client, people, beneficiary):
    url = f"/api/v1/establishments/{beneficiary.pk}/figures/"
    response = api(people["doit"]).post(url, {"year": 2024, "revenue": TOO_MUCH}, format="json")
    assert response.status_code == 400 and list(fields_of(response)) == ["revenue"]
    client.force_login(people["doit"])
    page = client.post(
        reverse("establishments:figure_save", args=[beneficiary.pk]),
        {"year": 2024, "production_value": TOO_MUCH},
    )
    assert page.status_code == 302
    assert not EstablishmentFigure.objects.filter(establishment=beneficiary).exists()
    ok = api(people["doit"]).post(
        url, {"year": 2024, "revenue": 10**15, "production_value": None, "employees": 4}, format="json"
    )
    assert ok.status_code == 201


def test_decision_dates_and_amounts_on_the_api_and_the_page(client, people, make_proposal):
    payload = {
        "kind": "allocation",
        "number": "9/QĐ-BCT",
        "signer": "Thứ trưởng",
        "issuer": Organisation.objects.get(code="bo-cong-thuong").pk,
        "plan_year": 2027,
        "source": "kcqg",
        "title": "Phân bổ",
    }
    agency = api(people["agency"])
    for day in (YEAR_1, "1899-12-31"):
        response = agency.post("/api/v1/decisions/", {**payload, "date": day}, format="json")
        assert response.status_code == 400 and list(fields_of(response)) == ["date"], day
    client.force_login(people["agency"])
    page = client.post(reverse("projects:decision_list"), {**payload, "date": YEAR_1})
    assert page.status_code == 200 and page.context["form"].errors.get("date")
    assert not Decision.objects.exists()

    project = through_appraisal(people, make_proposal(), recommended=240_000_000)
    decision = agency_decision(people, "10/QĐ-BCT")
    page = client.post(
        reverse("projects:decision_detail", args=[decision.pk]),
        {"project": project.pk, "action": "approve", "amount": str(10**16)},
    )
    assert page.status_code == 200 and page.context["line_form"].errors.get("amount")
    response = agency.post(
        f"/api/v1/decisions/{decision.pk}/lines/",
        {"project": project.pk, "action": "approve", "amount": 10**16},
        format="json",
    )
    assert response.status_code == 400 and list(fields_of(response)) == ["amount"]
    assert not DecisionLine.objects.exists()


def test_action_dates_on_the_api_and_the_page(client, people, make_proposal):
    project = make_proposal()
    url = f"/api/v1/projects/{project.pk}/actions"
    doit = api(people["doit"])
    doit.post(f"{url}/submit/", {}, format="json")
    data = {"body": "Tổ thẩm định", "recommendation": "approve", "recommended_amount": "240.000.000"}
    response = doit.post(f"{url}/doit_appraise/", {**data, "appraised_on": YEAR_9999}, format="json")
    assert response.status_code == 400 and list(fields_of(response)) == ["appraised_on"]
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED
