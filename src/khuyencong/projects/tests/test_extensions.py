"""What the apps above geography and establishments add to them through extension points (the
lower app never imports the higher one): beneficiaries visible to the project's people, the support
an establishment received on its page, the organisations on a province's page."""

import pytest
from django.test import Client
from django.urls import reverse

from khuyencong.establishments.models import Establishment
from khuyencong.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_implementing_unit_reads_the_establishments_its_projects_support(
    people, make_proposal, beneficiary
):
    page = beneficiary.get_absolute_url()
    unit = login(people["unit"])
    assert unit.get(page).status_code == 404  # no project of theirs supports it yet
    assert not Establishment.objects.restrict(people["unit"]).filter(pk=beneficiary.pk).exists()

    project = make_proposal(
        user=people["unit"], implementing_org=Organisation.objects.get(code="hoi-nong-dan")
    )
    assert Establishment.objects.restrict(people["unit"]).filter(pk=beneficiary.pk).exists()
    response = unit.get(page)
    assert response.status_code == 200
    assert project.code in response.content.decode()  # the support history, from the projects app
    assert not Establishment.objects.restrict(people["unit"], "change").filter(pk=beneficiary.pk).exists()


def test_a_province_page_lists_its_organisations(client, tuyen_quang):
    centre = Organisation.objects.get(code="ttkc-08-2025")
    response = client.get(reverse("geo:unit_detail", args=[tuyen_quang.pk]))
    assert response.status_code == 200
    assert centre in response.context["organisations"]
    assert centre.name in response.content.decode()
