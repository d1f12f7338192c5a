"""A project's reported results through the API, as on its page: read them, and the DOIT or the
agency reviews each once – with the page's permissions (404 outside the scope, 403 not theirs)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from khuyencong.projects.services import implementation
from khuyencong.projects.tests.test_results import in_progress, indicator_of  # noqa: F401 – the fixture

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def submitted(people, in_progress):  # noqa: F811
    return implementation.report_result(
        user=people["unit"],
        project=in_progress,
        indicator=indicator_of(in_progress),
        value=Decimal(30),
        period_end=datetime.date.today(),
        note="Hai lớp đã khai giảng",
    )


def test_the_results_are_read_as_the_page_shows_them(people, in_progress, submitted):  # noqa: F811
    rows = api(people["doit"]).get(f"/api/v1/projects/{in_progress.pk}/results/").json()
    assert [(r["id"], r["state"], r["value"], r["note"]) for r in rows] == [
        (submitted.pk, "submitted", "30.00", "Hai lớp đã khai giảng")
    ]
    assert rows[0]["indicator_code"] == submitted.indicator.code
    assert api(people["other_doit"]).get(f"/api/v1/projects/{in_progress.pk}/results/").status_code == 404


def test_the_doit_reviews_a_result_once(people, in_progress, submitted):  # noqa: F811
    url = f"/api/v1/projects/{in_progress.pk}/results/{submitted.pk}/review/"
    assert api(people["other_doit"]).post(url, {"approve": True}, format="json").status_code == 404
    assert api(people["unit"]).post(url, {"approve": True}, format="json").status_code == 403
    assert api(people["doit"]).post(url, {}, format="json").status_code == 400  # approve: named
    answer = api(people["doit"]).post(url, {"approve": True}, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == "approved"
    submitted.refresh_from_db()
    assert submitted.state == "approved" and submitted.reviewed_by == people["doit"]
    again = api(people["agency"]).post(url, {"approve": False}, format="json")
    assert again.status_code == 400  # each report is reviewed once
    other = f"/api/v1/projects/{in_progress.pk}/results/999999/review/"
    assert api(people["doit"]).post(other, {"approve": True}, format="json").status_code == 404
    assert (
        api(people["doit"])
        .post(f"/api/v1/projects/{in_progress.pk}/results/abc/review/", {"approve": True}, format="json")
        .status_code
        == 404
    )


def test_a_line_is_taken_off_a_draft_decision_as_on_its_page(people, make_proposal):
    from khuyencong.projects.models import DecisionLine
    from khuyencong.projects.services import decisions
    from khuyencong.projects.tests.test_cycle import agency_decision, through_appraisal

    project = through_appraisal(people, make_proposal(), recommended=240_000_000)
    decision = agency_decision(people, "302/QĐ-BCT")
    line = decisions.decision_set_line(
        user=people["agency"],
        decision=decision,
        project=project,
        action="approve",
        amount=240_000_000,
        reason="",
    )
    url = f"/api/v1/decisions/{decision.pk}/lines/{line.pk}/"
    for who in ("doit", "other_doit", "leader"):  # they see a national decision; they do not decide
        assert api(people[who]).delete(url).status_code == 403
    assert api(people["agency"]).delete(f"/api/v1/decisions/999999/lines/{line.pk}/").status_code == 404
    assert api(people["agency"]).delete(f"/api/v1/decisions/{decision.pk}/lines/999999/").status_code == 404
    assert api(people["agency"]).delete(url).status_code == 204
    assert not DecisionLine.objects.filter(pk=line.pk).exists()
    assert api(people["agency"]).delete(url).status_code == 404  # gone
    line = decisions.decision_set_line(
        user=people["agency"],
        decision=decision,
        project=project,
        action="approve",
        amount=240_000_000,
        reason="",
    )
    decisions.decision_issue(user=people["agency"], decision=decision)
    issued = api(people["agency"]).delete(f"/api/v1/decisions/{decision.pk}/lines/{line.pk}/")
    assert issued.status_code == 400  # an issued decision cannot be changed
