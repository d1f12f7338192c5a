"""The engine against hand-computed figures on a small dataset built through the services.

Two projects of the 2020 plan, recorded from their documents in the provinces as they were:

- P1 in former Hà Giang: requested 100.000.001 đ, counterpart 50.000.000, recommended by the DOIT
  100.000.001 and by the agency 90.000.000; allocated 90.000.000 (10/02/2020), amended −10.000.000
  (15/09/2020); advance 40.000.000 (10/03/2020), payment 30.000.000 (20/11/2020).
- P2 in former Tuyên Quang, 60 % there and 40 % in former Cao Bằng: requested 200.000.000,
  counterpart 300.000.000; allocated 150.000.000 (10/02/2020); payment 150.000.000 (01/12/2020);
  refund 1.000.001 (20/12/2020).

Hà Giang and Tuyên Quang merged into today's Tuyên Quang on 01/07/2025.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from khuyencong.core.permissions import ANONYMOUS, get_scope
from khuyencong.geo.models import AdministrativeUnit, Level, Region
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, Programme
from khuyencong.projects.models import LedgerKind
from khuyencong.projects.services import ledger
from khuyencong.projects.services.history import project_record_appraised
from khuyencong.reporting import dimensions as dims
from khuyencong.reporting.derived import leverage, mean_per_province
from khuyencong.reporting.engine import aggregate
from khuyencong.testing.factories import user_with_role

pytestmark = pytest.mark.django_db
MERGER = datetime.date(2025, 7, 1)
D = datetime.date


def former(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code=code, valid_from__lt=MERGER)


def today_province(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code=code, valid_from=MERGER)


def record_2020(people, province, requested, counterpart, locations=None, **amounts):
    content = Content.objects.get(code="dao-tao-nghe")
    return project_record_appraised(
        user=people["agency"],
        data={
            "plan_year": 2020,
            "source": "kcqg",
            "programme": Programme.objects.get(code="kcqg-2014-2020"),
            "content": content,
            "kind": "ordinary",
            "name": f"Đề án năm 2020 tại {province.name}",
            "objectives": "Đào tạo nghề",
            "implementing_org": Organisation.objects.get(code=f"ttkc-{province.code}-2008"),
            "lead_province": province,
            "start_date": D(2020, 3, 1),
            "end_date": D(2020, 12, 15),
        },
        budget_lines=[
            {
                "category": "training",
                "item": "Lớp học",
                "state_support": requested,
                "counterpart": counterpart,
            }
        ],
        locations=locations,
        filed_on=D(2019, 6, 15),
        **amounts,
    )


@pytest.fixture
def dataset(people):
    ha_giang, old_tq, old_cb = former("02"), former("08"), former("04")
    p1 = record_2020(
        people, ha_giang, 100_000_001, 50_000_000, recommended_doit=100_000_001, recommended=90_000_000
    )
    p2 = record_2020(
        people,
        old_tq,
        200_000_000,
        300_000_000,
        locations=[{"province": old_tq, "share_bp": 6000}, {"province": old_cb, "share_bp": 4000}],
    )
    for project, kind, amount, day in [
        (p1, LedgerKind.ALLOCATED, 90_000_000, D(2020, 2, 10)),
        (p1, LedgerKind.AMENDED, -10_000_000, D(2020, 9, 15)),
        (p1, LedgerKind.ADVANCED, 40_000_000, D(2020, 3, 10)),
        (p1, LedgerKind.DISBURSED, 30_000_000, D(2020, 11, 20)),
        (p2, LedgerKind.ALLOCATED, 150_000_000, D(2020, 2, 10)),
        (p2, LedgerKind.DISBURSED, 150_000_000, D(2020, 12, 1)),
        (p2, LedgerKind.REFUNDED, 1_000_001, D(2020, 12, 20)),
    ]:
        ledger.record(project, kind, amount, day)
    return {"p1": p1, "p2": p2, "ha_giang": ha_giang, "old_tq": old_tq, "old_cb": old_cb}


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
    "refunded",
]


def test_every_money_measure_of_the_year(people, dataset):
    table = aggregate(
        get_scope(people["agency"]), [*MONEY, "proposals", "planned_projects"], filters={"plan_year": 2020}
    )
    assert table.total.values == {
        "requested": 300_000_001,
        "counterpart_requested": 350_000_000,
        "recommended_doit": 100_000_001,
        "recommended": 90_000_000,
        "allocated": 240_000_000,
        "amended": -10_000_000,
        "plan": 230_000_000,
        "advanced": 40_000_000,
        "disbursed": 180_000_000,
        "paid": 220_000_000,
        "refunded": 1_000_001,
        "proposals": 2,
        "planned_projects": 2,
    }
    assert all(isinstance(v, int) for v in table.total.values.values())
    assert leverage(350_000_000, 300_000_001) == Decimal("1.17")


def test_provinces_as_they_were_and_in_todays_geography(people, dataset):
    scope = get_scope(people["agency"])
    wanted = ["requested", "plan", "paid", "proposals", "planned_projects"]
    old = aggregate(scope, wanted, by=["province"], filters={"plan_year": 2020})
    rows = {r.label: r.values for r in old.rows}
    assert rows == {
        "Hà Giang": {
            "requested": 100_000_001,
            "plan": 80_000_000,
            "paid": 70_000_000,
            "proposals": 1,
            "planned_projects": 1,
        },
        "Tuyên Quang": {
            "requested": 120_000_000,
            "plan": 90_000_000,
            "paid": 90_000_000,
            "proposals": 1,
            "planned_projects": 1,
        },
        # the 40 % share of P2: money, but the proposal counts where it was filed
        "Cao Bằng": {
            "requested": 80_000_000,
            "plan": 60_000_000,
            "paid": 60_000_000,
            "proposals": 0,
            "planned_projects": 1,
        },
    }
    now = aggregate(scope, wanted, by=["province_now"], filters={"plan_year": 2020})
    merged = {r.key: r.values for r in now.rows}
    tq, cb = today_province("08"), today_province("04")
    # the 34-province figure of Tuyên Quang is the sum of its predecessors Hà Giang and Tuyên Quang
    for measure in ("requested", "plan", "paid", "proposals"):
        assert merged[tq.pk][measure] == rows["Hà Giang"][measure] + rows["Tuyên Quang"][measure]
    assert merged[tq.pk]["planned_projects"] == 2 and merged[cb.pk]["planned_projects"] == 1
    for table in (old, now):  # the total is the sum of the rows to the đồng; a split project counts once
        for measure in ("requested", "plan", "paid", "proposals"):
            assert table.total.value(measure) == sum(table.column(measure))
        assert table.total.value("planned_projects") == 2 < sum(table.column("planned_projects"))
        assert table.total.value("requested") == 300_000_001


def test_economic_regions_and_the_mean_per_province(people, dataset):
    scope = get_scope(people["agency"])
    by_region = aggregate(scope, ["plan"], by=["region"], filters={"plan_year": 2020})
    north = Region.objects.get(scheme="economic", code="TDMNPB")
    assert [(r.key, r.value("plan")) for r in by_region.rows] == [(north.pk, 230_000_000)]
    assert (
        aggregate(scope, ["plan"], filters={"plan_year": 2020, "region": north}).total.value("plan")
        == 230_000_000
    )
    delta = Region.objects.get(scheme="economic", code="DBSCL")
    assert aggregate(scope, ["plan"], filters={"plan_year": 2020, "region": delta}).total.value("plan") == 0
    assert aggregate(scope, ["plan"], by=["region_now"], filters={"plan_year": 2020}).rows[0].key == north.pk
    mean = mean_per_province(230_000_000, dims.province_count("province"))
    assert (mean.provinces, mean.value) == (63, Decimal(3_650_794))  # 230.000.000 ÷ 63 = 3.650.793,65
    assert "÷ 63" in mean.formula
    assert dims.province_count("province_now") == 34


def test_a_report_as_it_stood_on_a_past_date(people, dataset):
    scope = get_scope(people["agency"])
    wanted = ["plan", "paid", "refunded", "planned_projects"]
    on_august = aggregate(scope, wanted, filters={"plan_year": 2020}, on=D(2020, 8, 1)).total.values
    assert on_august == {"plan": 240_000_000, "paid": 40_000_000, "refunded": 0, "planned_projects": 2}
    end = aggregate(scope, wanted, filters={"plan_year": 2020}, on=D(2020, 12, 31)).total.values
    assert end == {"plan": 230_000_000, "paid": 220_000_000, "refunded": 1_000_001, "planned_projects": 2}
    assert aggregate(
        scope, ["plan", "requested"], filters={"plan_year": 2020}, on=D(2019, 1, 1)
    ).total.values == {
        "plan": 0,
        "requested": 0,
    }


def test_periods_by_date_of_movement_and_by_plan_year(people, dataset):
    scope = get_scope(people["agency"])
    halves = aggregate(scope, ["paid", "plan"], by=["movement_half"], filters={"plan_year": 2020})
    assert [(r.key, r.value("paid"), r.value("plan")) for r in halves.rows] == [
        (1, 40_000_000, 240_000_000),
        (2, 180_000_000, -10_000_000),
    ]
    first_six = aggregate(scope, ["paid"], filters={"period": dims.first_months(2020, 6)}).total.value("paid")
    assert first_six == 40_000_000
    assert (
        aggregate(scope, ["paid"], filters={"period": dims.nine_months(2020)}).total.value("paid")
        == 40_000_000
    )
    assert (
        aggregate(scope, ["paid"], filters={"period": dims.quarter(2020, 4)}).total.value("paid")
        == 180_000_000
    )
    assert (
        aggregate(scope, ["paid"], filters={"period": dims.half(2020, 2)}).total.value("paid") == 180_000_000
    )
    custom = dims.custom(D(2020, 3, 1), D(2020, 11, 30))
    assert aggregate(scope, ["paid"], filters={"period": custom}).total.value("paid") == 70_000_000
    phase = aggregate(scope, ["plan", "proposals"], by=["plan_phase"], filters={"period": dims.phase(2016)})
    assert [(r.key, r.label, r.value("plan"), r.value("proposals")) for r in phase.rows] == [
        (2016, "2016–2020", 230_000_000, 2)
    ]
    assert aggregate(scope, ["plan"], filters={"period": dims.phase(2021)}).total.value("plan") == 0
    assert dims.quarter(2021, 1).previous_year() == dims.quarter(2020, 1)


def test_a_province_reads_only_its_projects(people, dataset):
    tq = people["doit"]  # today's Tuyên Quang: Hà Giang's and its own former projects
    hanoi = people["other_doit"]
    cao_bang = user_with_role("provincial_officer", province=today_province("04"), username="r_caobang")
    wanted = ["requested", "proposals"]
    filters = {"plan_year": 2020}
    assert aggregate(get_scope(tq), wanted, filters=filters).total.values == {
        "requested": 300_000_001,
        "proposals": 2,
    }
    assert aggregate(get_scope(hanoi), wanted, filters=filters).total.values == {
        "requested": 0,
        "proposals": 0,
    }
    assert aggregate(ANONYMOUS, wanted, filters=filters).total.values == {"requested": 0, "proposals": 0}
    # Cao Bằng reads the project with a share in it, whole (as its ledger scope says), and no other
    assert aggregate(get_scope(cao_bang), wanted, filters=filters).total.values == {
        "requested": 200_000_000,
        "proposals": 1,
    }
    rows = aggregate(get_scope(hanoi), wanted, by=["province_now"], filters=filters).rows
    assert rows == []


def test_grouping_by_organisation_content_kind_and_status(people, dataset):
    scope = get_scope(people["agency"])
    for by in (
        ["organisation"],
        ["organisation_kind"],
        ["content"],
        ["project_kind"],
        ["status"],
        ["source"],
    ):
        table = aggregate(scope, ["plan", "proposals"], by=by, filters={"plan_year": 2020})
        assert sum(table.column("plan")) == table.total.value("plan") == 230_000_000, by
        assert sum(table.column("proposals")) == 2, by
    status = aggregate(scope, ["plan"], by=["status"], filters={"plan_year": 2020})
    assert [r.key for r in status.rows] == ["agency_appraised"]
    by_org = aggregate(scope, ["plan"], by=["organisation"], filters={"plan_year": 2020})
    assert {r.label: r.value("plan") for r in by_org.rows} == {
        "Trung tâm Khuyến công tỉnh Hà Giang": 80_000_000,
        "Trung tâm Khuyến công tỉnh Tuyên Quang": 150_000_000,
    }
    with pytest.raises(ValueError):
        aggregate(scope, ["proposals"], by=["movement_year"])
    with pytest.raises(ValueError):
        aggregate(scope, ["plan"], filters={"nonsense": 1})


def test_a_project_split_within_one_region_is_one_project_of_it(people, dataset):
    """P2 lies 60 % in former Tuyên Quang and 40 % in former Cao Bằng, both of the northern
    midlands and mountains: two provinces' rows, one project of the region (P1 + P2 = 2, not 3)."""
    scope = get_scope(people["agency"])
    north = Region.objects.get(scheme="economic", code="TDMNPB")
    by_province = aggregate(scope, ["planned_projects"], by=["province"], filters={"plan_year": 2020})
    assert sorted(r.value("planned_projects") for r in by_province.rows) == [1, 1, 1]
    assert by_province.total.value("planned_projects") == 2
    for dimension in ("region", "region_now"):
        by_region = aggregate(
            scope, ["planned_projects", "plan"], by=[dimension], filters={"plan_year": 2020}
        )
        assert [(r.key, r.value("planned_projects"), r.value("plan")) for r in by_region.rows] == [
            (north.pk, 2, 230_000_000)
        ]
        assert by_region.total.value("planned_projects") == 2
    # today's Tuyên Quang holds P1 (Hà Giang) and 60 % of P2: two projects, each once
    merged = aggregate(scope, ["planned_projects"], by=["province_now"], filters={"plan_year": 2020})
    assert {r.key: r.value("planned_projects") for r in merged.rows}[today_province("08").pk] == 2


def _as_dicts(table):
    return (
        [(r.keys, r.labels, r.values) for r in table.rows],
        table.total.values,
        table.by,
    )


def test_several_groupings_from_one_reading_equal_one_question_each(
    people, dataset, django_assert_max_num_queries
):
    """``aggregate_many`` gives each grouping's table exactly as ``aggregate`` does – keys, names,
    figures and totals – including a region rolled up from provinces, both geographies, the kind of
    organisation and a project split over two provinces; the plan (90 − 10 + 150 = 230 million) is
    read once."""
    from khuyencong.reporting.engine import aggregate_many

    scope = get_scope(people["agency"])
    groupings = [
        ["region", "province", "source"],
        ["region", "province"],
        ["region"],
        ["province_now"],
        ["organisation_kind", "source"],
        [],
    ]
    measures = ["plan", "paid", "counterpart_requested", "proposals"]
    filters = {"plan_year": 2020}
    tables = aggregate_many(scope, measures, groupings, filters)
    for grouping, table in zip(groupings, tables, strict=True):
        assert _as_dicts(table) == _as_dicts(aggregate(scope, measures, grouping, filters)), grouping
    assert tables[-1].total.values["plan"] == 230_000_000
    # today's Tuyên Quang holds former Hà Giang and Tuyên Quang: 80 + 90 (60 % of 150); Cao Bằng 60
    assert sorted(r.values["plan"] for r in tables[3].rows) == [60_000_000, 170_000_000]
    # the facts are read once per set of statuses (the plan and the paid: every project; the
    # counterpart of the standing proposals; the proposals), not once per grouping
    with django_assert_max_num_queries(3 + 4 * len(groupings)) as captured:
        aggregate_many(scope, ["plan", "paid"], groupings, filters, labels=False)
    ledger_reads = [q for q in captured.captured_queries if "projects_ledgerentry" in q["sql"]]
    assert len(ledger_reads) == 1
    # projects counted by their money do not add up from finer rows: each grouping is asked
    split = aggregate_many(scope, ["planned_projects"], [["province"], []], filters)
    assert [r.values["planned_projects"] for r in split[0].rows] == [1, 1, 1]  # P2 in two provinces
    assert split[1].total.values["planned_projects"] == 2
