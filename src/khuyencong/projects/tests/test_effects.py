"""Effect figures of the support (revenue, production value, jobs before and after) – the rule in the
service, the page from the project, and the API action."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.core.models import ObjectChange
from khuyencong.orgs.models import Organisation
from khuyencong.projects.models import Project, ProjectBeneficiary, Status
from khuyencong.projects.services import implementation
from khuyencong.projects.tests.test_cycle import approved_under_contract, through_appraisal
from khuyencong.testing.factories import user_with_role

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
FIGURES = {
    "revenue_before": 1_200_000_000,
    "revenue_after": 1_560_000_000,
    "production_before": 900_000_000,
    "production_after": 1_100_000_000,
    "jobs_before": 20,
    "jobs_after": 26,
}


@pytest.fixture
def centre(db):
    """A user of the implementing unit (the provincial extension centre)."""
    return user_with_role("implementing_unit", organisation=Organisation.objects.get(code="ttkc-08-2025"))


@pytest.fixture
def in_progress(people, make_proposal) -> Project:
    project = through_appraisal(people, make_proposal(), recommended=200_000_000)
    project = approved_under_contract(people, project, 200_000_000, "301/QĐ-BCT", "HĐ-31")
    assert project.status == Status.IN_PROGRESS
    return project


def test_effects_are_recorded_audited_and_on_the_timeline(people, centre, in_progress):
    row = in_progress.beneficiaries.get()
    implementation.report_effects(user=people["doit"], project=in_progress, beneficiary=row, **FIGURES)
    row.refresh_from_db()
    assert (row.revenue_before, row.revenue_after, row.jobs_after) == (1_200_000_000, 1_560_000_000, 26)
    event = in_progress.events.get(kind="effects")
    assert event.user == people["doit"]
    assert "doanh thu 1,200 tỷ đồng → 1,560 tỷ đồng" in event.note and "20 → 26" in event.note
    change = ObjectChange.objects.for_object(row).latest("id")
    assert change.user == people["doit"] and change.reason == "số liệu hiệu quả"
    assert change.before["revenue_after"] is None and change.after["revenue_after"] == 1_560_000_000

    # the implementing unit may correct them; a blank figure is "not known"
    implementation.report_effects(
        user=centre, project=in_progress, beneficiary=row, jobs_before=20, jobs_after=28
    )
    row.refresh_from_db()
    assert row.jobs_after == 28 and row.revenue_after is None


def test_effects_are_refused_with_a_reason(people, make_proposal, in_progress, beneficiary):
    row = in_progress.beneficiaries.get()
    with pytest.raises(ValidationError, match="ít nhất một"):
        implementation.report_effects(user=people["doit"], project=in_progress, beneficiary=row)
    with pytest.raises(ValidationError) as error:
        implementation.report_effects(
            user=people["doit"], project=in_progress, beneficiary=row, revenue_before=-1
        )
    assert "revenue_before" in error.value.message_dict
    # another project's beneficiary
    draft = make_proposal(name="Đề án khác")
    other_row = draft.beneficiaries.get()
    with pytest.raises(ValidationError) as error:
        implementation.report_effects(
            user=people["doit"], project=in_progress, beneficiary=other_row, jobs_after=3
        )
    assert "beneficiary" in error.value.message_dict
    # before the contract there is nothing to measure yet
    with pytest.raises(
        ValidationError, match="Không thể “Cập nhật hiệu quả sau hỗ trợ” khi đề án đang ở trạng thái"
    ):
        implementation.report_effects(user=people["doit"], project=draft, beneficiary=other_row, jobs_after=3)
    # another province's officer, and a reader
    with pytest.raises(PermissionDenied):
        implementation.report_effects(
            user=people["other_doit"], project=in_progress, beneficiary=row, jobs_after=3
        )
    with pytest.raises(PermissionDenied):
        implementation.report_effects(
            user=people["leader"], project=in_progress, beneficiary=row, jobs_after=3
        )
    row.refresh_from_db()
    assert row.jobs_after is None and not in_progress.events.filter(kind="effects").exists()


def test_effects_through_the_pages(client, people, in_progress):
    row = in_progress.beneficiaries.get()
    client.force_login(people["doit"])
    detail = client.get(in_progress.get_absolute_url())
    link = f"{reverse('projects:action', args=[in_progress.pk, 'report_effects'])}?beneficiary={row.pk}"
    assert link in detail.content.decode()

    url = reverse("projects:action", args=[in_progress.pk, "report_effects"])
    page = client.get(url, {"beneficiary": row.pk})
    assert page.status_code == 200 and "Chưa có số liệu." in page.content.decode()
    bad = client.post(url, {"beneficiary": row.pk, "revenue_before": "1.2 tỷ", "jobs_after": "-3"})
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert "revenue_before" in errors and "jobs_after" in errors
    row.refresh_from_db()
    assert row.revenue_before is None
    empty = client.post(url, {"beneficiary": row.pk})
    assert "Nhập ít nhất một số liệu." in empty.content.decode()

    done = client.post(
        url,
        {
            "beneficiary": row.pk,
            "revenue_before": "1.200.000.000",
            "revenue_after": "1.560.000.000",
            "jobs_before": "20",
            "jobs_after": "26",
        },
    )
    assert done.status_code == 302 and done["Location"] == in_progress.get_absolute_url()
    html = client.get(in_progress.get_absolute_url()).content.decode()
    assert "+30,0%" in html and "Cập nhật số liệu hiệu quả" in html  # revenue and jobs both +30 %

    # the form opens with the figures so far
    again = client.get(url, {"beneficiary": row.pk})
    assert again.context["form"].initial["revenue_after"] == 1_560_000_000

    # another province: the project is not there; a reader: no such action
    client.force_login(people["other_doit"])
    assert client.get(url).status_code == 404
    client.force_login(people["leader"])
    assert client.get(url).status_code == 403
    assert "effects-link" not in client.get(in_progress.get_absolute_url()).content.decode()


def test_effects_through_the_api(centre, in_progress):
    row = in_progress.beneficiaries.get()
    client = APIClient()
    client.force_login(centre)
    url = f"/api/v1/projects/{in_progress.pk}/actions/report_effects/"
    refused = client.post(url, {"beneficiary": row.pk, "jobs_after": -1}, format="json")
    assert refused.status_code == 400 and "jobs_after" in refused.json()["error"]["fields"]
    answer = client.post(
        url, {"beneficiary": row.pk, "production_before": "900.000.000", "production_after": 1_100_000_000}
    )
    assert answer.status_code == 200, answer.json()
    figures = answer.json()["beneficiaries"][0]
    assert figures["production_before"] == 900_000_000 and figures["production_after"] == 1_100_000_000
    assert ProjectBeneficiary.objects.get(pk=row.pk).production_after == 1_100_000_000
    actions = client.get(f"/api/v1/projects/{in_progress.pk}/actions/").json()
    assert "report_effects" in [a["name"] for a in actions]
    timeline = client.get(f"/api/v1/projects/{in_progress.pk}/timeline/").json()
    assert [e["kind"] for e in timeline][-2:] == ["contract_signed", "effects"]
    assert timeline[-2]["on"] == TODAY.isoformat() and timeline[-2]["document"] == "HĐ-31"
    assert timeline[-1]["on"] is None and timeline[-1]["user_name"] == str(centre)
