"""Repeat support (report “ho-tro-lap-lai”) against a hand-built list.

The projects of ``test_reports`` – P1 (2020, former Hà Giang, “Đào tạo nghề”, approved 80.000.000),
P2 (2020, former Tuyên Quang 60 % + Cao Bằng 40 %, “Đào tạo nghề”, 150.000.000), P3 (2020, Hà Nội,
“Mô hình, máy móc”), P0 (2019, Hà Giang, “Đào tạo nghề”) – and two more of “Đào tạo nghề”: P5
(2018, Hà Nội, 40.000.000) and P6 (2016, former Tuyên Quang, 30.000.000). P0 was not approved.
The rule: at most 3 plan years apart (system parameter ``repeat_support_years``, default 3).

- E1 (tax code, Hà Giang): P5 (2018) and P1 (2020) – a repeat across provinces, 2 years apart.
- E2 (Hà Giang) in P1 and its duplicate E2′ (merged into E2) in P2 – one establishment, a repeat in
  the same year; P2 spans two provinces and is listed once.
- E3 (Tuyên Quang): P6 (2016) and P2 (2020) – 4 years apart, not a repeat; P0 (2019) was not
  approved, so it is no support.
- E4 (Cao Bằng): P2 (“Đào tạo nghề”) and P3 (“Mô hình, máy móc”) – different contents.
"""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.utils import translation

from khuyencong.core.models import SystemParameter
from khuyencong.core.permissions import get_scope
from khuyencong.establishments.models import Establishment
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, Programme
from khuyencong.projects.models import LedgerKind
from khuyencong.projects.services import ledger
from khuyencong.projects.services.history import project_record_appraised
from khuyencong.reporting.catalogue import REPORTS
from khuyencong.reporting.queries import repeat_support, survivors
from khuyencong.reporting.tests.test_effects import establishment, set_status, supported
from khuyencong.reporting.tests.test_engine import D, dataset, former, today_province  # noqa: F401
from khuyencong.reporting.tests.test_reports import data  # noqa: F401
from khuyencong.testing.factories import valid_tax_code

pytestmark = pytest.mark.django_db
PERIOD = {"from_year": "2014", "to_year": "2020"}


def record(people, province, year, allocated):
    project = project_record_appraised(
        user=people["agency"],
        data={
            "plan_year": year,
            "source": "kcqg",
            "programme": Programme.objects.get(code="kcqg-2014-2020"),
            "content": Content.objects.get(code="dao-tao-nghe"),
            "kind": "ordinary",
            "name": f"Đào tạo nghề năm {year} tại {province.name}",
            "objectives": "Đào tạo nghề",
            "implementing_org": Organisation.objects.get(code=f"ttkc-{province.code}-2008"),
            "lead_province": province,
            "start_date": D(year, 3, 1),
            "end_date": D(year, 12, 15),
        },
        budget_lines=[{"category": "training", "item": "Lớp", "state_support": allocated, "counterpart": 0}],
        filed_on=D(year - 1, 6, 15),
    )
    ledger.record(project, LedgerKind.ALLOCATED, allocated, D(year, 2, 10))
    return project


@pytest.fixture
def repeats(people, data):  # noqa: F811
    p5 = record(people, data["hanoi"], 2018, 40_000_000)
    p6 = record(people, data["old_tq"], 2016, 30_000_000)
    p0, p1, p2, p3 = data["p0"], data["p1"], data["p2"], data["p3"]
    for project, status in (
        (p1, "settled"),
        (p2, "approved"),
        (p3, "settled"),
        (p5, "settled"),
        (p6, "stopped"),
    ):
        set_status(project, status)
    set_status(p0, "rejected")
    e1 = establishment(
        people,
        data["ha_giang"],
        "Công ty TNHH Mây tre Hà Giang",
        kind="small",
        tax_code=valid_tax_code(910000101),
    )
    e2 = establishment(people, data["ha_giang"], "Hộ kinh doanh Chè Lũng Phìn", index=1)
    e2_again = establishment(people, data["ha_giang"], "Hộ KD Chè Lũng Phìn (trùng)", index=2)
    Establishment.objects.filter(pk=e2_again.pk).update(status="merged", merged_into=e2)
    e3 = establishment(people, data["old_tq"], "Hộ kinh doanh Rèn Yên Sơn")
    e4 = establishment(people, data["old_cb"], "Hộ kinh doanh Dệt Trùng Khánh")
    for project, est in [
        (p5, e1),
        (p1, e1),
        (p1, e2),
        (p2, e2_again),
        (p6, e3),
        (p2, e3),
        (p0, e3),
        (p2, e4),
        (p3, e4),
    ]:
        supported(project, est)
    return {**data, "p5": p5, "p6": p6, "e1": e1, "e2": e2, "e2_again": e2_again, "e3": e3, "e4": e4}


def listed(found):
    return [
        (
            c.establishment.pk,
            [(s.project.pk, s.project.plan_year, s.approved, s.years_after) for s in c.supports],
        )
        for c in found.cases
    ]


def test_the_agency_sees_every_repeat(people, repeats):
    r = repeats
    found = repeat_support(get_scope(people["agency"]), 2014, 2020)
    assert found.years == 3
    assert listed(found) == [
        (r["e1"].pk, [(r["p5"].pk, 2018, 40_000_000, None), (r["p1"].pk, 2020, 80_000_000, 2)]),
        # the merged duplicate is the survivor: one establishment, P2 once though over two provinces
        (r["e2"].pk, [(r["p1"].pk, 2020, 80_000_000, None), (r["p2"].pk, 2020, 150_000_000, 0)]),
    ]
    assert (len(found.cases), found.establishments, found.projects) == (2, 2, 3)
    assert found.by_content() == {"Đào tạo nghề": 2}


def test_a_chain_of_merges_is_followed_to_its_end(people, repeats):
    e2, e2_again = repeats["e2"], repeats["e2_again"]
    assert survivors([e2.pk, e2_again.pk]) == {e2.pk: e2.pk, e2_again.pk: e2.pk}


def test_the_rule_and_the_filters(people, repeats):
    r = repeats
    scope = get_scope(people["agency"])
    # the years of the report: P5 (2018) is outside 2019–2020, so E1 has one support there
    assert [c.establishment.pk for c in repeat_support(scope, 2019, 2020).cases] == [r["e2"].pk]
    assert repeat_support(scope, 2014, 2020, content=Content.objects.get(code="mo-hinh-may-moc")).cases == []
    tuyen_quang, hanoi = today_province("08"), today_province("01")
    assert len(repeat_support(scope, 2014, 2020, province=tuyen_quang).cases) == 2  # former Hà Giang
    assert repeat_support(scope, 2014, 2020, province=hanoi).cases == []
    # a wider window: E3's P6 (2016) and P2 (2020) are 4 years apart; the rejected P0 still no support
    wide = repeat_support(scope, 2014, 2020, years=4)
    assert [(c.establishment.pk, [s.project.pk for s in c.supports]) for c in wide.cases][2] == (
        r["e3"].pk,
        [r["p6"].pk, r["p2"].pk],
    )
    # the rule is the system parameter the proposal check reads
    SystemParameter.objects.update_or_create(
        key="repeat_support_years", defaults={"kind": "int", "value": "1"}
    )
    narrow = repeat_support(scope, 2014, 2020)
    assert (narrow.years, [c.establishment.pk for c in narrow.cases]) == (1, [r["e2"].pk])


def test_a_province_sees_only_its_projects(people, repeats):
    r = repeats
    # the Tuyên Quang DOIT does not read P5 (Hà Nội): E1's repeat is not visible to it
    found = repeat_support(get_scope(people["doit"]), 2014, 2020)
    assert listed(found) == [
        (r["e2"].pk, [(r["p1"].pk, 2020, 80_000_000, None), (r["p2"].pk, 2020, 150_000_000, 0)])
    ]
    assert repeat_support(get_scope(people["other_doit"]), 2014, 2020).cases == []  # Hà Nội: P5 alone


def test_a_project_page_names_only_the_earlier_projects_its_reader_may_open(client, people, repeats):
    """E1 was supported by P5 (Hà Nội, 2018) before P1 (Hà Giang, 2020): the agency reads the repeat
    on P1's page; the Tuyên Quang DOIT, who may open P1 but not P5, is not told P5's code nor led to
    it – on the page, and in the warnings of a proposal still being written."""
    from khuyencong.projects.services.proposals import readiness

    r = repeats
    p1, p5 = r["p1"], r["p5"]
    client.force_login(people["agency"])
    page = client.get(p1.get_absolute_url()).content.decode()
    assert p5.code in page and p5.get_absolute_url() in page
    client.force_login(people["doit"])
    response = client.get(p1.get_absolute_url())
    assert response.status_code == 200 and client.get(p5.get_absolute_url()).status_code == 404
    page = response.content.decode()
    assert p5.code not in page and p5.get_absolute_url() not in page
    # the warning stands, with the year, as a decision's other lines are counted
    assert "Đã được hỗ trợ cùng nội dung năm 2018, tại một đề án ngoài phạm vi bạn được xem." in page
    set_status(p1, "draft")
    p1.refresh_from_db()
    _problems, warnings = readiness(p1, viewer=people["doit"])
    assert not any(p5.code in w for w in warnings)
    assert (
        "“Công ty TNHH Mây tre Hà Giang” đã được hỗ trợ cùng nội dung năm 2018, tại một đề án ngoài "
        "phạm vi bạn được xem." in warnings
    )
    _problems, warnings = readiness(p1, viewer=people["agency"])
    assert any(p5.code in w for w in warnings) and not any("ngoài phạm vi" in w for w in warnings)


def test_the_report_table(people, repeats):
    with translation.override("vi"):
        form, built = REPORTS["ho-tro-lap-lai"].run(get_scope(people["agency"]), PERIOD)
    assert built is not None, form.errors
    table = built.tables[0]
    rows = [r.values for r in table.rows]
    assert [(v["_number"], v["project"], v["plan_year"], v["approved"], v["years_after"]) for v in rows] == [
        ("1", repeats["p5"].code, "2018", 40_000_000, None),
        ("", repeats["p1"].code, "2020", 80_000_000, 2),
        ("2", repeats["p1"].code, "2020", 80_000_000, None),
        ("", repeats["p2"].code, "2020", 150_000_000, 0),
    ]
    assert rows[0]["tax_code"] == valid_tax_code(910000101)
    assert rows[0]["establishment_province"] == today_province("08").name
    assert (rows[0]["project_province"], rows[1]["project_province"]) == ("Hà Nội", "Hà Giang")
    assert rows[3]["name"] == "Hộ kinh doanh Chè Lũng Phìn"  # the survivor's name


def test_page_excel_api_and_scope(client, people, repeats):
    client.force_login(people["agency"])
    page = client.get("/bao-cao/ho-tro-lap-lai/", PERIOD, HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    assert "Hỗ trợ lặp lại" in page.content.decode()
    assert repeats["p5"].code in page.content.decode()
    xlsx = client.get("/bao-cao/ho-tro-lap-lai/", {**PERIOD, "export": "xlsx"})
    assert xlsx.status_code == 200
    cells = [
        c
        for row in openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[0].iter_rows(values_only=True)
        for c in row
    ]
    assert repeats["p5"].code in cells and 150_000_000 in cells
    api = client.get("/api/v1/reports/ho-tro-lap-lai/", PERIOD)
    assert api.status_code == 200 and repeats["p5"].code in json.dumps(json.loads(api.content))
    assert client.get("/api/v1/reports/ho-tro-lap-lai/", {**PERIOD, "content": "khong-co"}).status_code == 400
    # the Tuyên Quang DOIT: the page, the file and the API show no project of Hà Nội
    client.force_login(people["doit"])
    for url, params in [
        ("/bao-cao/ho-tro-lap-lai/", PERIOD),
        ("/bao-cao/ho-tro-lap-lai/", {**PERIOD, "export": "csv"}),
        ("/api/v1/reports/ho-tro-lap-lai/", PERIOD),
    ]:
        response = client.get(url, params)
        assert response.status_code == 200
        assert repeats["p5"].code not in response.content.decode("utf-8-sig")
        assert repeats["p2"].code in response.content.decode("utf-8-sig")
