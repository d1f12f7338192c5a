"""The at-risk flag: the project's own page (``flags``) and the dashboards' list
(``at_risk_projects``, one query) apply one rule and agree on every case."""

import datetime

import pytest

from khuyencong.core.permissions import get_scope
from khuyencong.projects.models import ProgressReport, Project, Status
from khuyencong.projects.queries import at_risk_projects, flags
from khuyencong.projects.tests.test_cycle import approved_under_contract, through_appraisal

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def running(people, make_proposal):
    """Three running projects of 100 days, 60 days gone (60 % of their time). ``reports``: the
    progress reports of the first, (days ago, % done)."""
    today = datetime.date.today()
    projects = []
    for i in range(3):
        project = through_appraisal(people, make_proposal(), recommended=100_000_000)
        project = approved_under_contract(people, project, 100_000_000, f"40{i}/QĐ-BCT", f"HĐ-4{i}")
        assert project.status == Status.IN_PROGRESS
        Project.objects.filter(pk=project.pk).update(start_date=today - 60 * DAY, end_date=today + 40 * DAY)
        projects.append(Project.objects.get(pk=project.pk))
    return today, projects


@pytest.mark.parametrize(
    "reports, at_risk",
    [
        ([], True),  # 60 % of the time gone and no report
        ([(30, 50)], False),  # 50 % done, 30 days ago: within 25 points, recent
        ([(30, 30)], True),  # 30 % done against 60 % of the time: 30 points behind
        ([(10, 50), (59, 10)], False),  # the latest month counts, not the report written last
        ([(61, 100)], True),  # nothing reported for more than 60 days
    ],
)
def test_page_and_dashboard_apply_one_rule(people, running, reports, at_risk):
    today, (project, on_time, silent) = running
    for days_ago, percent in reports:
        ProgressReport.objects.create(
            project=project, month=today - days_ago * DAY, percent_done=percent, narrative="Tiến độ"
        )
    ProgressReport.objects.create(
        project=on_time, month=today - 5 * DAY, percent_done=60, narrative="Đúng hạn"
    )
    assert ("at_risk" in flags(project, today)) is at_risk
    listed = {p.pk for p in at_risk_projects(get_scope(people["agency"]), today)}
    assert (project.pk in listed) is at_risk
    assert on_time.pk not in listed and silent.pk in listed  # the third has no report at all
    assert not at_risk_projects(get_scope(people["other_doit"]), today)  # another province's
