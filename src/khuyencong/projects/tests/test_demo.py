"""The demo data reproduces the 2020 national figures (seed 000) through the same report queries
the pages use, runs the live cycle through the services, and loading it twice changes nothing."""

import datetime

import pytest
from django.core.management import call_command

from khuyencong.accounts.models import User
from khuyencong.core.permissions import get_scope
from khuyencong.projects.models import Decision, LedgerEntry, Project, Status
from khuyencong.projects.services.ledger import money_of
from khuyencong.reporting.reports import consolidation, executed, plan_on, plan_versions

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_the_2020_programme_adds_up_to_the_published_figures(demo):
    scope = get_scope(User.objects.get(username="cuc_canbo"))
    assert plan_on(scope, 2020, "kcqg", datetime.date(2020, 12, 31)) == {
        "on": datetime.date(2020, 12, 31),
        "amount": 150_000_000_000,
        "projects": 218,
    }
    assert executed(scope, 2020, "kcqg") == {"amount": 147_747_000_000, "projects": 218}
    # the plan as it stood before the amendments, and the three decisions that made it
    versions = plan_versions(scope, 2020, "kcqg")
    assert [v["plan"] for v in versions][-1] == 150_000_000_000
    assert len(versions) == 3 and versions[0]["plan"] > versions[1]["plan"]
    assert plan_on(scope, 2020, "kcqg", datetime.date(2020, 3, 1))["amount"] == versions[0]["plan"]
    # province rows add up to the national total (no project counted twice)
    table = consolidation(scope, 2020, "kcqg", "old")
    assert sum(r.value("plan") for r in table.provinces) == table.total.value("plan") == 150_000_000_000
    stopped = Project.objects.filter(plan_year=2020, status=Status.STOPPED)
    assert stopped.count() == 4 and all(
        money_of(p).plan == 0 and money_of(p).refund_due == 0 for p in stopped
    )
    assert all("(minh hoạ)" in d.number for d in Decision.objects.filter(plan_year=2020))


def test_the_implementing_unit_has_its_own_proposal_and_project(demo):
    from khuyencong.core.permissions import VIEW

    unit = User.objects.get(username="dvth_hoinongdan")
    own = Project.objects.restrict(unit, VIEW).filter(implementing_org=unit.organisation)
    assert set(own.values_list("status", flat=True)) == {Status.IN_PROGRESS, Status.SUBMITTED}
    filed = own.get(status=Status.SUBMITTED)
    assert filed.events.filter(kind="submitted", user=unit).exists()
    running = own.get(status=Status.IN_PROGRESS)
    assert money_of(running).plan == 160_000_000
    assert running.events.filter(kind="progress", user=unit).exists()


def test_the_live_cycle_and_a_provincial_view(demo):
    stages = dict(Project.objects.filter(plan_year__in=[2026, 2027]).values_list("name", "status"))
    assert sorted(stages.values()) == sorted(
        [
            Status.IN_PROGRESS,
            Status.SETTLED,
            Status.UNDER_REVIEW,
            Status.DOIT_APPRAISED,
            Status.SUBMITTED,
            Status.DRAFT,
            # the implementing unit's own: one in implementation, one filed for 2027
            Status.IN_PROGRESS,
            Status.SUBMITTED,
        ]
    )
    province = get_scope(User.objects.get(username="tuyenquang_so"))
    assert executed(province, 2026)["projects"] == 1
    # the province sees its own 2020 projects only, i.e. those of former Tuyên Quang and Hà Giang
    own = consolidation(province, 2020, "kcqg", "now")
    assert [r.label for r in own.provinces] == ["Tuyên Quang"]
    assert 0 < own.total.value("plan") < 150_000_000_000
    # loading again changes nothing
    counts = (Project.objects.count(), LedgerEntry.objects.count(), Decision.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Project.objects.count(), LedgerEntry.objects.count(), Decision.objects.count()) == counts


def test_the_2020_history_went_through_the_services(demo):
    """The decisions were issued by ``decision_issue`` (events, lines, locked), the projects were
    settled by ``settle`` – nothing of 2020 is written by hand."""
    scope = get_scope(User.objects.get(username="cuc_canbo"))
    versions = plan_versions(scope, 2020, "kcqg")
    assert [v["plan"] for v in versions] == [145_600_000_000, 144_000_000_000, 150_000_000_000]
    for decision in Decision.objects.filter(plan_year=2020):
        assert decision.is_issued and decision.issued_by.username == "cuc_canbo"
        assert decision.lines.count() == Project.objects.filter(events__document=str(decision)).count()
    settled = Project.objects.filter(plan_year=2020, status=Status.SETTLED)
    assert settled.count() == 218
    kinds = set(settled.first().events.values_list("kind", flat=True))
    assert {"submitted", "approved", "contract_signed", "accepted", "payment", "settled"} <= kinds
    refunded = Project.objects.get(plan_year=2020, status=Status.STOPPED, ledger__kind="refunded")
    assert [e.kind for e in refunded.events.order_by("id")][-2:] == ["stopped", "refund"]
