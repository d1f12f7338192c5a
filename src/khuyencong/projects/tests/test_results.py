"""Reported results: ``report_result`` and ``review_result`` – the rules in the services, the page and
the API through the action table, and which values count."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.core.models import ObjectChange
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Indicator
from khuyencong.projects.models import Project, ResultReport, Status
from khuyencong.projects.services import implementation
from khuyencong.projects.tests.test_cycle import approved_under_contract, through_appraisal

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def in_progress(people, make_proposal) -> Project:
    """A project of the implementing unit (``people["unit"]``) under contract."""
    proposal = make_proposal(implementing_org=Organisation.objects.get(code="hoi-nong-dan"))
    project = through_appraisal(people, proposal, recommended=200_000_000)
    project = approved_under_contract(people, project, 200_000_000, "401/QĐ-BCT", "HĐ-41")
    assert project.status == Status.IN_PROGRESS
    return project


def indicator_of(project) -> Indicator:
    return project.planned_results.get().indicator


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_value_reported_by_the_doit_counts_at_once(people, in_progress):
    indicator = indicator_of(in_progress)
    report = implementation.report_result(
        user=people["doit"], project=in_progress, indicator=indicator, value=Decimal(25), period_end=TODAY
    )
    assert report.state == "approved" and report.reviewed_by == people["doit"]
    event = in_progress.events.get(kind="result")
    assert event.user == people["doit"] and event.note.startswith(f"{indicator.name}: 25")
    assert ObjectChange.objects.for_object(report).get().reason == "báo cáo kết quả"
    with pytest.raises(ValidationError, match=r"already|đã được"):
        implementation.review_result(user=people["agency"], report=report, approve=False)


def test_a_value_from_the_implementing_unit_waits_for_the_doit(people, in_progress):
    report = implementation.report_result(
        user=people["unit"],
        project=in_progress,
        indicator=indicator_of(in_progress),
        value=Decimal(30),
        period_end=TODAY,
        note="Hai lớp đã khai giảng",
    )
    assert report.state == "submitted" and report.reviewed_by is None
    for outsider in ("unit", "leader", "other_doit", "expert1"):  # not theirs to approve
        with pytest.raises(PermissionDenied):
            implementation.review_result(user=people[outsider], report=report, approve=True)
    report.refresh_from_db()
    assert report.state == "submitted"

    reviewed = implementation.review_result(user=people["doit"], report=report, approve=True)
    assert reviewed.state == "approved" and reviewed.reviewed_by == people["doit"]
    change = ObjectChange.objects.for_object(report).latest("id")
    assert change.user == people["doit"] and change.after["state"] == "approved"
    with pytest.raises(ValidationError):
        implementation.review_result(user=people["doit"], report=report, approve=False)


def test_what_report_result_refuses(people, make_proposal, in_progress):
    indicator = indicator_of(in_progress)
    with pytest.raises(ValidationError) as error:
        implementation.report_result(
            user=people["doit"],
            project=in_progress,
            indicator=indicator,
            value=Decimal(1),
            period_end=TODAY + datetime.timedelta(days=1),
        )
    assert list(error.value.message_dict) == ["period_end"]
    other = Indicator.objects.exclude(content=in_progress.content).first()
    with pytest.raises(ValidationError) as error:
        implementation.report_result(
            user=people["doit"], project=in_progress, indicator=other, value=Decimal(1), period_end=TODAY
        )
    assert list(error.value.message_dict) == ["indicator"]
    with pytest.raises(PermissionDenied):
        implementation.report_result(
            user=people["leader"],
            project=in_progress,
            indicator=indicator,
            value=Decimal(1),
            period_end=TODAY,
        )
    draft = make_proposal()
    with pytest.raises(ValidationError, match=r"Report results|Báo cáo kết quả"):
        implementation.report_result(
            user=people["doit"], project=draft, indicator=indicator, value=Decimal(1), period_end=TODAY
        )
    assert not ResultReport.objects.exists()


def test_results_through_the_page_and_the_api_and_what_counts(people, in_progress):
    indicator = indicator_of(in_progress)
    unit = login(people["unit"])
    page = reverse("projects:action", args=[in_progress.pk, "report_result"])
    form = unit.get(page).context["form"]
    assert list(form.fields["indicator"].queryset) == list(
        Indicator.objects.filter(content=in_progress.content)
    )
    posted = unit.post(page, {"indicator": indicator.pk, "value": "12", "period_end": TODAY.isoformat()})
    assert posted.status_code == 302
    api = APIClient()
    api.force_login(people["unit"])
    url = f"/api/v1/projects/{in_progress.pk}/actions/report_result/"
    answer = api.post(
        url, {"indicator": indicator.pk, "value": "8", "period_end": TODAY.isoformat()}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    first, second = ResultReport.objects.order_by("id")
    assert (first.value, second.value, first.state, second.state) == (12, 8, "submitted", "submitted")

    detail = in_progress.get_absolute_url()
    actual = {r.indicator_id: a for r, a in unit.get(detail).context["results"]}
    assert actual[indicator.pk] is None  # nothing approved yet

    review = reverse("projects:result_review", args=[in_progress.pk, first.pk])
    unit.post(review, {"approve": "1"})  # the unit cannot approve its own report
    first.refresh_from_db()
    assert first.state == "submitted"
    assert login(people["other_doit"]).post(review, {"approve": "1"}).status_code == 404

    doit = login(people["doit"])
    assert doit.post(review, {"approve": "1"}).status_code == 302
    doit.post(reverse("projects:result_review", args=[in_progress.pk, second.pk]), {"approve": "0"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("approved", "rejected")
    actual = {r.indicator_id: a for r, a in doit.get(detail).context["results"]}
    expected = Decimal(12)  # the rejected 8 does not count
    assert actual[indicator.pk] == expected
