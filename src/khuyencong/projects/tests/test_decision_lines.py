"""Every refusal of ``projects.services.decisions`` asserted, each with its own message; then the same
rules through the page and the API. Messages are compared with the service's own translations."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.test import APIClient

from khuyencong.core.formatting import format_money
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, LegalDocument
from khuyencong.projects.models import (
    Decision,
    DecisionLine,
    LedgerEntry,
    LineAction,
    Project,
    Status,
    SupportNorm,
)
from khuyencong.projects.services import decisions, implementation
from khuyencong.projects.services.ledger import money_of
from khuyencong.projects.tests.test_cycle import agency_decision, approved_under_contract, through_appraisal

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
REQUESTED = 250_000_000  # make_proposal's state support


def messages_of(error: ValidationError, field: str | None = None) -> list[str]:
    if field is None:
        return list(error.messages)
    return list(error.message_dict.get(field, []))


def refused(field: str | None, call, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return messages_of(caught.value, field)


@pytest.fixture
def appraised(people, make_proposal):
    return through_appraisal(people, make_proposal(), recommended=240_000_000)


def set_line(people, decision, project, action="approve", amount=240_000_000, reason="", who="agency"):
    return decisions.decision_set_line(
        user=people[who], decision=decision, project=project, action=action, amount=amount, reason=reason
    )


# --- creating a decision -----------------------------------------------------------------------------


def test_creating_a_decision_is_refused_with_a_reason(people, tuyen_quang, hanoi):
    data = {
        "kind": "allocation",
        "number": "1/QĐ-UBND",
        "date": TODAY,
        "signer": "Phó Chủ tịch",
        "issuer": Organisation.objects.get(code="bo-cong-thuong"),
        "plan_year": 2027,
        "title": "Phân bổ",
    }
    # a province records neither national decisions nor another province's
    for who, extra in (
        ("doit", {"source": "kcqg"}),
        ("doit", {"source": "kcdp", "province": hanoi}),
        ("leader", {"source": "kcdp", "province": tuyen_quang}),
        ("expert1", {"source": "kcqg"}),
    ):
        with pytest.raises(PermissionDenied):
            decisions.decision_create(user=people[who], data={**data, **extra})
    assert refused(
        "province", decisions.decision_create, user=people["agency"], data={**data, "source": "kcdp"}
    ) == [_("A provincial (KCĐP) decision names its province.")]
    future = {**data, "source": "kcqg", "date": TODAY + datetime.timedelta(days=1)}
    assert refused("date", decisions.decision_create, user=people["agency"], data=future) == [
        _("This date is in the future.")
    ]
    assert not Decision.objects.exists()
    own = decisions.decision_create(
        user=people["doit"], data={**data, "source": "kcdp", "province": tuyen_quang}
    )
    assert own.province == tuyen_quang


# --- lines of an allocation --------------------------------------------------------------------------


def test_only_those_who_decide_change_a_draft(people, appraised):
    decision = agency_decision(people, "301/QĐ-BCT")
    for who in ("doit", "other_doit", "leader", "expert1", "unit"):
        with pytest.raises(PermissionDenied):
            set_line(people, decision, appraised, who=who)
    line = set_line(people, decision, appraised)
    for who in ("doit", "leader"):
        with pytest.raises(PermissionDenied):
            decisions.decision_remove_line(user=people[who], line=line)
        with pytest.raises(PermissionDenied):
            decisions.decision_issue(user=people[who], decision=decision)
    assert DecisionLine.objects.filter(decision=decision).count() == 1


def test_an_allocation_line_is_refused_with_each_reason(people, appraised, make_proposal, hanoi):
    code = appraised.code
    allocation = agency_decision(people, "302/QĐ-BCT")
    line = {"user": people["agency"], "decision": allocation, "project": appraised, "reason": ""}

    def amount_errors(**kwargs):
        return refused("amount", decisions.decision_set_line, **{**line, **kwargs})

    assert amount_errors(action="approve", amount=0) == [_("The approved support must be more than 0.")]
    assert amount_errors(action="approve", amount=REQUESTED + 1) == [
        _("%(code)s: %(amount)s is more than the %(requested)s requested.")
        % {"code": code, "amount": format_money(REQUESTED + 1), "requested": format_money(REQUESTED)}
    ]
    for action in (LineAction.ADD, LineAction.ADJUST, LineAction.STOP):
        assert (
            _("An %(kind)s cannot “%(action)s”.")
            % {"kind": allocation.get_kind_display(), "action": LineAction(action).label}
        ) in amount_errors(action=action, amount=1, reason="x")
    draft = make_proposal(name="Đề án chưa thẩm định")
    assert (
        _("%(code)s has not finished appraisal (it is “%(status)s”).")
        % {"code": draft.code, "status": draft.get_status_display()}
    ) in amount_errors(project=draft, action="approve", amount=1)
    other_year = agency_decision(people, "303/QĐ-BCT")
    Decision.objects.filter(pk=other_year.pk).update(plan_year=2028)
    other_year.refresh_from_db()
    assert amount_errors(decision=other_year, action="approve", amount=1) == [
        _("%(code)s belongs to another plan year or funding source.") % {"code": code}
    ]
    provincial = decisions.decision_create(
        user=people["agency"],
        data={
            "kind": "allocation",
            "number": "9/QĐ-UBND",
            "date": TODAY,
            "signer": "Chủ tịch",
            "issuer": Organisation.objects.get(code="bo-cong-thuong"),
            "plan_year": 2027,
            "source": "kcqg",
            "province": hanoi,
            "title": "Phân bổ",
        },
    )
    assert amount_errors(decision=provincial, action="approve", amount=1) == [
        _("%(code)s is not a project of this province.") % {"code": code}
    ]
    assert not DecisionLine.objects.exists()


def test_a_line_over_the_support_norm_is_refused(people, appraised):
    norm = SupportNorm.objects.create(
        code="thu-dao-tao",
        content=Content.objects.get(code="dao-tao-nghe"),
        name="Định mức thử",
        max_percent=10,
        legal_basis=LegalDocument.objects.first(),
        valid_from=datetime.date(2018, 1, 1),
    )
    Project.objects.filter(pk=appraised.pk).update(support_norm=norm)
    appraised.refresh_from_db()
    allocation = agency_decision(people, "304/QĐ-BCT")
    errors = refused("amount", set_line, people=people, decision=allocation, project=appraised)
    assert len(errors) == 1 and norm.name in errors[0] and format_money(240_000_000) in errors[0]
    assert not DecisionLine.objects.exists()


def test_an_issued_decision_is_locked_and_an_empty_one_cannot_be_issued(people, appraised):
    allocation = agency_decision(people, "305/QĐ-BCT")
    assert refused(None, decisions.decision_issue, user=people["agency"], decision=allocation) == [
        _("The decision has no projects.")
    ]
    assert not Decision.objects.get(pk=allocation.pk).is_issued
    line = set_line(people, allocation, appraised)
    decisions.decision_issue(user=people["agency"], decision=allocation)
    locked = [_("An issued decision cannot be changed; record an amendment decision.")]
    assert refused(None, set_line, people=people, decision=allocation, project=appraised, amount=1) == locked
    assert refused(None, decisions.decision_remove_line, user=people["agency"], line=line) == locked
    assert refused(None, decisions.decision_issue, user=people["agency"], decision=allocation) == locked
    assert DecisionLine.objects.get(pk=line.pk).amount == 240_000_000


def test_issuing_checks_every_line_again(people, appraised):
    first = agency_decision(people, "306/QĐ-BCT")
    second = agency_decision(people, "307/QĐ-BCT")
    set_line(people, first, appraised)
    set_line(people, second, appraised, amount=200_000_000)
    decisions.decision_issue(user=people["agency"], decision=first)
    appraised.refresh_from_db()
    entries = LedgerEntry.objects.count()
    assert refused("amount", decisions.decision_issue, user=people["agency"], decision=second) == [
        _("%(code)s has not finished appraisal (it is “%(status)s”).")
        % {"code": appraised.code, "status": appraised.get_status_display()}
    ]
    assert LedgerEntry.objects.count() == entries and not Decision.objects.get(pk=second.pk).is_issued
    assert money_of(appraised).plan == 240_000_000


# --- lines of an amendment ---------------------------------------------------------------------------


def test_an_amendment_line_is_refused_with_each_reason(people, appraised, make_proposal):
    amendment = agency_decision(people, "401/QĐ-BCT", kind="amendment")
    # an amendment does not "approve"; a project not approved yet can be neither adjusted nor stopped
    assert (
        _("An %(kind)s cannot “%(action)s”.")
        % {"kind": amendment.get_kind_display(), "action": LineAction.APPROVE.label}
    ) in refused("amount", set_line, people=people, decision=amendment, project=appraised, action="approve")
    not_running = [_("Only approved projects not yet accepted can be adjusted or stopped.")]
    assert (
        refused("amount", set_line, people=people, decision=amendment, project=appraised, action="adjust")
        == not_running
    )
    assert (
        refused(
            "amount",
            set_line,
            people=people,
            decision=amendment,
            project=appraised,
            action="stop",
            amount=0,
            reason="x",
        )
        == not_running
    )
    project = approved_under_contract(people, appraised, 240_000_000, "402/QĐ-BCT", "HĐ-40")
    implementation.record_payment(
        user=people["doit"], project=project, paid_on=TODAY, amount=150_000_000, reference="UNC 40"
    )
    assert refused(
        "reason",
        set_line,
        people=people,
        decision=amendment,
        project=project,
        action="stop",
        amount=0,
        reason=" ",
    ) == [_("Say why the project is stopped.")]
    assert refused(
        "amount",
        set_line,
        people=people,
        decision=amendment,
        project=project,
        action="adjust",
        amount=100_000_000,
    ) == [
        _("%(code)s: %(paid)s has already been paid; the approved support cannot be lower.")
        % {"code": project.code, "paid": format_money(150_000_000)}
    ]
    assert refused(
        "amount",
        set_line,
        people=people,
        decision=amendment,
        project=project,
        action="stop",
        amount=240_000_001,
        reason="Ngừng",
    ) == [_("Stopping cannot increase the approved support.")]
    assert refused(
        "amount", set_line, people=people, decision=amendment, project=project, action="add", amount=1
    ) == [
        _("%(code)s has not finished appraisal (it is “%(status)s”).")
        % {"code": project.code, "status": project.get_status_display()}
    ]
    assert not DecisionLine.objects.filter(decision=amendment).exists()
    project.refresh_from_db()
    assert project.status == Status.IN_PROGRESS and money_of(project).plan == 240_000_000


# --- through the page and the API --------------------------------------------------------------------


def test_refusals_through_the_page_and_the_api(client, people, appraised):
    allocation = agency_decision(people, "501/QĐ-BCT")
    too_much = _("%(code)s: %(amount)s is more than the %(requested)s requested.") % {
        "code": appraised.code,
        "amount": format_money(REQUESTED + 1),
        "requested": format_money(REQUESTED),
    }
    client.force_login(people["agency"])
    page = client.post(
        reverse("projects:decision_detail", args=[allocation.pk]),
        {"project": appraised.pk, "action": "approve", "amount": str(REQUESTED + 1)},
    )
    assert page.status_code == 200
    assert too_much in page.content.decode()
    api = APIClient()
    api.force_login(people["agency"])
    response = api.post(
        f"/api/v1/decisions/{allocation.pk}/lines/",
        {"project": appraised.pk, "action": "approve", "amount": 0},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["amount"] == [_("The approved support must be more than 0.")]
    empty = api.post(f"/api/v1/decisions/{allocation.pk}/issue/")
    assert empty.status_code == 400 and _("The decision has no projects.") in str(empty.json())
    api.force_login(people["doit"])  # sees the national decision, cannot change it
    forbidden = api.post(
        f"/api/v1/decisions/{allocation.pk}/lines/",
        {"project": appraised.pk, "action": "approve", "amount": 1},
        format="json",
    )
    assert forbidden.status_code == 403
    assert not DecisionLine.objects.exists()
