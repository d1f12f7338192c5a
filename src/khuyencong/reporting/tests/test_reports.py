"""The standard reports of the catalogue against hand-computed figures.

The dataset of ``test_engine`` (plan year 2020, KCQG, content "Đào tạo nghề"): P1 in former Hà Giang
(plan 80.000.000 đ), P2 60 % in former Tuyên Quang (90.000.000) and 40 % in Cao Bằng (60.000.000);
counterpart planned 50.000.000 + 300.000.000. Added here: P3, KCĐP, content "Mô hình, máy móc", in
Hà Nội, allocated 70.000.001 đ, counterpart 20.000.000. Hà Giang and Tuyên Quang are today's Tuyên
Quang.

Totals: KCQG 230.000.000, KCĐP 70.000.001, all 300.000.001; counterpart 370.000.000.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import translation

from khuyencong.core.permissions import get_scope
from khuyencong.documents.tables import ROW, SECTION, SUBTOTAL, TOTAL
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, Programme
from khuyencong.projects.models import LedgerKind
from khuyencong.projects.services import ledger
from khuyencong.projects.services.history import project_record_appraised
from khuyencong.reporting.catalogue import REPORTS
from khuyencong.reporting.tests.test_engine import D, dataset, former  # noqa: F401

pytestmark = pytest.mark.django_db
PERIOD = {"from_year": "2020", "to_year": "2020"}


@pytest.fixture
def data(people, dataset):  # noqa: F811
    hanoi = former("01")
    p3 = project_record_appraised(
        user=people["agency"],
        data={
            "plan_year": 2020,
            "source": "kcdp",
            "programme": Programme.objects.get(code="kcqg-2014-2020"),
            "content": Content.objects.get(code="mo-hinh-may-moc"),
            "kind": "ordinary",
            "name": "Mô hình trình diễn tại Hà Nội",
            "objectives": "Máy móc tiên tiến",
            "implementing_org": Organisation.objects.get(code="ttkc-01-2008"),
            "lead_province": hanoi,
            "start_date": D(2020, 3, 1),
            "end_date": D(2020, 12, 15),
        },
        budget_lines=[
            {"category": "training", "item": "Máy", "state_support": 70_000_001, "counterpart": 20_000_000}
        ],
        filed_on=D(2019, 6, 15),
    )
    ledger.record(p3, LedgerKind.ALLOCATED, 70_000_001, D(2020, 2, 10))
    # P0, of the 2019 plan in Hà Giang: the same period of the year before
    p0 = project_record_appraised(
        user=people["agency"],
        data={
            "plan_year": 2019,
            "source": "kcqg",
            "programme": Programme.objects.get(code="kcqg-2014-2020"),
            "content": Content.objects.get(code="dao-tao-nghe"),
            "kind": "ordinary",
            "name": "Đào tạo nghề năm 2019 tại Hà Giang",
            "objectives": "Đào tạo nghề",
            "implementing_org": Organisation.objects.get(code="ttkc-02-2008"),
            "lead_province": dataset["ha_giang"],
            "start_date": D(2019, 3, 1),
            "end_date": D(2019, 12, 15),
        },
        budget_lines=[
            {"category": "training", "item": "Lớp", "state_support": 50_000_000, "counterpart": 10_000_000}
        ],
        filed_on=D(2018, 6, 15),
    )
    ledger.record(p0, LedgerKind.ALLOCATED, 50_000_000, D(2019, 2, 1))
    ledger.record(p0, LedgerKind.ADVANCED, 20_000_000, D(2019, 4, 1))
    ledger.record(p0, LedgerKind.DISBURSED, 25_000_000, D(2019, 8, 1))
    return {**dataset, "p3": p3, "p0": p0, "hanoi": hanoi}


def run(user, slug, **params):
    with translation.override("vi"):
        form, built = REPORTS[slug].run(get_scope(user), {**PERIOD, **params})
    assert built is not None, form.errors
    return built


def rows_of(table):
    return {r.values[table.label_key]: r.values for r in table.rows if r.level == ROW}


def test_appendix_1_by_content(people, data):
    table = run(people["agency"], "phu-luc-1").tables[0]
    rows = rows_of(table)
    assert rows["Đào tạo nghề"] | {} == {
        **rows["Đào tạo nghề"],
        "kcqg": 230_000_000,
        "kcqg_share": Decimal("100.00"),
        "kcdp": 0,
        "kcdp_share": Decimal("0.00"),
        "other": 0,
        "total": 230_000_000,
        "counterpart": 350_000_000,
    }
    assert rows["Mô hình, máy móc"]["kcdp"] == 70_000_001
    assert rows["Mô hình, máy móc"]["kcdp_share"] == Decimal("100.00")
    assert rows["Mô hình, máy móc"]["counterpart"] == 20_000_000
    assert list(rows) == ["Đào tạo nghề", "Mô hình, máy móc"]  # in the order of the contents
    total = table.rows[-1]
    assert total.level == TOTAL
    assert (total.values["kcqg"], total.values["kcdp"], total.values["total"]) == (
        230_000_000,
        70_000_001,
        300_000_001,
    )
    for key in ("kcqg", "kcdp", "other", "total", "counterpart"):  # the total is the sum of the rows
        assert total.values[key] == sum(r[key] for r in rows.values())


def test_appendix_2_as_it_was_63_provinces(people, data):
    built = run(people["agency"], "phu-luc-2")
    table, by_kind = built.tables
    levels = [(r.level, r.values[table.label_key]) for r in table.rows]
    assert levels == [
        (SECTION, "Vùng Đồng bằng sông Hồng"),
        (ROW, "Hà Nội"),
        (SUBTOTAL, "Cộng vùng"),
        (SECTION, "Vùng Trung du và miền núi phía Bắc"),
        (ROW, "Cao Bằng"),
        (ROW, "Hà Giang"),
        (ROW, "Tuyên Quang"),
        (SUBTOTAL, "Cộng vùng"),
        (TOTAL, "Tổng cộng"),
    ]
    rows = rows_of(table)
    assert {k: (v["kcqg"], v["kcdp"], v["total"], v["share"]) for k, v in rows.items()} == {
        "Cao Bằng": (60_000_000, 0, 60_000_000, Decimal("20.00")),
        "Hà Giang": (80_000_000, 0, 80_000_000, Decimal("26.67")),
        "Tuyên Quang": (90_000_000, 0, 90_000_000, Decimal("30.00")),
        "Hà Nội": (0, 70_000_001, 70_000_001, Decimal("23.33")),
    }
    north = table.rows[7].values
    assert (north["total"], north["share"]) == (230_000_000, Decimal("76.67"))
    total = table.rows[-1].values
    assert (total["kcqg"], total["kcdp"], total["total"]) == (230_000_000, 70_000_001, 300_000_001)
    assert total["total"] == sum(r["total"] for r in rows.values())
    # mean: 300.000.001 ÷ 63 = 4.761.904,78 – every province with money is above it
    assert any("÷ 63" in note and "0,005" in note for note in table.footnotes)
    assert {k for k, v in rows.items() if v["above"] == "x"} == set(rows)
    kinds = rows_of(by_kind)
    assert kinds == {
        "Trung tâm khuyến công tỉnh": {
            **kinds.get("Trung tâm khuyến công tỉnh", {}),
            "kcqg": 230_000_000,
            "kcdp": 70_000_001,
            "other": 0,
            "total": 300_000_001,
            "share": Decimal("100.00"),
        }
    }


def test_appendix_2_todays_34_provinces_merge_ha_giang_into_tuyen_quang(people, data):
    table = run(people["agency"], "phu-luc-2", geography="34").tables[0]
    rows = rows_of(table)
    assert {k: v["total"] for k, v in rows.items()} == {
        "Cao Bằng": 60_000_000,
        "Tuyên Quang": 170_000_000,  # Hà Giang 80.000.000 + Tuyên Quang 90.000.000
        "Hà Nội": 70_000_001,
    }
    assert rows["Tuyên Quang"]["share"] == Decimal("56.67")
    assert table.rows[-1].values["total"] == 300_000_001
    # 300.000.001 ÷ 34 = 8.823.529,44
    assert any("÷ 34" in note for note in table.footnotes)
    # the years after 2025 take the 34 provinces without being asked
    later = run(people["agency"], "phu-luc-2", from_year="2026", to_year="2026").tables[0]
    assert "34" in later.subtitle


def test_a_provincial_user_reads_their_province_only(people, data):
    table = run(people["other_doit"], "phu-luc-2").tables[0]
    assert {k: v["total"] for k, v in rows_of(table).items()} == {"Hà Nội": 70_000_001}
    assert table.rows[-1].values["total"] == 70_000_001
    first = run(people["other_doit"], "phu-luc-1").tables[0]
    assert first.rows[-1].values["kcqg"] == 0 and first.rows[-1].values["kcdp"] == 70_000_001


@pytest.mark.parametrize(
    "params, field",
    [
        ({"from_year": "abc"}, "from_year"),
        ({"from_year": "2021", "to_year": "2020"}, "to_year"),
        ({"from_year": "2010", "to_year": "2025"}, "to_year"),
        ({"to_year": "99999999999999999999"}, "to_year"),
    ],
)
def test_bad_parameters_name_the_field_in_vietnamese(client, people, params, field):
    client.force_login(people["agency"])
    response = client.get("/bao-cao/phu-luc-1/", {**PERIOD, **params}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    text = " ".join(errors[field])
    assert any(ch in text for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"), text
    assert b"%PDF" not in response.content
    api = client.get("/api/v1/reports/phu-luc-1/", {**PERIOD, **params}, HTTP_ACCEPT_LANGUAGE="vi")
    assert api.status_code == 400 and field in api.json()["error"]["fields"]


def test_the_page_and_every_download(client, people, data):
    client.force_login(people["agency"])
    page = client.get("/bao-cao/phu-luc-2/", PERIOD)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tuyên Quang" in html and "0,300" in html  # 300.000.001 đ in tỷ đồng
    assert "kc-chart-data" in html
    for slug in REPORTS:  # the "Báo cáo" menu lists every report
        assert f'href="/bao-cao/{slug}/"' in html
    index = client.get("/bao-cao/")
    assert index.status_code == 200 and "/bao-cao/phu-luc-1/" in index.content.decode()

    xlsx = client.get("/bao-cao/phu-luc-2/", {**PERIOD, "export": "xlsx"})
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    cells = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert 300_000_001 in cells and 170_000_000 not in cells  # exact đồng, 63 provinces
    assert len(book.worksheets) == 2

    pdf = client.get("/bao-cao/phu-luc-2/", {**PERIOD, "export": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    first = client.get("/bao-cao/phu-luc-2/", {**PERIOD, "export": "csv"})
    reader = list(csv.reader(io.StringIO(first.content.decode("utf-8-sig"))))
    by_name = {row[1]: row for row in reader[1:]}
    assert by_name["Tuyên Quang"][2] == "90000000" and by_name["Tổng cộng"][5] == "300000001"
    second = client.get("/bao-cao/phu-luc-2/", {**PERIOD, "export": "csv", "table": "2"})
    assert "Trung tâm khuyến công tỉnh" in second.content.decode("utf-8-sig")

    body = json.loads(client.get("/bao-cao/phu-luc-2/", {**PERIOD, "export": "json"}).content)
    assert body[0]["rows"][-1]["values"]["total"] == 300_000_001
    assert body[0]["rows"][-1]["values"]["share"] == "100.00"


def test_the_api_gives_the_figures_of_the_page(client, people, data):
    client.force_login(people["agency"])
    response = client.get("/api/v1/reports/phu-luc-2/", PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert body["report"] == "phu-luc-2" and body["parameters"]["from_year"] == 2020
    page = REPORTS["phu-luc-2"].run(get_scope(people["agency"]), PERIOD)[1]
    api_rows = [r["values"] for r in body["tables"][0]["rows"]]
    assert [v.get("total") for v in api_rows] == [r.values.get("total") for r in page.tables[0].rows]
    conference = client.get("/api/v1/reports/hoi-nghi-vung/", {"year": 2020, "months": 12, "area": "BAC"})
    assert conference.status_code == 200
    assert conference.json()["parameters"] == {"year": 2020, "months": 12, "area": "BAC"}
    assert conference.json()["tables"][0]["rows"][-1]["values"]["done"] == 220_000_000
    pdf = client.get("/api/v1/reports/phu-luc-1/", {**PERIOD, "export": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/api/v1/reports/khong-co/").status_code == 404
    assert client.get("/api/v1/reports/phu-luc-1/", {**PERIOD, "export": "doc"}).status_code == 400
    assert client.get("/bao-cao/khong-co/").status_code == 404


def test_the_command_writes_a_file(people, data, tmp_path):
    out = tmp_path / "pl1.csv"
    call_command("report", "phu-luc-1", "--year", "2020", "--format", "csv", "--out", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert rows[-1][-2:] == ["300000001", "370000000"]
    scoped = tmp_path / "pl2.json"
    call_command(
        "report", "phu-luc-2", "--param", "from_year=2020", "--param", "to_year=2020",
        "--format", "json", "--out", str(scoped), "--user", people["other_doit"].username,
    )  # fmt: skip
    assert json.loads(scoped.read_text())[0]["rows"][-1]["values"]["total"] == 70_000_001
    xlsx = tmp_path / "pl2.xlsx"
    call_command("report", "phu-luc-2", "--year", "2020", "--format", "xlsx", "--out", str(xlsx))
    assert openpyxl.load_workbook(xlsx).worksheets[0].title
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="to_year"):
        call_command("report", "phu-luc-1", "--param", "from_year=2020", "--param", "to_year=2019")


def test_the_reports_are_for_workspace_roles(client, people):
    assert client.get("/bao-cao/phu-luc-1/").status_code == 302
    client.force_login(people["leader"])
    assert client.get("/bao-cao/phu-luc-1/").status_code == 200


def conference_rows(user, months):
    built = run(user, "hoi-nghi-vung", year="2020", months=str(months), area="BAC")
    table = built.tables[0]
    return table, rows_of(table), table.rows[-1].values


def test_regional_conference_first_six_months(people, data):
    _table, rows, total = conference_rows(people["agency"], 6)
    # the plan as it stood on 30/06/2020; paid from 01/01 to 30/06/2020
    assert {k: (v["plan"], v["done"], v["pct"]) for k, v in rows.items()} == {
        "Cao Bằng": (60_000_000, 0, Decimal("0.00")),
        "Hà Giang": (90_000_000, 40_000_000, Decimal("44.44")),
        "Hà Nội": (70_000_001, 0, Decimal("0.00")),
        "Tuyên Quang": (90_000_000, 0, Decimal("0.00")),
    }
    # 2019, the same six months: Hà Giang's plan 50.000.000, advanced 20.000.000 (the August payment is later)
    assert (rows["Hà Giang"]["plan_before"], rows["Hà Giang"]["done_before"]) == (50_000_000, 20_000_000)
    assert (rows["Hà Giang"]["plan_change"], rows["Hà Giang"]["done_change"]) == (
        Decimal("80.00"),
        Decimal("100.00"),
    )
    assert rows["Cao Bằng"]["plan_change"] is None  # nothing the year before: no change to state
    assert (total["plan"], total["done"], total["pct"]) == (310_000_001, 40_000_000, Decimal("12.90"))
    assert (total["plan_before"], total["done_before"]) == (50_000_000, 20_000_000)
    assert (total["plan_change"], total["done_change"]) == (Decimal("520.00"), Decimal("100.00"))
    for key in ("plan", "done", "plan_before", "done_before"):
        assert total[key] == sum(r[key] for r in rows.values())


def test_regional_conference_whole_year_and_another_area(people, data):
    _table, rows, total = conference_rows(people["agency"], 12)
    assert {k: (v["plan"], v["done"], v["pct"]) for k, v in rows.items()} == {
        "Cao Bằng": (60_000_000, 60_000_000, Decimal("100.00")),
        "Hà Giang": (80_000_000, 70_000_000, Decimal("87.50")),
        "Hà Nội": (70_000_001, 0, Decimal("0.00")),
        "Tuyên Quang": (90_000_000, 90_000_000, Decimal("100.00")),
    }
    assert (total["plan"], total["done"], total["pct"]) == (300_000_001, 220_000_000, Decimal("73.33"))
    south = run(people["agency"], "hoi-nghi-vung", year="2020", months="12", area="NAM").tables[0]
    assert [r.level for r in south.rows] == [TOTAL] and south.rows[0].values["plan"] == 0
    form, built = REPORTS["hoi-nghi-vung"].run(get_scope(people["agency"]), {"year": "2020", "months": "13"})
    assert built is None and "months" in form.errors


def test_annual_results_by_content(people, data):
    built = run(people["agency"], "ket-qua-nam", year="2020", source="kcqg")
    table = built.tables[0]
    rows = rows_of(table)
    assert list(rows) == ["Đào tạo nghề"]  # P3 is KCĐP
    row = rows["Đào tạo nghề"]
    assert {
        k: row[k] for k in ("allocated", "amended", "plan", "paid", "executed", "pct", "projects", "settled")
    } == {
        "allocated": 240_000_000,
        "amended": -10_000_000,
        "plan": 230_000_000,
        "paid": 220_000_000,
        "executed": 0,
        "pct": Decimal("0.00"),
        "projects": 2,
        "settled": 0,
    }
    every = rows_of(run(people["agency"], "ket-qua-nam", year="2020", source="").tables[0])
    assert every["Mô hình, máy móc"]["plan"] == 70_000_001 and every["Mô hình, máy móc"]["projects"] == 1
    total = run(people["agency"], "ket-qua-nam", year="2020", source="").tables[0].rows[-1].values
    assert (total["plan"], total["paid"], total["projects"]) == (300_000_001, 220_000_000, 3)
    assert total["plan"] == sum(r["plan"] for r in every.values())
    form, built = REPORTS["ket-qua-nam"].run(get_scope(people["agency"]), {"year": "2020", "source": "usd"})
    assert built is None and "source" in form.errors


def test_quarterly_national_summary(people, data):
    def quarter(number, user=people["agency"]):
        table = run(user, "tong-hop-quy", year="2020", quarter=str(number), source="").tables[0]
        return rows_of(table), table.rows[-1].values

    rows, total = quarter(4)
    figures = {k: (v["plan"], v["quarter"], v["cumulative"], v["pct"]) for k, v in rows.items()}
    assert figures == {
        "Vùng Đồng bằng sông Hồng": (70_000_001, 0, 0, Decimal("0.00")),
        # P1 30.000.000 on 20/11 and P2 150.000.000 on 01/12; since January also P1's advance 40.000.000
        "Vùng Trung du và miền núi phía Bắc": (230_000_000, 180_000_000, 220_000_000, Decimal("95.65")),
    }
    assert (total["plan"], total["quarter"], total["cumulative"], total["pct"]) == (
        300_000_001,
        180_000_000,
        220_000_000,
        Decimal("73.33"),
    )
    for key in ("plan", "quarter", "cumulative"):
        assert total[key] == sum(r[key] for r in rows.values())
    # P3 in Hà Nội; P1 in Hà Giang and P2 in Tuyên Quang, both of the midlands – each counted once
    assert {k: v["projects"] for k, v in rows.items()} == {
        "Vùng Đồng bằng sông Hồng": 1,
        "Vùng Trung du và miền núi phía Bắc": 2,
    }
    assert total["projects"] == 3
    rows, total = quarter(1)  # on 31/03/2020 the amendment of September was not made yet
    assert rows["Vùng Trung du và miền núi phía Bắc"]["plan"] == 240_000_000
    assert (total["quarter"], total["cumulative"], total["pct"]) == (40_000_000, 40_000_000, Decimal("12.90"))
    rows, total = quarter(4, people["other_doit"])
    assert list(rows) == ["Vùng Đồng bằng sông Hồng"] and total["plan"] == 70_000_001
    form, built = REPORTS["tong-hop-quy"].run(get_scope(people["agency"]), {"year": "2020", "quarter": "5"})
    assert built is None and "quarter" in form.errors


def test_appendix_1_leaves_out_the_counterpart_of_a_rejected_proposal(people, data):
    """A 2020 proposal in Hà Giang planning 40.000.000 of counterpart, not approved: neither its
    money nor its counterpart is in Appendix 1 (Đào tạo nghề keeps 350.000.000)."""
    from khuyencong.projects.services.transitions import project_reject
    from khuyencong.reporting.tests.test_engine import record_2020

    rejected = record_2020(people, data["ha_giang"], 60_000_000, 40_000_000)
    before = rows_of(run(people["agency"], "phu-luc-1").tables[0])["Đào tạo nghề"]["counterpart"]
    assert before == 390_000_000  # standing, it counts
    project_reject(user=people["agency"], project=rejected, reason="Không phù hợp nội dung")
    rows = rows_of(run(people["agency"], "phu-luc-1").tables[0])
    assert rows["Đào tạo nghề"]["counterpart"] == 350_000_000
