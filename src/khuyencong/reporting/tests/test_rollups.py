"""The figures kept ready (``reporting.rollups``) give, after every kind of write, the same figures as
the facts – the engine asked with its summaries and without them – and the hand-computed ones.

One project of the 2027 plan in Tuyên Quang (the province formed on 01/07/2025 from former Hà Giang
and Tuyên Quang) goes through its whole life through the services: proposed (250.000.000 đ asked,
120.000.000 counterpart), appraised, allocated 240.000.000, amended to 230.000.000, advanced
150.000.000, paid 80.000.000, its results reported and approved (and one corrected), accepted,
settled at 225.000.000 and refunded 5.000.000. A second proposal is withdrawn.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khuyencong.core.permissions import get_scope
from khuyencong.projects.models import ResultReport
from khuyencong.projects.services import decisions, implementation, transitions
from khuyencong.projects.tests.test_cycle import agency_decision, through_appraisal
from khuyencong.reporting import dimensions as dims
from khuyencong.reporting import engine, rollups
from khuyencong.reporting.dashboards import dashboard
from khuyencong.reporting.engine import aggregate
from khuyencong.reporting.models import IndicatorActual, LedgerRollup

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
D = datetime.date
MONEY = [
    "requested",
    "counterpart_requested",
    "recommended_doit",
    "recommended",
    "allocated",
    "amended",
    "plan",
    "advanced",
    "disbursed",
    "paid",
    "settled",
    "refunded",
    "counterpart_actual",
    "executed",
    "executed_projects",
    "planned_projects",
    "counterpart_approved",
]
GROUPINGS = [
    [],
    ["province"],
    ["province_now"],
    ["region"],
    ["region_now"],
    ["content", "source"],
    ["status"],
    ["plan_phase"],
    ["movement_year", "movement_month"],
    ["movement_quarter"],
    ["organisation_kind"],  # not in the summary: from the entries
]


def _dates() -> list[datetime.date | None]:
    middle = TODAY.replace(day=15)
    last_month_end = TODAY.replace(day=1) - datetime.timedelta(days=1)
    return [None, TODAY, middle, last_month_end, TODAY - datetime.timedelta(days=40)]


def _periods() -> list:
    return [
        None,
        dims.plan_year(2027),
        dims.year(TODAY.year),
        dims.first_months(TODAY.year, TODAY.month),
        dims.month(TODAY.year, TODAY.month),
        dims.custom(TODAY - datetime.timedelta(days=45), TODAY - datetime.timedelta(days=3)),
    ]


def _figures(scope) -> list:
    """Every grouping at every date and period, and the indicators – as plain values."""
    out = []
    for on in _dates():
        for by in GROUPINGS:
            table = aggregate(scope, MONEY, by=by, filters={"plan_year": 2027}, on=on, labels=False)
            out.append((on, by, [(r.keys, r.values) for r in table.rows], table.total.values))
    for period in _periods():
        table = aggregate(
            scope, ["plan", "paid", "refunded"], by=["province_now"], filters={"period": period}
        )
        out.append((period, [(r.keys, r.values) for r in table.rows], table.total.values))
    for filters in ({"status": ["settled", "in_progress"]}, {"source": "kcqg", "content": []}, {}):
        out.append(aggregate(scope, ["plan", "requested"], filters=filters).total.values)
    for on in (None, TODAY):
        for by in (["indicator"], ["indicator", "province"], ["indicator", "movement_year"]):
            wanted = (
                ["indicator_actual"] if "movement_year" in by else ["indicator_planned", "indicator_actual"]
            )
            table = aggregate(scope, wanted, by=by, filters={"plan_year": 2027}, on=on)
            out.append((on, by, [(r.keys, r.values) for r in table.rows], table.total.values))
    board = dashboard(scope, 2027)
    out.append((board.key, board.months, board.last_year, board.contents))
    return out


def agree(scope, monkeypatch) -> None:
    """The summaries equal the facts row for row, and every figure is the same read either way."""
    assert rollups.differences() == []
    kept = _figures(scope)
    with monkeypatch.context() as m:
        m.setattr(engine, "USE_ROLLUPS", False)
        facts = _figures(scope)
    assert kept == facts


def total(scope, *measures, on=None) -> dict:
    return aggregate(scope, list(measures), filters={"plan_year": 2027}, on=on).total.values


def test_every_write_keeps_the_figures_equal_to_the_facts(people, make_proposal, tuyen_quang, monkeypatch):
    scope = get_scope(people["agency"])
    withdrawn = make_proposal(state=100_000_000, counterpart=10_000_000)
    transitions.project_submit(user=people["doit"], project=withdrawn)
    project = make_proposal()
    agree(scope, monkeypatch)
    # the draft is no proposal yet: only the submitted one counts
    assert total(scope, "requested", "counterpart_requested") == {
        "requested": 100_000_000,
        "counterpart_requested": 10_000_000,
    }

    # a status change: the withdrawn proposal's money leaves the proposals' figures
    transitions.project_withdraw(user=people["doit"], project=withdrawn, reason="Cơ sở không còn nhu cầu")
    agree(scope, monkeypatch)
    assert total(scope, "requested")["requested"] == 0

    project = through_appraisal(people, project, recommended=240_000_000)
    agree(scope, monkeypatch)
    assert total(scope, "requested", "recommended_doit", "recommended") == {
        "requested": 250_000_000,
        "recommended_doit": 240_000_000,
        "recommended": 240_000_000,
    }

    # allocation (and the status approved), then an amendment
    allocation = agency_decision(people, "101/QĐ-BCT", date=TODAY - datetime.timedelta(days=10))
    decisions.decision_set_line(
        user=people["agency"], decision=allocation, project=project, action="approve", amount=240_000_000
    )
    decisions.decision_issue(user=people["agency"], decision=allocation)
    project.refresh_from_db()
    agree(scope, monkeypatch)
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
    agree(scope, monkeypatch)
    assert total(scope, "allocated", "amended", "plan") == {
        "allocated": 240_000_000,
        "amended": -10_000_000,
        "plan": 230_000_000,
    }
    assert total(scope, "plan", on=TODAY - datetime.timedelta(days=5))["plan"] == 240_000_000

    # advance and payment
    implementation.sign_contract(
        user=people["doit"],
        project=project,
        number="HĐ-01/2027",
        signed_on=TODAY,
        parties="Sở Công Thương – Trung tâm Khuyến công",
        value=230_000_000,
    )
    implementation.pay_advance(
        user=people["doit"], project=project, paid_on=TODAY, amount=150_000_000, reference="UNC 01"
    )
    agree(scope, monkeypatch)
    implementation.record_payment(
        user=people["doit"], project=project, paid_on=TODAY, amount=80_000_000, reference="UNC 03"
    )
    agree(scope, monkeypatch)
    assert total(scope, "advanced", "disbursed", "paid") == {
        "advanced": 150_000_000,
        "disbursed": 80_000_000,
        "paid": 230_000_000,
    }

    # results: reported by the implementing unit, approved; another approved; one corrected
    indicator = project.planned_results.get().indicator
    first = ResultReport.objects.create(  # waiting for the DOIT's approval
        project=project,
        indicator=indicator,
        value=Decimal("20.5"),
        period_end=TODAY - datetime.timedelta(days=30),
    )
    agree(scope, monkeypatch)
    assert not IndicatorActual.objects.exists()  # waiting for approval: it does not count yet
    implementation.review_result(user=people["doit"], report=first, approve=True)
    agree(scope, monkeypatch)
    second = implementation.report_result(
        user=people["doit"], project=project, indicator=indicator, value=Decimal(45), period_end=TODAY
    )
    agree(scope, monkeypatch)
    rejected = ResultReport.objects.create(
        project=project, indicator=indicator, value=Decimal(99), period_end=TODAY
    )
    implementation.review_result(user=people["doit"], report=rejected, approve=False)
    actual = aggregate(scope, ["indicator_actual"], by=["indicator"], filters={"plan_year": 2027})
    assert [(r.key, r.value("indicator_actual")) for r in actual.rows] == [(indicator.pk, Decimal("65.5"))]
    # a running total takes the last value
    indicator.cumulative = True
    indicator.save()
    agree(scope, monkeypatch)
    assert total(scope, "indicator_actual")["indicator_actual"] == Decimal(45)
    # a report corrected (its value changed), then one deleted
    second.value = Decimal(40)
    second.save()
    agree(scope, monkeypatch)
    assert total(scope, "indicator_actual")["indicator_actual"] == Decimal(40)
    second.delete()
    agree(scope, monkeypatch)
    assert total(scope, "indicator_actual")["indicator_actual"] == Decimal("20.5")
    indicator.cumulative = False
    indicator.save()
    ResultReport.objects.create(
        project=project, indicator=indicator, value=Decimal(3), period_end=TODAY, state="approved"
    )
    agree(scope, monkeypatch)
    assert total(scope, "indicator_actual")["indicator_actual"] == Decimal("23.5")

    # acceptance, settlement (executed: settled projects only) and refund
    implementation.accept(
        user=people["doit"], project=project, accepted_on=TODAY, minutes_number="BB-NT-05", result="passed"
    )
    agree(scope, monkeypatch)
    assert total(scope, "executed")["executed"] == 0
    implementation.settle(
        user=people["doit"],
        project=project,
        settled_on=TODAY,
        document="QT-07",
        amount=225_000_000,
        counterpart_actual=130_000_000,
    )
    agree(scope, monkeypatch)
    assert total(scope, "executed", "executed_projects", "counterpart_actual") == {
        "executed": 225_000_000,
        "executed_projects": 1,
        "counterpart_actual": 130_000_000,
    }
    implementation.record_refund(
        user=people["doit"], project=project, refunded_on=TODAY, amount=5_000_000, reference="Nộp trả NSNN 01"
    )
    agree(scope, monkeypatch)
    assert total(scope, "refunded")["refunded"] == 5_000_000

    # the 2025 geography: the province as it was and today's are the same unit here (formed on
    # 01/07/2025), and the summary holds both
    by_old = aggregate(scope, ["plan"], by=["province"], filters={"plan_year": 2027})
    by_now = aggregate(scope, ["plan"], by=["province_now"], filters={"plan_year": 2027})
    assert [(r.key, r.value("plan")) for r in by_old.rows] == [(tuyen_quang.pk, 230_000_000)]
    assert [(r.key, r.value("plan")) for r in by_now.rows] == [(tuyen_quang.pk, 230_000_000)]

    # written again from the facts, the summaries are the same
    before = sorted(LedgerRollup.objects.values_list(*LedgerRollup.KEY, "amount", "entries"))
    rollups.rebuild()
    assert sorted(LedgerRollup.objects.values_list(*LedgerRollup.KEY, "amount", "entries")) == before
    agree(scope, monkeypatch)


def test_the_engine_reads_the_summaries_where_they_answer(people, make_proposal):
    scope = get_scope(people["agency"])
    make_proposal()
    with CaptureQueriesContext(connection) as queries:
        aggregate(scope, ["plan", "requested"], by=["province_now"], filters={"plan_year": 2027})
        aggregate(scope, ["indicator_actual"], by=["indicator"], filters={"period": dims.phase(2026)})
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "reporting_ledgerrollup" in sql and "reporting_indicatoractual" in sql
    assert "projects_ledgerentry" not in sql and "projects_resultreport" not in sql
    # a restricted scope reads whole projects: from the entries
    with CaptureQueriesContext(connection) as queries:
        aggregate(get_scope(people["doit"]), ["plan"], filters={"plan_year": 2027})
    assert "projects_ledgerentry" in " ".join(q["sql"] for q in queries.captured_queries)


def test_a_summary_that_differs_from_the_facts_is_found(people, make_proposal):
    from django.core.management import CommandError, call_command

    transitions.project_submit(user=people["doit"], project=make_proposal())
    call_command("rebuild_rollups", "--check")
    row = LedgerRollup.objects.first()
    LedgerRollup.objects.filter(pk=row.pk).update(amount=row.amount + 1)
    with pytest.raises(CommandError, match="khác với số liệu gốc"):
        call_command("rebuild_rollups", "--check")
    call_command("rebuild_rollups")
    call_command("rebuild_rollups", "--check")


@pytest.mark.parametrize(
    "lo, hi, expected",
    [
        (None, None, ((None, None), [])),
        (D(2026, 2, 1), D(2026, 2, 28), ((D(2026, 2, 1), D(2026, 2, 1)), [])),
        (D(2026, 2, 2), D(2026, 3, 31), ((D(2026, 3, 1), D(2026, 3, 1)), [(D(2026, 2, 2), D(2026, 2, 28))])),
        (D(2026, 2, 2), D(2026, 2, 27), (None, [(D(2026, 2, 2), D(2026, 2, 27))])),
        (
            D(2026, 1, 31),
            D(2026, 3, 1),
            (
                (D(2026, 2, 1), D(2026, 2, 1)),
                [(D(2026, 1, 31), D(2026, 1, 31)), (D(2026, 3, 1), D(2026, 3, 1))],
            ),
        ),
        (D(2026, 1, 31), D(2026, 2, 1), (None, [(D(2026, 1, 31), D(2026, 2, 1))])),
    ],
)
def test_a_span_of_days_in_whole_months_and_days_left_over(lo, hi, expected):
    assert rollups.split_months(lo, hi) == expected


def test_the_synthetic_dataset_leaves_the_summaries_equal_to_the_facts(monkeypatch):
    from django.core.management import call_command

    from khuyencong.core.permissions import Role, Scope

    national = Scope(roles=frozenset({Role.LEADER.value}), national_read=True)
    for seed in ("1", "2"):  # the second run replaces the first one's records
        call_command(
            "generate_demo", "--projects", "40", "--establishments", "0", "--seed", seed, verbosity=0
        )
        assert LedgerRollup.objects.exists() and IndicatorActual.objects.exists()
        assert rollups.differences() == []
        phase = dims.Period(D(2014, 1, 1), D(2020, 12, 31), dims.PLAN)
        asked = [
            (["plan", "paid", "settled", "executed", "requested"], ["province_now", "movement_year"], {}),
            (["indicator_actual"], ["indicator"], {"period": phase}),
        ]
        kept = [aggregate(national, *question).rows for question in asked]
        with monkeypatch.context() as m:
            m.setattr(engine, "USE_ROLLUPS", False)
            facts = [aggregate(national, *question).rows for question in asked]
        assert kept == facts and kept[0]
