"""Reports in a provincial scope: predecessors' decisions, one plan year among several, query counts."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from khuyencong.core.permissions import ANONYMOUS, CHANGE, VIEW, get_scope
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.orgs.models import Organisation
from khuyencong.projects.models import Decision, LedgerEntry, LedgerKind, RegistrationRound
from khuyencong.projects.services import decisions, implementation, transitions
from khuyencong.projects.services.proposals import proposal_save
from khuyencong.projects.tests.test_cycle import agency_decision, approved_under_contract, through_appraisal
from khuyencong.reporting.engine import scoped_ledger
from khuyencong.reporting.reports import consolidation, executed, plan_on, plan_versions
from khuyencong.testing.factories import user_with_role

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
MERGER = datetime.date(2025, 7, 1)


def former_province(code: str) -> AdministrativeUnit:
    """The province of that code as it was before the merger of 1 July 2025."""
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code=code, valid_from__lt=MERGER)


def provincial_decision(province: AdministrativeUnit, issuer: str, number: str, plan_year: int = 2025):
    """A KCĐP allocation of a People's Committee, already issued (as imported history would be)."""
    return Decision.objects.create(
        kind="allocation",
        number=number,
        date=datetime.date(plan_year - 1, 12, 20),
        signer=f"Phó Chủ tịch UBND tỉnh {province.name}",
        issuer=Organisation.objects.get(code=issuer),
        plan_year=plan_year,
        source="kcdp",
        province=province,
        title=f"Giao kế hoạch khuyến công địa phương năm {plan_year}",
        issued_at=timezone.now(),
    )


@pytest.mark.parametrize(
    "code, issuer",
    [("02", "so-ct-02-2008"), ("08", "so-ct-08-2008")],
    ids=["former Hà Giang", "Tuyên Quang before the merger"],
)
def test_a_merged_province_reads_its_predecessors_decisions(people, code, issuer):
    old = provincial_decision(former_province(code), issuer, "1234/QĐ-UBND")
    tuyen_quang, hanoi = people["doit"], people["other_doit"]  # provincial officers of today's provinces
    assert Decision.objects.restrict(tuyen_quang).filter(pk=old.pk).exists()
    assert not Decision.objects.restrict(hanoi).filter(pk=old.pk).exists()
    assert [v["decision"] for v in plan_versions(get_scope(tuyen_quang), 2025, "kcdp")] == [old]
    assert plan_versions(get_scope(hanoi), 2025, "kcdp") == []
    # history is read, not rewritten: decisions are recorded under the province of today
    assert not Decision.objects.restrict(tuyen_quang, CHANGE).filter(pk=old.pk).exists()


def test_a_province_records_its_own_decisions_only(people, tuyen_quang):
    own = provincial_decision(tuyen_quang, "so-ct-08-2025", "15/QĐ-UBND", plan_year=2026)
    assert Decision.objects.restrict(people["doit"], CHANGE).filter(pk=own.pk).exists()
    assert not Decision.objects.restrict(people["other_doit"]).filter(pk=own.pk).exists()
    assert Decision.objects.restrict(people["agency"], CHANGE).filter(pk=own.pk).exists()


def test_provincial_reports_count_only_the_plan_year_asked(people, make_proposal, tuyen_quang, hanoi):
    """Tuyên Quang has a KCQG project of 2027 (shared with Cao Bằng, settled), a KCQG one of 2028 and a
    KCĐP one of 2027; Hà Nội a KCQG one of 2027. Each scope's reports read exactly its year and source."""
    cao_bang = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="04", valid_from=MERGER)
    cao_bang_officer = user_with_role("provincial_officer", province=cao_bang, username="p_caobang")
    project = make_proposal(state=200_000_000, kind="inter_regional")
    proposal_save(
        user=people["agency"],
        project=project,
        data={},
        version=project.version,
        locations=[{"province": tuyen_quang, "share_bp": 6000}, {"province": cao_bang, "share_bp": 4000}],
    )
    project = through_appraisal(people, project, recommended=200_000_000)
    project = approved_under_contract(
        people, project, 200_000_000, "401/QĐ-BCT", "HĐ-04/2027", date=TODAY - datetime.timedelta(days=3)
    )
    allocation = Decision.objects.get(number="401/QĐ-BCT")
    implementation.accept(
        user=people["doit"], project=project, accepted_on=TODAY, minutes_number="BB-NT-04", result="passed"
    )
    implementation.settle(
        user=people["doit"], project=project, settled_on=TODAY, document="QT-04", amount=190_000_000
    )
    # two settled entries (one per province), one settled project
    assert LedgerEntry.objects.filter(project=project, kind=LedgerKind.SETTLED).count() == 2
    # Hà Nội files a proposal of the same year
    in_hanoi = make_proposal(
        user=people["other_doit"],
        state=70_000_000,
        lead_province=hanoi,
        implementing_org=Organisation.objects.get(code="ttkc-01-2025"),
    )
    transitions.project_submit(user=people["other_doit"], project=in_hanoi)
    # Tuyên Quang has a proposal of another plan year
    round_2028 = RegistrationRound.objects.create(
        plan_year=2028,
        source="kcqg",
        name="Đăng ký KCQG năm 2028",
        opens_on=TODAY - datetime.timedelta(days=5),
        deadline=TODAY + datetime.timedelta(days=60),
    )
    later = make_proposal(
        round=round_2028,
        plan_year=2028,
        state=90_000_000,
        start_date=datetime.date(2028, 3, 1),
        end_date=datetime.date(2028, 10, 31),
    )
    transitions.project_submit(user=people["doit"], project=later)
    # and a provincial (KCĐP) proposal of 2027
    local = make_proposal(round=None, source="kcdp", state=40_000_000)
    transitions.project_submit(user=people["doit"], project=local)

    tq, hn, cb, agency = (
        get_scope(user) for user in (people["doit"], people["other_doit"], cao_bang_officer, people["agency"])
    )
    requested = {  # (requested, proposals) of 2027 by source; Cao Bằng sees the shared project whole
        tq: {"kcqg": (200_000_000, 1), "kcdp": (40_000_000, 1), None: (240_000_000, 2)},
        cb: {"kcqg": (200_000_000, 1), "kcdp": (0, 0), None: (200_000_000, 1)},
        hn: {"kcqg": (70_000_000, 1), "kcdp": (0, 0), None: (70_000_000, 1)},
        agency: {"kcqg": (270_000_000, 2), "kcdp": (40_000_000, 1), None: (310_000_000, 3)},
        ANONYMOUS: {"kcqg": (0, 0), "kcdp": (0, 0), None: (0, 0)},
    }
    for scope, by_source in requested.items():
        for source, (amount, proposals) in by_source.items():
            table = consolidation(scope, 2027, source)
            assert (table.total.value(LedgerKind.REQUESTED), table.total.proposals) == (amount, proposals)

    for scope in (tq, cb, agency):
        table = consolidation(scope, 2027, "kcqg")
        assert table.total.value("plan") == 200_000_000
        assert table.total.value(LedgerKind.SETTLED) == 190_000_000
        assert plan_on(scope, 2027, "kcqg", TODAY) == {"on": TODAY, "amount": 200_000_000, "projects": 1}
        assert plan_on(scope, 2028, None, TODAY)["amount"] == 0
        versions = plan_versions(scope, 2027, "kcqg")
        assert [(v["decision"], v["change"], v["plan"], v["lines"]) for v in versions] == [
            (allocation, 200_000_000, 200_000_000, 1)
        ]
        assert plan_versions(scope, 2028, None) == []
        settled = {"amount": 190_000_000, "projects": 1}
        assert executed(scope, 2027) == executed(scope, 2027, "kcqg") == settled
        assert executed(scope, 2027, "kcdp") == executed(scope, 2028) == {"amount": 0, "projects": 0}
    for scope in (tq, agency):
        assert consolidation(scope, 2028, None).total.value(LedgerKind.REQUESTED) == 90_000_000
        assert consolidation(scope, 2028, None).total.proposals == 1
    # Hà Nội's officer sees neither the other year nor Tuyên Quang's money
    assert consolidation(hn, 2028, None).total.value(LedgerKind.REQUESTED) == 0
    assert consolidation(hn, 2027, "kcqg").total.value("plan") == 0
    assert executed(hn, 2027) == {"amount": 0, "projects": 0}
    assert [v["change"] for v in plan_versions(hn, 2027, "kcqg")] == [0]  # the decision, none of its money

    # the reports read exactly the entries the scope's own ledger filter gives
    for scope, year, source in itertools.product(
        (tq, cb, hn, agency, ANONYMOUS), (2027, 2028), ("kcqg", "kcdp", None)
    ):
        reference = LedgerEntry.objects.within(scope, VIEW).filter(plan_year=year)
        if source:
            reference = reference.filter(source=source)
        assert sorted(
            scoped_ledger(scope, {"plan_year": year, "source": source}).values_list("pk", flat=True)
        ) == sorted(reference.values_list("pk", flat=True))


def test_a_filed_proposal_keeps_its_plan_year(people, make_proposal):
    """The reports find a project's entries under the year and source of the project itself."""
    project = make_proposal()
    transitions.project_submit(user=people["doit"], project=project)
    transitions.project_return(user=people["doit"], project=project, reason="Bổ sung hồ sơ")
    project.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        proposal_save(user=people["doit"], project=project, data={"plan_year": 2028}, version=project.version)
    assert "plan_year" in error.value.message_dict


@pytest.mark.parametrize("who", ["agency", "doit"])
def test_plan_versions_reads_every_decision_in_a_fixed_number_of_queries(people, make_proposal, who):
    project = through_appraisal(people, make_proposal(state=200_000_000), recommended=200_000_000)
    scope = get_scope(people[who])
    counts = []
    for n, amount in enumerate((200_000_000, 190_000_000, 180_000_000, 170_000_000)):
        project.refresh_from_db()
        decision = agency_decision(people, f"50{n}/QĐ-BCT", kind="allocation" if n == 0 else "amendment")
        decisions.decision_set_line(
            user=people["agency"],
            decision=decision,
            project=project,
            action="approve" if n == 0 else "adjust",
            amount=amount,
            reason="" if n == 0 else "Điều chỉnh",
        )
        decisions.decision_issue(user=people["agency"], decision=decision)
        with CaptureQueriesContext(connection) as queries:
            versions = plan_versions(scope, 2027, "kcqg")
        counts.append(len(queries))
        assert len(versions) == n + 1 and versions[-1]["plan"] == amount
        assert [v["lines"] for v in versions] == [1] * (n + 1)
    assert len(set(counts)) == 1, counts


def test_the_plan_on_a_date_counts_the_projects_still_in_it(people, make_proposal, django_assert_num_queries):
    first, second = (
        through_appraisal(people, make_proposal(state=amount), recommended=amount)
        for amount in (100_000_000, 80_000_000)
    )
    allocation = agency_decision(people, "601/QĐ-BCT", date=TODAY - datetime.timedelta(days=10))
    for project in (first, second):
        project.refresh_from_db()
        decisions.decision_set_line(
            user=people["agency"],
            decision=allocation,
            project=project,
            action="approve",
            amount=100_000_000 if project == first else 80_000_000,
        )
    decisions.decision_issue(user=people["agency"], decision=allocation)
    second.refresh_from_db()
    stop = agency_decision(people, "602/QĐ-BCT", kind="amendment", date=TODAY)
    decisions.decision_set_line(
        user=people["agency"],
        decision=stop,
        project=second,
        action="stop",
        amount=0,
        reason="Không triển khai",
    )
    decisions.decision_issue(user=people["agency"], decision=stop)
    for who in ("doit", "agency"):
        scope = get_scope(people[who])
        with django_assert_num_queries(1):
            before = plan_on(scope, 2027, "kcqg", TODAY - datetime.timedelta(days=1))
        assert (before["amount"], before["projects"]) == (180_000_000, 2)
        with django_assert_num_queries(1):
            after = plan_on(scope, 2027, None, TODAY)
        assert (after["amount"], after["projects"]) == (100_000_000, 1)  # the stopped one is out
        with django_assert_num_queries(1):
            assert executed(scope, 2027) == {"amount": 0, "projects": 0}
        versions = plan_versions(scope, 2027, "kcqg")
        assert [(v["change"], v["plan"], v["lines"]) for v in versions] == [
            (180_000_000, 180_000_000, 2),
            (-80_000_000, 100_000_000, 1),
        ]
