"""Provincial (KCĐP) projects through the movements file: their allocation decision is the
province's People's Committee's (the decision names the province), imported by the agency or by
the province's own DOIT; another province's project is out of a DOIT's reach.

The history (KCĐP 2019, former Tuyên Quang, training content; million đồng): requested 150,
counterpart 60; allocated 120 by the People's Committee (15/QĐ-UBND, 20/02/2019); contract 120
(01/04); advance 50 (10/04); payment 40 (20/06). By hand: plan 120, paid 90, still to pay 30;
the plan on 31/01/2019 is 0, on 28/02/2019 120.
"""

from __future__ import annotations

import datetime

import pytest

from khuyencong.core.permissions import get_scope
from khuyencong.exchange.kinds.movements import MOVEMENTS
from khuyencong.exchange.kinds.projects import PROJECTS
from khuyencong.exchange.tests.test_history_import import movement, project_row, run
from khuyencong.orgs.models import Organisation
from khuyencong.projects.models import Decision, LedgerEntry, Project
from khuyencong.projects.services import ledger
from khuyencong.projects.tests.conftest import people, tuyen_quang  # noqa: F401
from khuyencong.reporting.engine import aggregate

pytestmark = pytest.mark.django_db
D = datetime.date
M = 1_000_000
TQ = "KCDP-2019-08-0001"
HN = "KCDP-2019-01-0001"


def kcdp_row(code, province, org, requested, counterpart, name):
    return project_row(code, province, org, requested, counterpart, name, source="KCĐP")


PROJECT_ROWS = [
    kcdp_row(TQ, "Tuyên Quang", "ttkc-08-2008", "150.000.000", "60.000.000", "Đào tạo nghề đan lát"),
    kcdp_row(HN, "Hà Nội", "ttkc-01-2008", "150.000.000", "40.000.000", "Đào tạo nghề sơn mài"),
]


def money_rows(code=TQ, issuer="ubnd-08-2008", number="15/QĐ-UBND"):
    return [
        movement(code, "20/02/2019", "quyết định giao kế hoạch", "120.000.000", number, issuer=issuer),
        movement(code, "01/04/2019", "hợp đồng", "120.000.000", "HĐ 05/2019"),
        movement(code, "10/04/2019", "tạm ứng", "50.000.000", "UNC 31"),
        movement(code, "20/06/2019", "thanh toán", "40.000.000", "UNC 32"),
    ]


@pytest.fixture
def kcdp_projects(people):  # noqa: F811
    batch = run(people["agency"], PROJECTS, PROJECT_ROWS)
    assert batch.state == "imported", batch.errors
    return {p.code: p for p in Project.objects.filter(code__in=[TQ, HN])}


def test_the_agency_imports_a_provincial_decision(people, kcdp_projects):  # noqa: F811
    batch = run(people["agency"], MOVEMENTS, money_rows())
    assert batch.state == "imported", [e["message"] for e in batch.errors]
    project = Project.objects.get(code=TQ)
    decision = Decision.objects.get(number="15/QĐ-UBND")
    committee = Organisation.objects.get(code="ubnd-08-2008")
    assert (decision.issuer, decision.province, decision.source) == (
        committee,
        project.lead_province_now,
        "kcdp",
    )
    assert decision.signer == committee.name and decision.is_issued
    money = ledger.money_of(project)
    assert (money.plan, money.paid, money.still_to_pay) == (120 * M, 90 * M, 30 * M)
    scope = get_scope(people["agency"])
    assert aggregate(scope, ["plan"], filters={"plan_year": 2019, "source": "kcdp"}).total.values == {
        "plan": 120 * M
    }
    # by hand, through the engine: nothing planned before the decision, 120 after it
    assert aggregate(scope, ["plan"], filters={"plan_year": 2019}, on=D(2019, 1, 31)).total.value("plan") == 0
    assert (
        aggregate(scope, ["plan"], filters={"plan_year": 2019}, on=D(2019, 2, 28)).total.value("plan")
        == 120 * M
    )


def test_the_committee_by_its_name_or_by_default_is_the_one_in_office_then(people, kcdp_projects):  # noqa: F811
    # two People's Committees were named so (before and after the 2025 merger): the one of 2019
    named = money_rows(issuer="Ủy ban nhân dân tỉnh Tuyên Quang")[:1]
    batch = run(people["agency"], MOVEMENTS, named)
    assert batch.state == "imported", [e["message"] for e in batch.errors]
    assert Decision.objects.get(number="15/QĐ-UBND").issuer.code == "ubnd-08-2008"
    # an empty issuer: the People's Committee of the project's province in office on the date
    default = money_rows(code=HN, issuer="", number="07/QĐ-UBND")[:1]
    batch = run(people["agency"], MOVEMENTS, default)
    assert batch.state == "imported", [e["message"] for e in batch.errors]
    decision = Decision.objects.get(number="07/QĐ-UBND")
    assert decision.issuer.code == "ubnd-01-2008" and decision.province == kcdp_projects[HN].lead_province_now


def test_a_provincial_decision_of_another_issuer_is_refused_in_vietnamese(people, kcdp_projects):  # noqa: F811
    before = LedgerEntry.objects.count()
    wrong = [
        *money_rows(issuer="bo-cong-thuong")[:1],
        *money_rows(code=HN, issuer="ubnd-08-2008", number="07/QĐ-UBND")[:1],
        # before any People's Committee of the province was in office (as the register knows them)
        movement(HN, "20/02/2007", "quyết định giao kế hoạch", "100.000.000", "01/QĐ-UBND"),
    ]
    batch = run(people["agency"], MOVEMENTS, wrong)
    assert batch.state == "invalid"
    assert [(e["row"], e["column_key"]) for e in batch.errors] == [
        (2, "issuer"),
        (3, "issuer"),
        (4, "issuer"),
    ]
    first, second, third = (e["message"] for e in batch.errors)
    assert "bo-cong-thuong" in first and "KCĐP" in first and "Tuyên Quang" in first
    assert "ubnd-08-2008" in second and "Hà Nội" in second
    assert "Ủy ban nhân dân" in third and "20/02/2007" in third
    assert LedgerEntry.objects.count() == before and not Decision.objects.exists()


def test_a_province_imports_its_own_provincial_movements(people, kcdp_projects):  # noqa: F811
    batch = run(people["doit"], MOVEMENTS, money_rows(issuer=""))
    assert batch.state == "imported", [e["message"] for e in batch.errors]
    decision = Decision.objects.get(number="15/QĐ-UBND")
    assert decision.issuer.code == "ubnd-08-2008" and decision.province == kcdp_projects[TQ].lead_province_now
    money = ledger.money_of(kcdp_projects[TQ])
    assert (money.plan, money.paid) == (120 * M, 90 * M)


def test_another_provinces_project_is_out_of_reach_and_nothing_is_written(people, kcdp_projects):  # noqa: F811
    before = (LedgerEntry.objects.count(), Decision.objects.count())
    rows = [*money_rows(issuer=""), *money_rows(code=HN, issuer="ubnd-01-2008", number="07/QĐ-UBND")]
    batch = run(people["doit"], MOVEMENTS, rows)
    assert batch.state == "invalid"
    assert {(e["row"], e["column_key"]) for e in batch.errors} == {(n, "project") for n in range(6, 10)}
    assert all(HN in e["message"] for e in batch.errors)
    # and the other way round: Hà Nội's officer does not reach Tuyên Quang's project
    other = run(people["other_doit"], MOVEMENTS, money_rows())
    assert other.state == "invalid" and {e["column_key"] for e in other.errors} == {"project"}
    assert (LedgerEntry.objects.count(), Decision.objects.count()) == before
    assert Project.objects.get(code=TQ).status == Project.objects.get(code=HN).status == "doit_appraised"


def test_a_recorded_provincial_project_is_corrected_until_its_decision(people, kcdp_projects):  # noqa: F811
    changed = [dict(r) for r in PROJECT_ROWS]
    changed[0]["state_support"] = "160.000.000"
    batch = run(people["agency"], PROJECTS, changed)
    assert (batch.state, batch.updated, batch.unchanged) == ("imported", 1, 1), batch.errors
    assert ledger.money_of(Project.objects.get(code=TQ)).requested == 160 * M
    assert run(people["agency"], MOVEMENTS, money_rows()[:1]).state == "imported"
    changed[0]["state_support"] = "170.000.000"
    batch = run(people["agency"], PROJECTS, changed)
    assert batch.state == "invalid" and [e["row"] for e in batch.errors] == [2]


def test_a_national_decision_is_not_a_provinces(people):  # noqa: F811
    from khuyencong.exchange.tests.test_history_import import PROJECT_ROWS as NATIONAL

    assert run(people["agency"], PROJECTS, NATIONAL[:1]).state == "imported"
    code = NATIONAL[0]["code"]
    rows = [
        movement(
            code, "15/01/2019", "quyết định giao kế hoạch", "250.000.000", "01/QĐ", issuer="ubnd-02-2008"
        )
    ]
    batch = run(people["agency"], MOVEMENTS, rows)
    assert batch.state == "invalid"
    assert [(e["row"], e["column_key"]) for e in batch.errors] == [(2, "issuer")]
    assert "KCQG" in batch.errors[0]["message"] and "ubnd-02-2008" in batch.errors[0]["message"]
    assert not Decision.objects.exists()


def test_provincial_movements_come_back_the_same(client, people):  # noqa: F811
    from khuyencong.exchange.tests.test_movements_round_trip import (
        export_file,
        exported_elsewhere,
        import_file,
    )

    agency = people["agency"]
    rows = [*money_rows(issuer=""), *money_rows(code=HN, issuer="UBND Hà Nội", number="07/QĐ-UBND")]
    projects, first = exported_elsewhere(client, agency, "csv", projects=PROJECT_ROWS, movements=rows)
    assert b"ubnd-08-2008" in first and b"ubnd-01-2008" in first
    import_file(agency, PROJECTS, projects, "de-an-xuat.csv")
    import_file(agency, MOVEMENTS, first, "bien-dong-xuat.csv")
    assert export_file(client, agency, "movements") == first
    assert set(Decision.objects.values_list("province__code", flat=True)) == {"08", "01"}
