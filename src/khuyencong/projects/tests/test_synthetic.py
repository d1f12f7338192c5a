"""The synthetic national dataset (``khuyencong generate-demo``): deterministic, of the size asked,
in both geographies, marked, never mixed silently into business data – and the engine's totals over
it are the plain sums of its rows."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from khuyencong.core.permissions import Role, Scope
from khuyencong.establishments.models import Establishment
from khuyencong.projects import synthetic
from khuyencong.projects.models import (
    Decision,
    LedgerEntry,
    PlannedResult,
    Project,
    ProjectLocation,
    ResultReport,
)
from khuyencong.reporting import dimensions as dims
from khuyencong.reporting.engine import aggregate

TODAY = datetime.date(2026, 11, 15)
NATIONAL = Scope(roles=frozenset({Role.LEADER.value}), national_read=True)
MEASURES = ["requested", "plan", "paid", "settled", "executed", "executed_projects", "proposals", "projects"]

pytestmark = pytest.mark.django_db


def generate(scale: str, seed: int, *extra: str) -> None:
    call_command(
        "generate_demo",
        "--scale",
        scale,
        "--seed",
        str(seed),
        "--today",
        TODAY.isoformat(),
        *extra,
        verbosity=0,
    )


def summary() -> dict:
    """The figures a run leaves: counts of every table and the engine's national totals."""
    phase = dims.Period(datetime.date(2021, 1, 1), datetime.date(2025, 12, 31), dims.PLAN)
    engine = aggregate(NATIONAL, MEASURES, by=["province_now"], labels=False)
    indicators = aggregate(
        NATIONAL, ["indicator_planned", "indicator_actual"], by=["content"], filters={"period": phase}
    )
    return {
        "projects": Project.objects.count(),
        "codes": list(Project.objects.order_by("code").values_list("code", flat=True)[:20]),
        "ledger": LedgerEntry.objects.count(),
        "planned": PlannedResult.objects.count(),
        "reports": ResultReport.objects.count(),
        "establishments": list(
            Establishment.objects.order_by("registration_number").values_list("name", "commune")
        ),
        "totals": dict(engine.total.values),
        "rows": {r.key: dict(r.values) for r in engine.rows},
        "indicators": {r.key: dict(r.values) for r in indicators.rows},
    }


def test_same_seed_same_data_other_seed_other_data():
    generate("0.3", 7)
    first = summary()
    generate("0.3", 7)  # replaces the earlier run's records
    assert summary() == first
    generate("0.3", 8)
    assert summary()["totals"] != first["totals"]


def test_scale_sets_the_counts_and_every_record_is_marked():
    generate("0.3", 1)
    assert Project.objects.count() == 300
    assert Establishment.objects.count() == 600
    assert not Project.objects.exclude(code__startswith="SYN-").exists()
    assert not Decision.objects.exclude(number__startswith="SYN-").exists()
    assert not Establishment.objects.exclude(registration_number__startswith="SYN-").exists()
    assert set(Project.objects.values_list("objectives", flat=True)) == {synthetic.MARKER}
    per_project = LedgerEntry.objects.count() / 300
    values = (PlannedResult.objects.count() + ResultReport.objects.count()) / 300
    assert 8 <= per_project <= 12  # ≈10 ledger entries per project (3 M for 300,000)
    assert 13 <= values <= 20  # ≈16 indicator values per project (5 M for 300,000)
    years = set(Project.objects.values_list("plan_year", flat=True))
    assert years == set(range(2014, 2028))
    # nothing moved after the dataset's “today”
    assert not LedgerEntry.objects.filter(value_date__gt=TODAY).exists()
    assert not ResultReport.objects.filter(period_end__gt=TODAY).exists()


def test_both_geographies():
    generate("0.5", 3)
    merger = datetime.date(2025, 7, 1)
    old = Project.objects.filter(plan_year__lte=2025)
    new = Project.objects.filter(plan_year__gte=2026)
    # 2014–2025 in the 63 provinces (closed on 30/06/2025), later ones in the 34 of today
    assert not old.exclude(lead_province__valid_until__lt=merger).exists()
    assert not new.filter(lead_province__valid_until__isnull=False).exists()
    assert old.values("lead_province").distinct().count() > 40
    assert new.values("lead_province").distinct().count() > 20
    # rolled up to today's geography, the 63 become the 34
    assert old.values("lead_province_now").distinct().count() <= 34
    assert ProjectLocation.objects.values("project").distinct().count() < ProjectLocation.objects.count()


def test_engine_totals_equal_the_raw_sums():
    generate("0.4", 5)
    engine = aggregate(NATIONAL, ["plan", "paid", "settled", "counterpart_requested"], by=["province"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT "
            "SUM(CASE WHEN kind IN ('allocated', 'amended') THEN amount ELSE 0 END), "
            "SUM(CASE WHEN kind IN ('advanced', 'disbursed') THEN amount ELSE 0 END), "
            "SUM(CASE WHEN kind = 'settled' THEN amount ELSE 0 END) FROM projects_ledgerentry"
        )
        plan, paid, settled = (int(v) for v in cursor.fetchone())
        cursor.execute(
            "SELECT SUM(l.amount) FROM projects_ledgerentry l JOIN projects_project p ON p.id = l.project_id "
            "WHERE l.kind = 'counterpart_requested' AND p.status NOT IN ('draft', 'withdrawn')"
        )
        counterpart = int(cursor.fetchone()[0])
        cursor.execute("SELECT SUM(value) FROM projects_resultreport WHERE state = 'approved'")
        actual = cursor.fetchone()[0]
    assert plan > 0 and paid > 0 and settled > 0
    assert engine.total.values["plan"] == plan == sum(r.values["plan"] for r in engine.rows)
    assert engine.total.values["paid"] == paid
    assert engine.total.values["settled"] == settled
    assert engine.total.values["counterpart_requested"] == counterpart
    indicators = aggregate(NATIONAL, ["indicator_actual"], by=["indicator"])
    assert indicators.total.values["indicator_actual"] == actual


def test_refuses_a_database_with_business_data_unless_forced(make_proposal):
    real = make_proposal()
    with pytest.raises(CommandError, match="không phải mô phỏng"):
        generate("0.05", 1)
    assert not Project.objects.filter(code__startswith="SYN-").exists()
    generate("0.05", 1, "--force")
    assert Project.objects.filter(code__startswith="SYN-").count() == 50
    generate("0.05", 2, "--force")  # a new run replaces the synthetic records, never the others
    assert Project.objects.filter(code__startswith="SYN-").count() == 50
    assert Project.objects.filter(pk=real.pk).exists()


def test_a_report_as_of_a_past_date_finds_the_statuses_then():
    """Plan year 2018: proposals filed in May 2017, settled on 20/12/2018 or 15/02/2019 – so as of
    01/01/2017 there is no proposal yet, as of 01/10/2018 nothing is executed yet although the plan
    is, and as of 31/12/2019 everything executed today was."""
    generate("0.4", 9)
    year = {"plan_year": 2018}
    assert aggregate(NATIONAL, ["proposals"], filters=year, on=datetime.date(2017, 1, 1)).total.values == {
        "proposals": 0
    }
    assert (
        aggregate(NATIONAL, ["proposals"], filters=year, on=datetime.date(2017, 12, 31)).total.values[
            "proposals"
        ]
        == Project.objects.filter(plan_year=2018).exclude(status__in=["draft", "withdrawn"]).count()
    )
    autumn = aggregate(NATIONAL, ["plan", "executed"], filters=year, on=datetime.date(2018, 10, 1)).total
    assert autumn.values["plan"] > 0 and autumn.values["executed"] == 0
    now = aggregate(NATIONAL, ["executed"], filters=year).total.values["executed"]
    assert now > 0
    assert aggregate(NATIONAL, ["executed"], filters=year, on=datetime.date(2019, 12, 31)).total.values == {
        "executed": now
    }
