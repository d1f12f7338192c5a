"""One project through the whole cycle, and one stopped with a refund – through the services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khuyencong.core.models import ObjectChange
from khuyencong.core.permissions import get_scope
from khuyencong.orgs.models import Organisation
from khuyencong.projects.models import (
    ExpertAssignment,
    LedgerEntry,
    LedgerKind,
    Status,
)
from khuyencong.projects.services import appraisal, decisions, implementation, transitions
from khuyencong.projects.services.ledger import money_of
from khuyencong.reporting.reports import consolidation, plan_on, plan_versions
from khuyencong.testing.appraisal import council_2027

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = datetime.date.today()


def agency_decision(people, number, kind="allocation", date=None):
    return decisions.decision_create(
        user=people["agency"],
        data={
            "kind": kind,
            "number": number,
            "date": date or TODAY,
            "signer": "Thứ trưởng",
            "plan_year": 2027,
            "source": "kcqg",
            "issuer": Organisation.objects.get(code="bo-cong-thuong"),
            "title": "Phân bổ kế hoạch kinh phí KCQG năm 2027",
        },
    )


def through_appraisal(people, project, recommended=None):
    transitions.project_submit(user=people["doit"], project=project)
    if recommended is None:
        recommended = money_of(project).requested
    transitions.project_doit_appraise(
        user=people["doit"],
        project=project,
        appraised_on=TODAY,
        body="Hội đồng thẩm định Sở Công Thương",
        recommendation="approve",
        recommended_amount=recommended,
    )
    transitions.project_forward(user=people["doit"], project=project)
    council = council_2027(people)
    appraisal.assign_experts(
        user=people["agency"],
        council=council,
        project=project,
        experts=[people["expert1"], people["expert2"]],
    )
    for expert in ("expert1", "expert2"):
        assignment = ExpertAssignment.objects.get(project=project, expert=people[expert])
        criteria = assignment.council.criteria_set.criteria.all()
        scores = {c.pk: {"value": 8} for c in criteria}
        scores[criteria.last().pk] = {"not_applicable": True}
        appraisal.save_review(
            user=people[expert],
            assignment=assignment,
            scores=scores,
            recommendation="approve",
            recommended_amount=recommended,
            submit=True,
        )
    appraisal.session_conclude(
        user=people["agency"],
        council=council,
        held_on=TODAY,
        place="Hà Nội",
        present=list(council.members.all()[:2]),
        minutes="Biên bản phiên họp",
    )
    project.refresh_from_db()
    return project


def approved_under_contract(people, project, amount, decision_number, contract_number, date=None):
    """An appraised proposal approved by an allocation decision, then its contract signed (today)."""
    allocation = agency_decision(people, decision_number, date=date)
    decisions.decision_set_line(
        user=people["agency"], decision=allocation, project=project, action="approve", amount=amount
    )
    decisions.decision_issue(user=people["agency"], decision=allocation)
    implementation.sign_contract(
        user=people["doit"],
        project=project,
        number=contract_number,
        signed_on=TODAY,
        parties="Sở Công Thương – Trung tâm Khuyến công",
        value=amount,
    )
    project.refresh_from_db()
    return project


def test_the_whole_cycle(people, make_proposal):
    project = make_proposal()
    assert project.status == Status.DRAFT and project.code.startswith("KCQG-2027-08-")
    project = through_appraisal(people, project, recommended=240_000_000)
    assert project.status == Status.AGENCY_APPRAISED
    result = project.council_results.get()
    assert result.average_score == 80 and result.rank == 1 and result.recommended_amount == 240_000_000

    allocation = agency_decision(people, "101/QĐ-BCT", date=TODAY - datetime.timedelta(days=10))
    decisions.decision_set_line(
        user=people["agency"], decision=allocation, project=project, action="approve", amount=240_000_000
    )
    decisions.decision_issue(user=people["agency"], decision=allocation)
    project.refresh_from_db()
    assert project.status == Status.APPROVED and money_of(project).plan == 240_000_000

    amendment = agency_decision(people, "202/QĐ-BCT", kind="amendment")
    decisions.decision_set_line(
        user=people["agency"],
        decision=amendment,
        project=project,
        action="adjust",
        amount=230_000_000,
        reason="Giảm quy mô lớp học",
    )
    decisions.decision_issue(user=people["agency"], decision=amendment)
    scope = get_scope(people["agency"])
    assert plan_on(scope, 2027, "kcqg", TODAY - datetime.timedelta(days=5))["amount"] == 240_000_000
    assert plan_on(scope, 2027, "kcqg", TODAY)["amount"] == 230_000_000
    assert [v["plan"] for v in plan_versions(scope, 2027, "kcqg")] == [240_000_000, 230_000_000]

    implementation.sign_contract(
        user=people["doit"],
        project=project,
        number="HĐ-01/2027",
        signed_on=TODAY,
        parties="Sở Công Thương – Trung tâm Khuyến công",
        value=230_000_000,
    )
    implementation.report_progress(
        user=people["unit"] if False else people["doit"],
        project=project,
        month=TODAY,
        percent_done=40,
        narrative="Đã khai giảng 2 lớp",
    )
    implementation.pay_advance(
        user=people["doit"], project=project, paid_on=TODAY, amount=150_000_000, reference="UNC 01"
    )
    with pytest.raises(ValidationError, match="70"):
        implementation.pay_advance(
            user=people["doit"], project=project, paid_on=TODAY, amount=20_000_000, reference="UNC 02"
        )
    implementation.record_payment(
        user=people["doit"], project=project, paid_on=TODAY, amount=80_000_000, reference="UNC 03"
    )
    with pytest.raises(ValidationError, match="vượt kinh phí phê duyệt"):
        implementation.record_payment(
            user=people["doit"], project=project, paid_on=TODAY, amount=1, reference="UNC 04"
        )
    implementation.accept(
        user=people["doit"], project=project, accepted_on=TODAY, minutes_number="BB-NT-05", result="passed"
    )
    implementation.settle(
        user=people["doit"],
        project=project,
        settled_on=TODAY,
        document="QT-07",
        amount=225_000_000,
        counterpart_actual=130_000_000,
    )
    project.refresh_from_db()
    money = money_of(project)
    assert project.status == Status.SETTLED and money.settled == 225_000_000 and money.refund_due == 5_000_000
    implementation.record_refund(
        user=people["doit"], project=project, refunded_on=TODAY, amount=5_000_000, reference="Nộp trả NSNN 01"
    )
    assert money_of(project).refund_due == 0
    kinds = list(project.events.values_list("kind", flat=True))
    assert kinds[:4] == ["created", "submitted", "doit_appraised", "forwarded"]
    assert kinds[-3:] == ["accepted", "settled", "refund"]
    assert (
        ObjectChange.objects.for_object(project).filter(reason__startswith="quyết định 202/QĐ-BCT").exists()
    )


def test_a_project_is_stopped_and_refunds(people, make_proposal):
    project = through_appraisal(
        people, make_proposal(state=100_000_000, counterpart=50_000_000), recommended=100_000_000
    )
    allocation = agency_decision(people, "103/QĐ-BCT")
    decisions.decision_set_line(
        user=people["agency"], decision=allocation, project=project, action="approve", amount=100_000_000
    )
    decisions.decision_issue(user=people["agency"], decision=allocation)
    project.refresh_from_db()
    implementation.sign_contract(
        user=people["doit"],
        project=project,
        number="HĐ-09",
        signed_on=TODAY,
        parties="Sở – Trung tâm",
        value=100_000_000,
    )
    implementation.pay_advance(
        user=people["doit"], project=project, paid_on=TODAY, amount=50_000_000, reference="UNC 09"
    )
    stop = agency_decision(people, "204/QĐ-BCT", kind="amendment")
    with pytest.raises(ValidationError):
        decisions.decision_set_line(
            user=people["agency"], decision=stop, project=project, action="stop", amount=0, reason=""
        )
    decisions.decision_set_line(
        user=people["agency"],
        decision=stop,
        project=project,
        action="stop",
        amount=0,
        reason="Cơ sở thụ hưởng ngừng sản xuất",
    )
    decisions.decision_issue(user=people["agency"], decision=stop)
    project.refresh_from_db()
    money = money_of(project)
    assert project.status == Status.STOPPED and money.plan == 0 and money.refund_due == 50_000_000
    with pytest.raises(ValidationError):
        implementation.record_refund(
            user=people["doit"], project=project, refunded_on=TODAY, amount=60_000_000, reference="x"
        )
    implementation.record_refund(
        user=people["doit"],
        project=project,
        refunded_on=TODAY,
        amount=50_000_000,
        reference="Nộp trả NSNN 09",
    )
    assert money_of(project).refund_due == 0
    assert project.events.filter(kind="stopped", document__startswith="204/QĐ-BCT").exists()


def test_forbidden_transitions_are_refused_with_a_reason(people, make_proposal):
    project = make_proposal()
    with pytest.raises(
        ValidationError, match="Không thể “Chuyển Cục” khi đề án đang ở trạng thái “bản nháp”"
    ):
        transitions.project_forward(user=people["doit"], project=project)
    with pytest.raises(ValidationError):
        implementation.sign_contract(
            user=people["doit"], project=project, number="x", signed_on=TODAY, parties="x", value=1
        )
    with pytest.raises(PermissionDenied):  # another province's officer does not even see it
        transitions.project_submit(user=people["other_doit"], project=project)
    with pytest.raises(PermissionDenied):  # a national leader sees but cannot act
        transitions.project_submit(user=people["leader"], project=project)
    transitions.project_submit(user=people["doit"], project=project)
    with pytest.raises(PermissionDenied):  # experts are not part of the DOIT's appraisal
        transitions.project_doit_appraise(
            user=people["expert1"],
            project=project,
            appraised_on=TODAY,
            body="x",
            recommendation="approve",
            recommended_amount=1,
        )
    with pytest.raises(ValidationError, match="250"):
        transitions.project_doit_appraise(
            user=people["doit"],
            project=project,
            appraised_on=TODAY,
            body="Sở",
            recommendation="approve",
            recommended_amount=300_000_000,
        )
    with pytest.raises(ValidationError):
        transitions.project_return(user=people["doit"], project=project, reason=" ")
    transitions.project_return(user=people["doit"], project=project, reason="Bổ sung dự toán chi tiết")
    project.refresh_from_db()
    assert project.status == Status.RETURNED
    assert project.events.last().note == "Bổ sung dự toán chi tiết"


def test_amounts_never_exceed_what_was_decided(people, make_proposal):
    project = through_appraisal(people, make_proposal())
    allocation = agency_decision(people, "105/QĐ-BCT")
    with pytest.raises(ValidationError, match="250"):
        decisions.decision_set_line(
            user=people["agency"], decision=allocation, project=project, action="approve", amount=260_000_000
        )
    decisions.decision_set_line(
        user=people["agency"], decision=allocation, project=project, action="approve", amount=200_000_000
    )
    decisions.decision_issue(user=people["agency"], decision=allocation)
    with pytest.raises(ValidationError):  # issued decisions are locked
        decisions.decision_set_line(
            user=people["agency"], decision=allocation, project=project, action="approve", amount=1
        )
    project.refresh_from_db()
    with pytest.raises(ValidationError, match="200"):
        implementation.sign_contract(
            user=people["doit"], project=project, number="HĐ", signed_on=TODAY, parties="x", value=200_000_001
        )
    implementation.sign_contract(
        user=people["doit"], project=project, number="HĐ", signed_on=TODAY, parties="x", value=200_000_000
    )
    implementation.record_payment(
        user=people["doit"], project=project, paid_on=TODAY, amount=150_000_000, reference="UNC"
    )
    amendment = agency_decision(people, "206/QĐ-BCT", kind="amendment")
    with pytest.raises(ValidationError, match="150"):  # cannot cut below what was paid
        decisions.decision_set_line(
            user=people["agency"], decision=amendment, project=project, action="adjust", amount=100_000_000
        )
    with pytest.raises(ValidationError):
        implementation.settle(
            user=people["doit"], project=project, settled_on=TODAY, document="QT", amount=1
        )  # not accepted yet
    with pytest.raises(PermissionDenied):
        LedgerEntry.objects.filter(project=project).delete()
    entry = LedgerEntry.objects.filter(project=project).first()
    entry.amount = 1
    with pytest.raises(PermissionDenied):
        entry.save()


def test_scores_are_hidden_until_submitted_and_conflicts_recuse(people, make_proposal):
    project = make_proposal()
    transitions.project_submit(user=people["doit"], project=project)
    transitions.project_doit_appraise(
        user=people["doit"],
        project=project,
        appraised_on=TODAY,
        body="Sở",
        recommendation="approve",
        recommended_amount=250_000_000,
    )
    transitions.project_forward(user=people["doit"], project=project)
    council = council_2027(people)
    appraisal.assign_experts(
        user=people["agency"],
        council=council,
        project=project,
        experts=[people["expert1"], people["expert2"], people["expert3"]],
    )
    a1, a2, a3 = (
        ExpertAssignment.objects.get(project=project, expert=people[e])
        for e in ("expert1", "expert2", "expert3")
    )
    criteria = list(council.criteria_set.criteria.all())
    with pytest.raises(ValidationError) as missing:
        appraisal.save_review(
            user=people["expert1"],
            assignment=a1,
            scores={criteria[0].pk: {"value": 9}},
            recommendation="approve",
            recommended_amount=1,
            submit=True,
        )
    assert "hoặc đánh dấu “không áp dụng”" in str(missing.value)
    with pytest.raises(ValidationError):
        appraisal.save_review(user=people["expert1"], assignment=a1, scores={criteria[0].pk: {"value": 11}})
    with pytest.raises(PermissionDenied):
        appraisal.save_review(user=people["expert2"], assignment=a1, scores={})
    full = {c.pk: {"value": 10} for c in criteria}
    appraisal.save_review(
        user=people["expert1"],
        assignment=a1,
        scores=full,
        recommendation="approve",
        recommended_amount=250_000_000,
        submit=True,
    )
    visible_to_2 = set(ExpertAssignment.objects.restrict(people["expert2"]).filter(project=project))
    assert visible_to_2 == {a2}
    appraisal.declare_conflict(
        user=people["expert2"], assignment=a2, reason="Người thân là chủ cơ sở thụ hưởng"
    )
    with pytest.raises(ValidationError):
        appraisal.save_review(
            user=people["expert2"],
            assignment=a2,
            scores=full,
            submit=True,
            recommendation="approve",
            recommended_amount=1,
        )
    half = {c.pk: {"value": 5} for c in criteria}
    half[criteria[-1].pk] = {"not_applicable": True}
    appraisal.save_review(
        user=people["expert3"],
        assignment=a3,
        scores=half,
        recommendation="approve_with_changes",
        recommended_amount=200_000_000,
        submit=True,
    )
    assert set(ExpertAssignment.objects.restrict(people["expert3"]).filter(project=project)) == {a1, a2, a3}
    assert appraisal.expert_score(a3) == 50  # N/A left out, not counted as 0
    with pytest.raises(ValidationError, match="1"):
        appraisal.session_conclude(
            user=people["agency"],
            council=council,
            held_on=TODAY,
            place="",
            present=list(council.members.all()[:1]),
            minutes="x",
        )
    appraisal.session_conclude(
        user=people["agency"],
        council=council,
        held_on=TODAY,
        place="",
        present=list(council.members.all()),
        minutes="Biên bản",
    )
    result = project.council_results.get()
    assert result.experts == 2 and result.average_score == 75  # the recused expert does not count
    assert result.recommendation == "approve_with_changes" and result.recommended_amount == 225_000_000


def test_two_users_editing_the_same_proposal(people, make_proposal):
    from khuyencong.core.exceptions import ConflictError
    from khuyencong.projects.services.proposals import proposal_save

    project = make_proposal()
    proposal_save(user=people["doit"], project=project, data={"name": "Tên do Sở sửa"}, version=1)
    with pytest.raises(ConflictError) as conflict:
        proposal_save(user=people["agency"], project=project, data={"objectives": "Mục tiêu mới"}, version=1)
    assert conflict.value.changed_fields == ["tên"]
    project.refresh_from_db()
    assert project.name == "Tên do Sở sửa" and project.objectives == "Đào tạo 60 lao động"


def test_deadline_and_late_acceptance(people, make_proposal, round_2027):
    project = make_proposal(
        user=people["unit"], implementing_org=Organisation.objects.get(code="hoi-nong-dan")
    )
    round_2027.deadline = TODAY - datetime.timedelta(days=1)
    round_2027.opens_on = TODAY - datetime.timedelta(days=60)
    round_2027.save()
    with pytest.raises(ValidationError, match="Đã quá hạn nộp"):
        transitions.project_submit(user=people["unit"], project=project)
    assert [a.name for a in transitions.available_actions(people["unit"], project)] == ["withdraw"]
    with pytest.raises(PermissionDenied):
        transitions.project_accept_late(user=people["unit"], project=project, reason="Xin nộp muộn")
    transitions.project_accept_late(user=people["doit"], project=project, reason="Chậm do thiên tai")
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED and project.late


def test_plan_on_any_date_is_the_sum_of_decisions_up_to_that_date(people, make_proposal):
    """However decisions interleave, the plan on a date equals the decisions dated up to it."""
    import random

    rng = random.Random(7)
    projects = [through_appraisal(people, make_proposal(state=100_000_000 + i * 1_000_000)) for i in range(3)]
    expected: list[tuple[datetime.date, int]] = []
    approved: dict[int, int] = {}
    for step in range(6):
        day = TODAY - datetime.timedelta(days=60 - step * 10)
        kind = "allocation" if step == 0 else "amendment"
        decision = agency_decision(people, f"{300 + step}/QĐ-BCT", kind=kind, date=day)
        for project in projects:
            project.refresh_from_db()
            if step == 0:
                amount = rng.randrange(50, 100) * 1_000_000
                decisions.decision_set_line(
                    user=people["agency"], decision=decision, project=project, action="approve", amount=amount
                )
            else:
                amount = rng.randrange(40, 100) * 1_000_000
                decisions.decision_set_line(
                    user=people["agency"], decision=decision, project=project, action="adjust", amount=amount
                )
            approved[project.pk] = amount
        decisions.decision_issue(user=people["agency"], decision=decision)
        expected.append((day, sum(approved.values())))
    scope = get_scope(people["agency"])
    for day, total in expected:
        assert plan_on(scope, 2027, "kcqg", day)["amount"] == total
        assert plan_on(scope, 2027, "kcqg", day + datetime.timedelta(days=5))["amount"] == total
    assert plan_on(scope, 2027, "kcqg", expected[0][0] - datetime.timedelta(days=1))["amount"] == 0
    assert sum(v["change"] for v in plan_versions(scope, 2027, "kcqg")) == expected[-1][1]


def test_a_project_across_provinces_never_double_counts(people, make_proposal, tuyen_quang, hanoi):
    from khuyencong.projects.services.proposals import proposal_save

    project = make_proposal(state=100_000_001, kind="inter_regional")
    proposal_save(
        user=people["agency"],
        project=project,
        data={},
        version=project.version,
        locations=[{"province": tuyen_quang, "share_bp": 3333}, {"province": hanoi, "share_bp": 6667}],
    )
    transitions.project_submit(user=people["doit"], project=project)
    table = consolidation(get_scope(people["agency"]), 2027, "kcqg")
    by_province = {row.label: row.value(LedgerKind.REQUESTED) for row in table.provinces}
    assert by_province == {
        "Tuyên Quang": 33_330_000,
        "Hà Nội": 66_670_001,
    }  # 33,33 % / 66,67 %, largest remainder
    assert sum(by_province.values()) == table.total.value(LedgerKind.REQUESTED) == 100_000_001
    # the Hà Nội officer sees the project through its share
    assert project in type(project).objects.restrict(people["other_doit"])
