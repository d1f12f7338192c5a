"""The effects of support on beneficiaries (report “hieu-qua-ho-tro”) against hand-computed figures.

The projects of ``test_reports`` (P1 in former Hà Giang, P2 in former Tuyên Quang 60 % and Cao Bằng
40 %, both KCQG “Đào tạo nghề” 2020; P3 KCĐP “Mô hình, máy móc” 2020 in Hà Nội; P0 KCQG 2019 in Hà
Giang), with their statuses set: P1 settled, P2 accepted, P3 settled, P0 in progress. Beneficiaries,
each an establishment of the province it is placed in (province as registered / today):

=====  =====  ==============  ===========================  =======================  ========
proj.  est.   province        revenue before → after       production before→after  jobs
=====  =====  ==============  ===========================  =======================  ========
P1     E1     Hà Giang / TQ   1.000.000.000 → 1.200.000.000  800.000.000 → 1.000.000.000  10 → 12
P1     E2     Hà Giang / TQ   500.000.000 → (none)         300.000.000 → 330.000.000  –
P2     E3     Tuyên Quang/TQ  2.000.000.000 → 2.500.000.001  –                        20 → 25
P2     E4     Cao Bằng / CB   1.000.000.000 → 900.000.000  –                          5 → 5
P3     E5     Hà Nội / HN     100.000.000 → 150.000.000    –                          3 → 4
P0     E1     Hà Giang / TQ   1.000.000.000 → 5.000.000.000  (in progress: not counted)   10 → 50
=====  =====  ==============  ===========================  =======================  ========

E2 reported its revenue only before: it is in no revenue figure (count, before or after), but in the
production figures. P2 spans two provinces: each of its beneficiaries is counted once, where it is.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import Q
from django.utils import translation

from khuyencong.core.permissions import get_scope
from khuyencong.establishments.services import establishment_create
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.projects.models import Project, ProjectBeneficiary
from khuyencong.reporting import dimensions as dims
from khuyencong.reporting import measures as ms
from khuyencong.reporting.catalogue import REPORTS
from khuyencong.reporting.engine import aggregate
from khuyencong.reporting.tests.test_engine import D, dataset, former, today_province  # noqa: F401
from khuyencong.reporting.tests.test_reports import data  # noqa: F401
from khuyencong.testing.factories import establishment_data, valid_tax_code

pytestmark = pytest.mark.django_db
PERIOD = {"from_year": "2019", "to_year": "2020"}


def establishment(people, province, name, index=0, **extra):
    """An establishment registered in a commune of ``province`` (a former province: an address of
    2019)."""
    commune = (
        AdministrativeUnit.objects.filter(level=Level.COMMUNE, kind="commune")
        .filter(Q(parent=province) | Q(parent__parent=province))
        .order_by("code")[index]
    )
    old = province.valid_until is not None
    fields = establishment_data(commune, name=name, **extra)
    if old:
        fields["address_as_of"] = D(2019, 3, 1)
    return establishment_create(user=people["agency"], data=fields)


def supported(project, est, **figures):
    return ProjectBeneficiary.objects.create(project=project, establishment=est, **figures)


def set_status(project, status):
    Project.objects.filter(pk=project.pk).update(status=status)


@pytest.fixture
def effects(people, data):  # noqa: F811
    p1, p2, p3, p0 = data["p1"], data["p2"], data["p3"], data["p0"]
    for project, status in ((p1, "settled"), (p2, "accepted"), (p3, "settled"), (p0, "in_progress")):
        set_status(project, status)
    e1 = establishment(people, data["ha_giang"], "Công ty TNHH Mây tre Hà Giang", kind="small",
                       tax_code=valid_tax_code(910000101))  # fmt: skip
    e2 = establishment(people, data["ha_giang"], "Hộ kinh doanh Chè Lũng Phìn", index=1)
    e3 = establishment(people, data["old_tq"], "Hộ kinh doanh Rèn Yên Sơn")
    e4 = establishment(people, data["old_cb"], "Hộ kinh doanh Dệt Trùng Khánh")
    e5 = establishment(people, data["hanoi"], "Hộ kinh doanh Sơn mài Hạ Thái")
    M = 1_000_000
    supported(p1, e1, revenue_before=1000 * M, revenue_after=1200 * M, production_before=800 * M,
              production_after=1000 * M, jobs_before=10, jobs_after=12)  # fmt: skip
    supported(p1, e2, revenue_before=500 * M, production_before=300 * M, production_after=330 * M)
    supported(p2, e3, revenue_before=2000 * M, revenue_after=2_500_000_001, jobs_before=20, jobs_after=25)
    supported(p2, e4, revenue_before=1000 * M, revenue_after=900 * M, jobs_before=5, jobs_after=5)
    supported(p3, e5, revenue_before=100 * M, revenue_after=150 * M, jobs_before=3, jobs_after=4)
    supported(p0, e1, revenue_before=1000 * M, revenue_after=5000 * M, jobs_before=10, jobs_after=50)
    return {**data, "e1": e1, "e2": e2, "e3": e3, "e4": e4, "e5": e5}


def run(user, **params):
    with translation.override("vi"):
        form, built = REPORTS["hieu-qua-ho-tro"].run(get_scope(user), {**PERIOD, **params})
    assert built is not None, form.errors
    return built.tables[0]


def rows_of(table):
    return {r.values[table.label_key]: r.values for r in table.rows if r.level == "row"}


def figures(values, figure):
    return tuple(values[f"{figure}_{k}"] for k in ("reporting", "before", "after", "change"))


def test_the_engine_counts_a_figure_only_where_both_sides_were_reported(people, effects):
    table = aggregate(get_scope(people["agency"]), ms.EFFECTS, filters={"plan_year": 2020})
    assert table.total.values == {
        "revenue_reporting": 4,  # E1, E3, E4, E5 – not E2 (no revenue after), not P0 (in progress)
        "revenue_before": 4_100_000_000,
        "revenue_after": 4_750_000_001,
        "production_reporting": 2,  # E1, E2
        "production_before": 1_100_000_000,
        "production_after": 1_330_000_000,
        "jobs_reporting": 4,
        "jobs_before": 38,
        "jobs_after": 46,
    }
    assert all(isinstance(v, int) for v in table.total.values.values())


def test_the_status_counts_as_it_was_on_a_date(people, effects):
    # P0 has no recorded event that made it “in progress”: on a past date its last recorded status
    # (appraised by the agency) is not accepted or settled either – the dated status is read
    scope = get_scope(people["agency"])
    today = aggregate(scope, ["jobs_reporting"], filters={"plan_year": 2019}).total.value("jobs_reporting")
    set_status(effects["p0"], "settled")
    now = aggregate(scope, ["jobs_reporting"], filters={"plan_year": 2019}).total.value("jobs_reporting")
    before = aggregate(scope, ["jobs_reporting"], filters={"plan_year": 2019}, on=D(2020, 1, 1))
    assert (today, now, before.total.value("jobs_reporting")) == (0, 1, 0)


def test_by_province_as_it_was(people, effects):
    table = run(people["agency"], group="province")
    rows = rows_of(table)
    assert list(rows) == ["Cao Bằng", "Hà Giang", "Hà Nội", "Tuyên Quang"]
    assert figures(rows["Hà Giang"], "revenue") == (1, 1_000_000_000, 1_200_000_000, Decimal("20.00"))
    assert figures(rows["Hà Giang"], "production") == (2, 1_100_000_000, 1_330_000_000, Decimal("20.91"))
    assert figures(rows["Hà Giang"], "jobs") == (1, 10, 12, Decimal("20.00"))
    # P2 over two provinces: E3 in Tuyên Quang, E4 in Cao Bằng, once each
    assert figures(rows["Tuyên Quang"], "revenue") == (1, 2_000_000_000, 2_500_000_001, Decimal("25.00"))
    assert figures(rows["Cao Bằng"], "revenue") == (1, 1_000_000_000, 900_000_000, Decimal("-10.00"))
    assert figures(rows["Cao Bằng"], "jobs") == (1, 5, 5, Decimal("0.00"))
    assert figures(rows["Cao Bằng"], "production") == (0, None, None, None)  # nobody reported it
    total = table.rows[-1]
    assert total.level == "total"
    assert figures(total.values, "revenue") == (4, 4_100_000_000, 4_750_000_001, Decimal("15.85"))
    assert figures(total.values, "production") == (2, 1_100_000_000, 1_330_000_000, Decimal("20.91"))
    assert figures(total.values, "jobs") == (4, 38, 46, Decimal("21.05"))
    # every total is the sum of its rows
    for key in ("revenue_before", "revenue_after", "jobs_after", "production_reporting"):
        assert total.values[key] == sum(r[key] for r in rows.values())


def test_by_province_of_today_a_merged_province_is_the_sum_of_its_predecessors(people, effects):
    rows = rows_of(run(people["agency"], group="province_now"))
    tuyen_quang = today_province("08").name
    # today's Tuyên Quang = former Hà Giang (E1, E2) + former Tuyên Quang (E3)
    assert figures(rows[tuyen_quang], "revenue") == (2, 3_000_000_000, 3_700_000_001, Decimal("23.33"))
    assert figures(rows[tuyen_quang], "jobs") == (2, 30, 37, Decimal("23.33"))
    assert sum(r["revenue_reporting"] for r in rows.values()) == 4


def test_by_content_year_and_source(people, effects):
    rows = rows_of(run(people["agency"], group="content"))
    assert list(rows) == ["Đào tạo nghề", "Mô hình, máy móc"]
    assert figures(rows["Đào tạo nghề"], "revenue") == (3, 4_000_000_000, 4_600_000_001, Decimal("15.00"))
    assert figures(rows["Mô hình, máy móc"], "revenue") == (1, 100_000_000, 150_000_000, Decimal("50.00"))
    by_year = rows_of(run(people["agency"], group="year"))
    assert list(by_year) == ["2020"]  # 2019: P0 is in progress, nothing counts
    kcqg = run(people["agency"], group="content", source="kcqg")
    assert list(rows_of(kcqg)) == ["Đào tạo nghề"]  # P3 is KCĐP
    assert figures(kcqg.rows[-1].values, "jobs") == (3, 35, 42, Decimal("20.00"))


def test_a_province_sees_its_projects_only(people, effects):
    # the Tuyên Quang DOIT reads P1 (former Hà Giang) and P2 (led from former Tuyên Quang): not P3
    table = run(people["doit"], group="province")
    assert "Hà Nội" not in rows_of(table)
    assert figures(table.rows[-1].values, "revenue") == (3, 4_000_000_000, 4_600_000_001, Decimal("15.00"))
    hanoi = run(people["other_doit"], group="province")
    assert figures(hanoi.rows[-1].values, "revenue") == (1, 100_000_000, 150_000_000, Decimal("50.00"))


def test_wrong_parameters_name_the_field(people, effects):
    form, built = REPORTS["hieu-qua-ho-tro"].run(get_scope(people["agency"]), {**PERIOD, "group": "x"})
    assert built is None and "group" in form.errors


def test_page_excel_and_api(client, people, effects):
    client.force_login(people["agency"])
    page = client.get("/bao-cao/hieu-qua-ho-tro/", {**PERIOD, "group": "province"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hiệu quả hỗ trợ" in text and "Cao Bằng" in text
    xlsx = client.get("/bao-cao/hieu-qua-ho-tro/", {**PERIOD, "group": "province", "export": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert 4_750_000_001 in cells and 4_100_000_000 in cells
    api = client.get("/api/v1/reports/hieu-qua-ho-tro/", {**PERIOD, "group": "province"})
    assert api.status_code == 200
    body = json.loads(api.content)
    assert "4750000001" in json.dumps(body)
    bad = client.get("/api/v1/reports/hieu-qua-ho-tro/", {**PERIOD, "group": "x"})
    assert bad.status_code == 400
    assert client.get("/bao-cao/hieu-qua-ho-tro/", {**PERIOD, "group": "x"}).status_code == 200


def test_a_region_adds_up_its_provinces_and_the_figures_are_not_dated(people, effects):
    scope = get_scope(people["agency"])
    by_province = aggregate(scope, ms.EFFECTS, by=["region", "province"], filters={"plan_year": 2020})
    by_region = aggregate(scope, ms.EFFECTS, by=["region"], filters={"plan_year": 2020})
    for row in by_region.rows:
        for name in ms.EFFECTS:
            assert row.value(name) == sum(
                r.value(name) for r in by_province.rows if r.keys["region"] == row.key
            )
    assert by_region.total.values == by_province.total.values
    # the Northern Midlands and Mountains: Hà Giang, Tuyên Quang and Cao Bằng (E1–E4)
    north = next(r for r in by_region.rows if "miền núi" in r.labels["region"])
    assert (north.value("revenue_reporting"), north.value("revenue_before")) == (3, 4_000_000_000)
    with pytest.raises(ValueError):
        aggregate(scope, ["revenue_after"], filters={"period": dims.year(2020)})
