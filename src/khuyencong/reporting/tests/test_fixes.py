"""The three figures the consolidation and the plan page had wrong (issue “National statistics”)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from khuyencong.accounts.models import User
from khuyencong.core.permissions import get_scope
from khuyencong.projects.services import implementation, transitions
from khuyencong.projects.tests.test_cycle import approved_under_contract, through_appraisal
from khuyencong.reporting.reports import consolidation

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_a_withdrawn_proposal_leaves_the_requested_money_with_its_count(people, make_proposal, client):
    """Withdrawn, a submitted 250 triệu proposal left the proposal count but stayed under “requested”."""
    filed_on = TODAY - datetime.timedelta(days=10)
    kept = make_proposal(state=180_000_000, counterpart=60_000_000)
    transitions.project_submit(user=people["doit"], project=kept, on=filed_on)
    project = make_proposal(state=250_000_000, counterpart=120_000_000)
    transitions.project_submit(user=people["doit"], project=project, on=filed_on)
    scope = get_scope(people["agency"])
    before = consolidation(scope, 2027, "kcqg").total
    assert (before.proposals, before.value("requested"), before.value("counterpart_requested")) == (
        2,
        430_000_000,
        180_000_000,
    )
    transitions.project_withdraw(user=people["doit"], project=project, reason="Đơn vị rút hồ sơ")
    table = consolidation(scope, 2027, "kcqg")
    assert (
        table.total.proposals,
        table.total.value("requested"),
        table.total.value("counterpart_requested"),
    ) == (
        1,
        180_000_000,
        60_000_000,
    )
    assert [(r.label, r.proposals, r.value("requested")) for r in table.provinces] == [
        ("Tuyên Quang", 1, 180_000_000)
    ]
    # the page and the API show the same
    client.force_login(people["agency"])
    page = client.get(reverse("reporting:consolidation"), {"plan_year": 2027, "source": "kcqg"})
    assert page.context["table"].total.value("requested") == 180_000_000
    api = client.get("/api/v1/reports/consolidation/", {"plan_year": 2027, "source": "kcqg"}).json()
    assert (api["total"]["proposals"], api["total"]["amounts"]["requested"]) == (1, 180_000_000)
    # as it stood the day before the withdrawal (recorded today), the proposal was still standing
    yesterday = consolidation(scope, 2027, "kcqg", on=TODAY - datetime.timedelta(days=1)).total
    assert (yesterday.proposals, yesterday.value("requested")) == (2, 430_000_000)
    before_filing = consolidation(scope, 2027, "kcqg", on=filed_on - datetime.timedelta(days=1)).total
    assert (before_filing.proposals, before_filing.value("requested")) == (0, 0)
    assert consolidation(scope, 2027, "kcqg", on=TODAY).total.value("requested") == 180_000_000
    # the page, its Excel file and the API take the same date
    day_before = (TODAY - datetime.timedelta(days=1)).isoformat()
    query = {"plan_year": 2027, "source": "kcqg", "on": day_before}
    page = client.get(reverse("reporting:consolidation"), query)
    assert (page.context["table"].total.proposals, page.context["table"].total.value("requested")) == (
        2,
        430_000_000,
    )
    assert 'data-testid="as-of"' in page.content.decode() and "Số liệu tính đến ngày" in page.content.decode()
    excel = client.get(reverse("reporting:consolidation"), {**query, "export": "xlsx"})
    assert excel.status_code == 200 and day_before.replace("-", "") in excel["Content-Disposition"]
    api = client.get("/api/v1/reports/consolidation/", query).json()
    assert (api["on"], api["total"]["proposals"], api["total"]["amounts"]["requested"]) == (
        day_before,
        2,
        430_000_000,
    )
    assert client.get("/api/v1/reports/consolidation/", {**query, "on": "31/02/2027"}).status_code == 400
    bad = client.get(reverse("reporting:consolidation"), {**query, "on": "hôm qua"})
    assert bad.status_code == 200 and bad.context["form"].errors["on"]


def test_the_plan_on_a_past_date_cuts_execution_at_the_same_date(people, make_proposal, client):
    project = through_appraisal(people, make_proposal(state=200_000_000), recommended=200_000_000)
    project = approved_under_contract(
        people, project, 200_000_000, "701/QĐ-BCT", "HĐ-07/2027", date=TODAY - datetime.timedelta(days=10)
    )
    implementation.accept(
        user=people["doit"], project=project, accepted_on=TODAY, minutes_number="BB-NT-07", result="passed"
    )
    implementation.settle(
        user=people["doit"], project=project, settled_on=TODAY, document="QT-07", amount=190_000_000
    )
    client.force_login(people["agency"])
    earlier = TODAY - datetime.timedelta(days=5)
    page = client.get(
        reverse("reporting:plan"), {"plan_year": 2027, "source": "kcqg", "on": earlier.isoformat()}
    )
    assert page.context["at"]["amount"] == 200_000_000
    assert page.context["executed"] == {"amount": 0, "projects": 0, "on": earlier}  # not yet settled then
    today = client.get(reverse("reporting:plan"), {"plan_year": 2027, "source": "kcqg"}).context
    assert (today["at"]["amount"], today["executed"]["amount"], today["executed"]["projects"]) == (
        200_000_000,
        190_000_000,
        1,
    )
    api = client.get("/api/v1/reports/plan/", {"plan_year": 2027, "on": earlier.isoformat()}).json()
    assert (api["at"]["amount"], api["executed"]["amount"]) == (200_000_000, 0)


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_the_demo_2020_plan_and_its_recommendations(demo, client):
    """On 01/08/2020 the plan stood at 144 bn and nothing was settled yet (it showed 147.747 bn
    executed, 102,60 %); the 2020 consolidation's recommendation columns were all 0 because the
    history of 2020 recorded no appraisal amounts."""
    officer = User.objects.get(username="cuc_canbo")
    client.force_login(officer)
    page = client.get(reverse("reporting:plan"), {"plan_year": 2020, "source": "kcqg", "on": "2020-08-01"})
    assert page.context["at"]["amount"] == 144_000_000_000
    assert page.context["executed"]["amount"] == 0
    assert "102,60" not in page.content.decode()
    end = client.get(
        reverse("reporting:plan"), {"plan_year": 2020, "source": "kcqg", "on": "2020-12-31"}
    ).context
    assert (end["at"]["amount"], end["executed"]["amount"], end["executed"]["projects"]) == (
        150_000_000_000,
        147_747_000_000,
        218,
    )
    table = consolidation(get_scope(officer), 2020, "kcqg", "old")
    total = table.total
    assert total.value("recommended_doit") == total.value("requested") == 158_293_000_000
    assert total.value("recommended") == 151_600_000_000  # the first allocations, added ones included
    assert total.value("plan") <= total.value("recommended") <= total.value("recommended_doit")
    assert all(row.value("recommended") > 0 for row in table.provinces)
    assert sum(row.value("recommended") for row in table.provinces) == total.value("recommended")
