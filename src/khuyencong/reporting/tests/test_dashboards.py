"""The dashboard against hand-computed figures on a small dataset built through the services.

Plan year 2020, recorded from documents in the provinces as they were:

- P1 in former Hà Giang, training content: requested 100.000.001 đ, counterpart 50.000.000;
  allocated 90.000.000 (10/02/2020), amended −10.000.000 (15/09/2020); advance 40.000.000
  (10/03/2020), payment 30.000.000 (20/11/2020); in progress.
- P2 in former Tuyên Quang (60 %) and former Cao Bằng (40 %), machinery content: requested
  200.000.000, counterpart 300.000.000; allocated 150.000.000 (20/12/2019, before the year);
  payment 150.000.000 (01/12/2020); settled at 148.000.000 (15/12/2020); settled.

Plan year 2019: P0 in former Hà Nội: allocated 50.000.000 (01/03/2019), payment 20.000.000
(10/06/2019).

Hà Giang and Tuyên Quang merged into today's Tuyên Quang on 01/07/2025; Cao Bằng stayed alone.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from khuyencong.core.permissions import get_scope
from khuyencong.geo.extensions import PROVINCE_MAP_MEASURES
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, Programme
from khuyencong.projects.models import LedgerKind, Project, Status
from khuyencong.projects.services import ledger
from khuyencong.projects.services.history import project_record_appraised
from khuyencong.reporting import dashboards
from khuyencong.testing.factories import user_with_role

pytestmark = pytest.mark.django_db
MERGER = datetime.date(2025, 7, 1)
D = datetime.date
M = 1_000_000


def former(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code=code, valid_from__lt=MERGER)


def today_province(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code=code, valid_from=MERGER)


def record(people, year, province, requested, counterpart, content="dao-tao-nghe", locations=None):
    return project_record_appraised(
        user=people["agency"],
        data={
            "plan_year": year,
            "source": "kcqg",
            "programme": Programme.objects.get(code="kcqg-2014-2020"),
            "content": Content.objects.get(code=content),
            "kind": "ordinary",
            "name": f"Đề án năm {year} tại {province.name}",
            "objectives": "Đào tạo nghề",
            "implementing_org": Organisation.objects.get(code=f"ttkc-{province.code}-2008"),
            "lead_province": province,
            "start_date": D(year, 3, 1),
            "end_date": D(year, 12, 15),
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
        filed_on=D(year - 1, 6, 15),
    )


@pytest.fixture
def dataset(people):
    ha_giang, old_tq, old_cb, old_hn = former("02"), former("08"), former("04"), former("01")
    p1 = record(people, 2020, ha_giang, 100_000_001, 50_000_000)
    p2 = record(
        people,
        2020,
        old_tq,
        200_000_000,
        300_000_000,
        content="mo-hinh-may-moc",
        locations=[{"province": old_tq, "share_bp": 6000}, {"province": old_cb, "share_bp": 4000}],
    )
    p0 = record(people, 2019, old_hn, 60_000_000, 10_000_000)
    for project, kind, amount, day in [
        (p1, LedgerKind.ALLOCATED, 90 * M, D(2020, 2, 10)),
        (p1, LedgerKind.AMENDED, -10 * M, D(2020, 9, 15)),
        (p1, LedgerKind.ADVANCED, 40 * M, D(2020, 3, 10)),
        (p1, LedgerKind.DISBURSED, 30 * M, D(2020, 11, 20)),
        (p2, LedgerKind.ALLOCATED, 150 * M, D(2019, 12, 20)),
        (p2, LedgerKind.DISBURSED, 150 * M, D(2020, 12, 1)),
        (p2, LedgerKind.SETTLED, 148 * M, D(2020, 12, 15)),
        (p0, LedgerKind.ALLOCATED, 50 * M, D(2019, 3, 1)),
        (p0, LedgerKind.DISBURSED, 20 * M, D(2019, 6, 10)),
    ]:
        ledger.record(project, kind, amount, day)
    # the statuses the documents left them in (the dataset is about money, not the workflow)
    Project.objects.filter(pk=p1.pk).update(status=Status.IN_PROGRESS)
    Project.objects.filter(pk=p2.pk).update(status=Status.SETTLED)
    return {"p0": p0, "p1": p1, "p2": p2}


def test_key_figures_of_the_year(people, dataset):
    key = dashboards.key_figures(get_scope(people["agency"]), 2020, datetime.date.today())
    assert key.plan == 230 * M  # 90 − 10 + 150
    assert key.paid == 220 * M  # 40 + 30 + 150
    assert key.settled == key.executed == 148 * M
    assert key.executed_projects == 1
    assert key.percent_of_plan == Decimal("64.35")  # 148 / 230 = 64,347…
    assert key.paid_percent == Decimal("95.65")  # 220 / 230 = 95,652…
    assert key.requested == 300_000_001
    assert key.counterpart == 350 * M
    assert key.leverage == Decimal("1.17")  # 350.000.000 / 300.000.001
    assert key.running == 1


def test_month_series_this_year_against_last_year(people, dataset):
    scope = get_scope(people["agency"])
    months = dashboards.month_series(scope, 2020, datetime.date.today())
    # the plan decided in December 2019 opens January
    assert months.values["plan"] == [150 * M] + [240 * M] * 7 + [230 * M] * 4
    assert months.values["paid"] == [0, 0] + [40 * M] * 8 + [70 * M, 220 * M]
    assert months.values["settled"] == [0] * 11 + [148 * M]
    last = dashboards.month_series(scope, 2019, datetime.date.today())
    assert last.values["plan"] == [0, 0] + [50 * M] * 10
    assert last.values["paid"] == [0] * 5 + [20 * M] * 7
    # a month not reached yet has no figure
    cut = dashboards.month_series(scope, 2020, D(2020, 9, 20))
    assert cut.values["plan"] == [150 * M] + [240 * M] * 7 + [230 * M] + [None] * 3
    assert cut.values["paid"][:9] == [0, 0] + [40 * M] * 7


def test_funds_by_content(people, dataset):
    rows = dashboards.by_content(get_scope(people["agency"]), 2020, datetime.date.today())
    figures = {r.label: (r.plan, r.paid, r.executed) for r in rows}
    assert figures == {
        "Đào tạo nghề": (80 * M, 70 * M, 0),
        "Mô hình, máy móc": (150 * M, 150 * M, 148 * M),
    }
    assert [r.label for r in rows] == ["Đào tạo nghề", "Mô hình, máy móc"]  # the contents' order


def test_province_money_as_it_was_and_rolled_up(people, dataset):
    scope = get_scope(people["agency"])
    ha_giang, old_tq, old_cb = former("02"), former("08"), former("04")
    tq, cb = today_province("08"), today_province("04")
    old = dashboards.map_figures(scope, 2020, "plan", "63")
    assert old.values == {ha_giang.pk: 80, old_tq.pk: 90, old_cb.pk: 60}
    assert old.covered is None
    new = dashboards.map_figures(scope, 2020, "plan", "34")
    # the merged province's figure is the sum of its predecessors'
    assert new.values[tq.pk] == old.values[ha_giang.pk] + old.values[old_tq.pk] == 170
    assert new.values[cb.pk] == 60
    executed = dashboards.map_figures(scope, 2020, "executed", "34").values
    assert executed == {tq.pk: Decimal("88.8"), cb.pk: Decimal("59.2")}
    percent = dashboards.map_figures(scope, 2020, "percent", "34").values
    assert percent == {tq.pk: Decimal("52.24"), cb.pk: Decimal("98.67")}  # 88,8/170; 59,2/60
    counterpart = dashboards.map_figures(scope, 2020, "counterpart", "63").values
    assert counterpart == {ha_giang.pk: 50, old_tq.pk: 180, old_cb.pk: 120}


def test_the_map_page_offers_the_money_measures(people, dataset):
    keys = [m.key for m in PROVINCE_MAP_MEASURES.results(get_scope(people["agency"]))]
    assert {"money_plan", "money_executed", "money_percent", "money_counterpart"} <= set(keys)
    assert PROVINCE_MAP_MEASURES.results(get_scope(user_with_role("public"))) == []


def test_a_province_sees_its_own_projects_only(people, dataset, tuyen_quang, client):
    scope = get_scope(people["doit"])  # Tuyên Quang today: former Hà Giang and Tuyên Quang
    key = dashboards.key_figures(scope, 2020, datetime.date.today())
    assert (key.plan, key.paid, key.executed) == (230 * M, 220 * M, 148 * M)  # P1 and P2, whole
    assert dashboards.key_figures(scope, 2019, datetime.date.today()).plan == 0  # not Hà Nội's P0
    hanoi = dashboards.key_figures(get_scope(people["other_doit"]), 2020, datetime.date.today())
    assert hanoi.plan == 0
    # the map holds only the province's own figure
    client.force_login(people["doit"])
    response = client.get("/bang-dieu-khien/?year=2020")
    assert response.status_code == 200
    assert [row[0] for row in response.context["rows34"]] == [tuyen_quang.pk]
    assert response.context["rows34"][0][1] == 170
    assert {row[0] for row in response.context["rows63"]} == {former("02").pk, former("08").pk}
    assert not response.context["national"]


def test_every_figure_equals_the_plan_and_consolidation_pages(people, dataset, client):
    client.force_login(people["agency"])
    board = client.get("/bang-dieu-khien/?year=2020").context
    key = board["key"]
    plan = client.get("/de-an/ke-hoach/?plan_year=2020").context
    assert plan["at"]["amount"] == key.plan
    assert plan["executed"]["amount"] == key.executed
    assert plan["executed"]["projects"] == key.executed_projects
    table = client.get("/de-an/tong-hop/?plan_year=2020").context["table"]
    assert table.total.value("plan") == key.plan
    assert table.total.value("paid") == key.paid
    assert table.total.value("settled") == key.settled
    assert table.total.value("requested") == key.requested
    assert table.total.value("counterpart_requested") == key.counterpart
    by_content = {r.label: (r.value("plan"), r.value("paid")) for r in table.contents}
    assert by_content == {r.label: (r.plan, r.paid) for r in board["board"].contents}
    provinces = {r.key: r.value("plan") for r in table.provinces}  # today's provinces
    assert {pk: value for pk, value, _label in board["rows34"] if value} == {
        pk: Decimal(amount) / M for pk, amount in provinces.items()
    }
    # the last point of the month series is the plan as it stood at the end of the year
    year_end = client.get("/de-an/ke-hoach/?plan_year=2020&on=31/12/2020").context
    assert board["board"].months.values["plan"][-1] == year_end["at"]["amount"]
    # the page shows them formatted the Vietnamese way
    html = client.get("/bang-dieu-khien/?year=2020").content.decode()
    assert "230 triệu đồng" in html and "64,35%" in html


def test_leaders_get_the_dashboard_on_their_home_page(people, dataset, tuyen_quang, client):
    for leader in (people["leader"], user_with_role("leader", province=tuyen_quang, username="p_lead_tq")):
        client.force_login(leader)
        html = client.get("/").content.decode()
        assert 'data-testid="dashboard"' in html and 'data-testid="key-figures"' in html
        assert 'data-testid="dashboard-cards"' not in html
    client.force_login(people["agency"])
    html = client.get("/").content.decode()
    assert 'data-testid="dashboard-cards"' in html and 'data-testid="key-figures"' not in html
    assert reverse("dashboard") in html and "Bảng điều khiển" in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year=abc", "Năm kế hoạch"),
        ("year=1900", "Năm kế hoạch"),
        ("year=99999999999999999999", "Năm kế hoạch"),
        ("measure=nothing", "Tô màu bản đồ theo"),
        ("geo=99", "Tỉnh, thành phố"),
    ],
)
def test_bad_parameters_are_named_not_a_server_error(people, client, query, field):
    client.force_login(people["leader"])
    for url in ("/bang-dieu-khien/", "/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        errors = [
            line for line in response.content.decode().splitlines() if 'data-testid="field-error"' in line
        ]
        assert errors and field in errors[0]


def test_the_dashboard_choices_follow_the_language(people, client):
    client.force_login(people["leader"])
    html = client.get("/bang-dieu-khien/").content.decode()
    assert "Năm kế hoạch" in html and "Tô màu bản đồ theo" in html
    client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    for url in ("/bang-dieu-khien/", "/"):
        html = client.get(url).content.decode()
        assert "Plan year" in html and "Colour the map by" in html and "34 provinces" in html, url
        assert "Năm kế hoạch" not in html and "Tô màu bản đồ theo" not in html, url


def test_the_dashboard_says_whose_projects_it_adds_up(client, tuyen_quang):
    expected = {
        ("programme_officer", None): "Toàn quốc.",
        ("provincial_officer", tuyen_quang): "Các đề án của tỉnh, thành phố của bạn.",
        ("expert", None): "Các đề án được phân công cho bạn thẩm định.",
    }
    for (role, province), text in expected.items():
        client.force_login(user_with_role(role, province=province, username=f"whose_{role}"))
        html = client.get("/bang-dieu-khien/").content.decode()
        assert text in html, role
        others = {t for t in expected.values() if t != text}
        assert not any(t in html for t in others), role


def test_only_the_workspace_opens_the_dashboard(client):
    assert client.get("/bang-dieu-khien/").status_code == 302
    client.force_login(user_with_role("public"))
    assert client.get("/bang-dieu-khien/").status_code == 403


def test_flagged_running_projects_at_risk_and_overdue(people, dataset):
    """P1 runs 01/03–15/12/2020. On 01/09/2020 (63 % of its time gone) without a progress report it
    is at risk; with a report of 60 % done on 20/08 it is not (60 + 25 ≥ 63, 12 days old); with a
    report of 30 % it is (30 + 25 < 63). On 10/01/2021 it is overdue. The dashboard's list reads the
    rule of ``projects.queries.flags`` in one query – both agree."""
    from khuyencong.projects.models import ProgressReport
    from khuyencong.projects.queries import flags

    scope = get_scope(people["agency"])
    p1 = Project.objects.get(pk=dataset["p1"].pk)
    on = D(2020, 9, 1)

    def flagged_codes(day):
        rows, more = dashboards.flagged(scope, day)
        return {(r["project"].code, r["flags"][0]) for r in rows}, more

    assert flagged_codes(on) == ({(p1.code, "at_risk")}, 0)
    assert flags(p1, on) == ["at_risk"]
    report = ProgressReport.objects.create(
        project=p1, month=D(2020, 8, 20), percent_done=60, narrative="Đúng tiến độ"
    )
    assert flagged_codes(on) == (set(), 0)
    assert flags(p1, on) == []
    ProgressReport.objects.filter(pk=report.pk).update(percent_done=30)
    assert flagged_codes(on) == ({(p1.code, "at_risk")}, 0)
    assert flags(p1, on) == ["at_risk"]
    assert flagged_codes(D(2021, 1, 10)) == ({(p1.code, "overdue")}, 0)
    # the list shows at most ``limit`` projects and says how many more there are
    assert dashboards.flagged(scope, on, limit=0) == ([], 1)
