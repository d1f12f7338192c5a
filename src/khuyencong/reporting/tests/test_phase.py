"""The phase report and its Appendix 3 against hand-computed figures.

A phase of two plan years (2019–2020, programme "Chương trình thử", national funds planned
1.000.000.000 đ), provinces as they were, every project approved by a decision:

====  ====  ======  =================  ====================================  ===========  ===========
 id   year  source  content            province                                    state  counterpart
====  ====  ======  =================  ====================================  ===========  ===========
 A    2019  KCQG    Đào tạo nghề       Hà Giang                              100.000.000  300.000.000
 B    2019  KCĐP    Mô hình, máy móc   Hà Nội                                200.000.000  500.000.000
 C    2020  KCQG    Đào tạo nghề       Tuyên Quang 60 %, Cao Bằng 40 %       150.000.000  450.000.000
 D    2020  KCĐP    Mô hình, máy móc   Hà Nội                                250.000.000  250.000.000
 H    2020  KCQG    Tư vấn, thông tin  Bắc Kạn                                 5.000.000    5.000.000
 E    2020  KCQG    Đào tạo nghề       Hà Giang – appraised, never approved   (80.000.000) (100.000.000)
====  ====  ======  =================  ====================================  ===========  ===========

By hand: KCQG 255.000.000 (36,17 %), KCĐP 450.000.000 (63,83 %), state funds 705.000.000; KCQG is
25,50 % of the 1.000.000.000 planned; 352.500.000 a year (KCQG 127.500.000); counterpart of the
approved projects 1.505.000.000 (E's is not), leverage 1.505 ÷ 705 = 2,13; 5 projects in the plans.
2019: KCQG 100, KCĐP 200, total 300 (million); 2020: 155 (+55,00 %), 250 (+25,00 %), 405 (+35,00 %).
Mean per province 705.000.000 ÷ 63 = 11.190.476; provinces: Hà Nội 450, Hà Giang 100, Tuyên Quang
90, Cao Bằng 60 (above the mean, in that order), Bắc Kạn 5 (below; the least). Regions: Đồng bằng
sông Hồng 450.000.000 (63,83 %) ÷ 11 = 40.909.091 a province; Trung du và miền núi phía Bắc
255.000.000 (36,17 %) ÷ 14 = 18.214.286. Contents: 250 (35,46 %), 450 (63,83 %), 5 (0,71 %).

Results (approved reports only): workers trained (a flow; target at least 1.000): A 200 + 150 in
2019, C 400 in 2020 → 750, 75,00 % of the target; planned by the approved projects 300 + 500 = 800
(E's 1.000 is not). Demonstration models (a running total here; target 4): B reports 1 then 3 in
2019 → 3, D 2 in 2020 (a submitted 9 does not count) → 5 = 125,00 %, “+25,00 % over target”.
"""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from khuyencong.core.permissions import get_scope
from khuyencong.documents.tables import ROW, SECTION, TOTAL
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, Indicator, Programme, Target
from khuyencong.projects.models import DecisionKind, LedgerKind, LineAction, Project, ResultReport, Status
from khuyencong.projects.services import decisions, ledger
from khuyencong.projects.services.history import project_record_appraised
from khuyencong.reporting import derived
from khuyencong.reporting.catalogue import REPORTS
from khuyencong.reporting.tests.test_engine import former

pytestmark = pytest.mark.django_db
D = datetime.date
M = 1_000_000
PHASE = {"programme": "kcqg-thu"}


def _project(people, code, year, source, content, province, state, counterpart, results=(), locations=None):
    return project_record_appraised(
        user=people["agency"],
        data={
            "plan_year": year,
            "source": source,
            "programme": Programme.objects.get(code="kcqg-2014-2020"),
            "content": Content.objects.get(code=content),
            "kind": "ordinary",
            "name": f"Đề án {code} năm {year} tại {province.name}",
            "objectives": "Thử báo cáo giai đoạn",
            "implementing_org": Organisation.objects.get(code=f"ttkc-{province.code}-2008"),
            "lead_province": province,
            "start_date": D(year, 3, 1),
            "end_date": D(year, 12, 15),
        },
        budget_lines=[
            {"category": "training", "item": "Hạng mục", "state_support": state, "counterpart": counterpart}
        ],
        locations=locations,
        results=[{"indicator": i, "target": t} for i, t in results],
        filed_on=D(year - 1, 6, 15),
    )


def _approve(people, year, source, projects):
    decision = decisions.decision_create(
        user=people["agency"],
        data={
            "kind": DecisionKind.ALLOCATION,
            "number": f"{year}-{source}-{projects[0][0].pk}/QĐ",
            "date": D(year, 1, 20),
            "signer": "Người ký",
            "issuer": Organisation.objects.get(code="bo-cong-thuong"),
            "plan_year": year,
            "source": source,
            "title": f"Giao kế hoạch {year}",
        },
    )
    for project, amount in projects:
        project.refresh_from_db()
        decisions.decision_set_line(
            user=people["agency"],
            decision=decision,
            project=project,
            action=LineAction.APPROVE,
            amount=amount,
        )
    decisions.decision_issue(user=people["agency"], decision=decision)


@pytest.fixture
def phase(people):
    ha_giang, tuyen_quang, cao_bang, bac_kan, hanoi = (former(c) for c in ("02", "08", "04", "06", "01"))
    workers = Indicator.objects.get(code="lao-dong-dao-tao")
    models_built = Indicator.objects.get(code="mo-hinh-trinh-dien")
    models_built.cumulative = True
    models_built.save()
    programme = Programme.objects.create(
        code="kcqg-thu",
        name="Chương trình thử",
        level="national",
        start_year=2019,
        end_year=2020,
        planned_state_funds=1_000 * M,
    )
    Target.objects.create(
        programme=programme, indicator=workers, value=1000, qualifier="at_least", source="thử"
    )
    Target.objects.create(programme=programme, indicator=models_built, value=4, source="thử")
    a = _project(people, "A", 2019, "kcqg", "dao-tao-nghe", ha_giang, 100 * M, 300 * M, [(workers, 300)])
    b = _project(people, "B", 2019, "kcdp", "mo-hinh-may-moc", hanoi, 200 * M, 500 * M, [(models_built, 2)])
    c = _project(
        people,
        "C",
        2020,
        "kcqg",
        "dao-tao-nghe",
        tuyen_quang,
        150 * M,
        450 * M,
        [(workers, 500)],
        locations=[{"province": tuyen_quang, "share_bp": 6000}, {"province": cao_bang, "share_bp": 4000}],
    )
    d = _project(people, "D", 2020, "kcdp", "mo-hinh-may-moc", hanoi, 250 * M, 250 * M, [(models_built, 2)])
    h = _project(people, "H", 2020, "kcqg", "tu-van-thong-tin", bac_kan, 5 * M, 5 * M)
    e = _project(people, "E", 2020, "kcqg", "dao-tao-nghe", ha_giang, 80 * M, 100 * M, [(workers, 1000)])
    _approve(people, 2019, "kcqg", [(a, 100 * M)])
    _approve(people, 2020, "kcqg", [(c, 150 * M), (h, 5 * M)])
    # A past KCĐP project is recorded as the agency appraised it, which a provincial decision does
    # not take (it approves what the DOIT appraised): its allocation is booked in the ledger and the
    # project marked approved, as an import of the province's past decisions would leave it.
    for project, amount in ((b, 200 * M), (d, 250 * M)):
        ledger.record(project, LedgerKind.ALLOCATED, amount, D(project.plan_year, 2, 1))
        Project.objects.filter(pk=project.pk).update(status=Status.APPROVED)
    for project, indicator, value, day, state in [
        (a, workers, 200, D(2019, 6, 30), "approved"),
        (a, workers, 150, D(2019, 12, 31), "approved"),
        (c, workers, 400, D(2020, 12, 31), "approved"),
        (e, workers, 999, D(2020, 12, 31), "submitted"),
        (b, models_built, 1, D(2019, 6, 30), "approved"),
        (b, models_built, 3, D(2019, 12, 31), "approved"),
        (d, models_built, 2, D(2020, 12, 31), "approved"),
        (d, models_built, 9, D(2021, 3, 31), "submitted"),
    ]:
        ResultReport.objects.create(
            project=project, indicator=indicator, value=value, period_end=day, state=state
        )
    return {"programme": programme, "workers": workers, "models": models_built}


def run(user, slug, **params):
    with translation.override("vi"):
        form, built = REPORTS[slug].run(get_scope(user), {**PHASE, **params})
    assert built is not None, form.errors
    return built


def rows_of(table):
    return {r.values[table.label_key]: r.values for r in table.rows if r.level == ROW}


def test_appendix_3_results_by_indicator_against_the_targets(people, phase):
    built = run(people["agency"], "phu-luc-3")
    (table,) = built.tables
    assert [(r.level, r.values[table.label_key]) for r in table.rows] == [
        (SECTION, Content.objects.get(code="dao-tao-nghe").name),
        (ROW, phase["workers"].name),
        (SECTION, Content.objects.get(code="mo-hinh-may-moc").name),
        (ROW, phase["models"].name),
    ]
    rows = rows_of(table)
    workers, models_built = rows[phase["workers"].name], rows[phase["models"].name]
    assert {
        k: workers[k] for k in ("unit", "qualifier", "target", "planned", "y2019", "y2020", "achieved", "pct")
    } == {
        "unit": "người",
        "qualifier": "ít nhất",
        "target": Decimal(1000),
        "planned": Decimal(800),  # E was never approved: its 1.000 is no one's plan
        "y2019": Decimal(350),  # a flow: 200 + 150
        "y2020": Decimal(400),
        "achieved": Decimal(750),
        "pct": Decimal("75.00"),
    }
    assert workers["against"] == "đạt 75,00 % mục tiêu"
    # a running total: B's last value (3), not 1 + 3; D's submitted 9 does not count
    assert (models_built["y2019"], models_built["y2020"], models_built["achieved"]) == (
        Decimal(3),
        Decimal(2),
        Decimal(5),
    )
    assert (models_built["qualifier"], models_built["pct"]) == ("", Decimal("125.00"))
    assert models_built["against"] == "+25,00 % so với mục tiêu"
    assert built.chart["series"][0]["data"] == [75.0, 125.0]


def test_appendix_3_in_english_names_indicators_and_units_in_english(people, phase):
    workers = phase["workers"]
    assert workers.name_en and workers.unit_en  # from the reference data
    with translation.override("en"):
        _form, built = REPORTS["phu-luc-3"].run(get_scope(people["agency"]), dict(PHASE))
    (table,) = built.tables
    rows = rows_of(table)
    assert rows[workers.name_en]["unit"] == workers.unit_en
    assert workers.name not in rows and workers.unit_en != workers.unit
    sections = [r.values[table.label_key] for r in table.rows if r.level == SECTION]
    assert Content.objects.get(code="dao-tao-nghe").name_en in sections


def test_the_key_figures_of_the_phase(people, phase):
    built = run(people["agency"], "bao-cao-giai-doan")
    key = built.tables[0]
    figures = [
        (r.values["name"], {k: v for k, v in r.values.items() if k not in ("name", "_number", "basis")})
        for r in key.rows
    ]
    assert figures == [
        ("Kinh phí nhà nước được duyệt", {"amount": 705 * M}),
        ("Kinh phí khuyến công quốc gia (KCQG)", {"amount": 255 * M, "percent": Decimal("36.17")}),
        ("Kinh phí KCQG so với kinh phí dự kiến của chương trình", {"percent": Decimal("25.50")}),
        ("Kinh phí khuyến công địa phương (KCĐP)", {"amount": 450 * M, "percent": Decimal("63.83")}),
        ("Kinh phí nhà nước bình quân một năm", {"amount": 352_500_000}),
        ("Kinh phí KCQG bình quân một năm", {"amount": 127_500_000}),
        ("Vốn đối ứng của các đề án được phê duyệt", {"amount": 1_505 * M}),
        ("Vốn đối ứng trên một đồng kinh phí nhà nước", {"ratio": Decimal("2.13")}),
        ("Số đề án trong kế hoạch", {"count": 5}),
        ("Kinh phí bình quân một tỉnh", {"amount": 11_190_476}),
        ("Số tỉnh có kinh phí trên mức bình quân", {"count": 4}),
        ("Tăng bình quân hằng năm của kinh phí KCQG", {"percent": Decimal("55.00")}),
        ("Tăng bình quân hằng năm của kinh phí KCĐP", {"percent": Decimal("25.00")}),
        ("Tăng bình quân hằng năm của kinh phí nhà nước", {"percent": Decimal("35.00")}),
    ]
    basis = {r.values["name"]: r.values.get("basis") for r in key.rows}
    assert basis["Kinh phí KCQG so với kinh phí dự kiến của chương trình"] == "0,255 ÷ 1,000"
    assert "÷ 63" in basis["Kinh phí bình quân một tỉnh"]
    assert basis["Số tỉnh có kinh phí trên mức bình quân"] == "4/63"
    lead = " ".join(key.lead)
    assert "0,705 tỷ đồng" in lead and "36,17%" in lead and "25,50%" in lead and "2,13 đồng" in lead


def test_funds_by_year_content_region_and_province(people, phase):
    by_year, by_content, by_region, above = run(people["agency"], "bao-cao-giai-doan").tables[1:5]
    years = rows_of(by_year)
    assert years["2019"] | {} == {**years["2019"], "kcqg": 100 * M, "kcdp": 200 * M, "total": 300 * M}
    assert years["2019"]["kcqg_growth"] is None
    assert {
        k: years["2020"][k] for k in ("kcqg", "kcqg_growth", "kcdp", "kcdp_growth", "total", "total_growth")
    } == {
        "kcqg": 155 * M,
        "kcqg_growth": Decimal("55.00"),
        "kcdp": 250 * M,
        "kcdp_growth": Decimal("25.00"),
        "total": 405 * M,
        "total_growth": Decimal("35.00"),
    }
    total = by_year.rows[-1]
    assert total.level == TOTAL and (total.values["total"], total.values["total_growth"]) == (
        705 * M,
        Decimal("35.00"),
    )
    assert "2020: +55,00%" in by_year.lead[0]
    contents = rows_of(by_content)
    assert [(v["amount"], v["share"]) for v in contents.values()] == [
        (250 * M, Decimal("35.46")),
        (450 * M, Decimal("63.83")),
        (5 * M, Decimal("0.71")),
    ]
    regions = rows_of(by_region)
    assert regions["Vùng Đồng bằng sông Hồng"] | {} == {
        **regions["Vùng Đồng bằng sông Hồng"],
        "provinces": 11,
        "amount": 450 * M,
        "share": Decimal("63.83"),
        "mean": 40_909_091,
    }
    assert regions["Vùng Trung du và miền núi phía Bắc"] | {} == {
        **regions["Vùng Trung du và miền núi phía Bắc"],
        "provinces": 14,
        "amount": 255 * M,
        "share": Decimal("36.17"),
        "mean": 18_214_286,
    }
    whole = by_region.rows[-1].values
    assert (whole["provinces"], whole["amount"], whole["mean"]) == (63, 705 * M, 11_190_476)
    # the lowest regional mean is named from the figures, whichever the text of a report says
    assert "thấp nhất là Vùng Trung du và miền núi phía Bắc" in by_region.lead[1]
    assert "Vùng Đồng bằng sông Hồng, 0,041 tỷ đồng" in by_region.lead[1]
    provinces = rows_of(above)
    assert [(name, v["amount"], v["over"]) for name, v in provinces.items()] == [
        ("Hà Nội", 450 * M, 450 * M - 11_190_476),
        ("Hà Giang", 100 * M, 100 * M - 11_190_476),
        ("Tuyên Quang", 90 * M, 90 * M - 11_190_476),  # 60 % of C
        ("Cao Bằng", 60 * M, 60 * M - 11_190_476),  # 40 % of C: the split project counted once overall
    ]
    assert "4 trong số 63 tỉnh" in above.lead[0] and "Bắc Kạn (0,005 tỷ đồng)" in above.lead[1]


def test_results_against_targets_and_the_appendices_attached(people, phase):
    built = run(people["agency"], "bao-cao-giai-doan")
    results = built.tables[5]
    rows = rows_of(results)
    assert [(v["target"], v["achieved"], v["pct"]) for v in rows.values()] == [
        ("ít nhất 1.000", Decimal(750), Decimal("75.00")),
        ("4", Decimal(5), Decimal("125.00")),
    ]
    assert any("750 người" in s and "đạt 75,00 % mục tiêu" in s for s in results.lead)
    appendices = built.tables[6:]
    assert [t.title.split(":")[0] for t in appendices] == ["Phụ lục 1", "Phụ lục 2", "Phụ lục 2", "Phụ lục 3"]
    # the body and the appendices are one set of figures
    assert appendices[0].rows[-1].values["total"] == 705 * M
    assert appendices[0].rows[-1].values["kcqg"] == 255 * M
    assert appendices[1].rows[-1].values["total"] == 705 * M
    appendix_3 = run(people["agency"], "phu-luc-3").tables[0]
    assert [r.values for r in appendices[3].rows] == [r.values for r in appendix_3.rows]


def test_a_province_reads_its_own_part(people, phase):
    key = run(people["other_doit"], "bao-cao-giai-doan").tables[0]  # Hà Nội: B and D
    values = {r.values["name"]: r.values for r in key.rows}
    assert values["Kinh phí nhà nước được duyệt"]["amount"] == 450 * M
    assert values["Kinh phí khuyến công quốc gia (KCQG)"]["amount"] == 0
    assert values["Vốn đối ứng của các đề án được phê duyệt"]["amount"] == 750 * M
    # the programme's planned funds are the country's: a province's part is not compared with them
    assert "Kinh phí KCQG so với kinh phí dự kiến của chương trình" not in values
    assert any("không phải của cả nước" in note for note in key.footnotes)


def test_the_page_and_the_files(client, people, phase):
    client.force_login(people["agency"])
    page = client.get("/bao-cao/bao-cao-giai-doan/", PHASE, HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Phụ lục 3" in text and "0,705 tỷ đồng" in text
    xlsx = client.get("/bao-cao/bao-cao-giai-doan/", {**PHASE, "export": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert len(book.worksheets) == 10
    pdf = client.get("/bao-cao/bao-cao-giai-doan/", {**PHASE, "export": "pdf"})
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    csv = client.get("/bao-cao/bao-cao-giai-doan/", {**PHASE, "export": "csv", "table": "2"})
    assert csv.status_code == 200 and "2020" in csv.content.decode("utf-8-sig")
    api = client.get("/api/v1/reports/bao-cao-giai-doan/", PHASE)
    assert api.status_code == 200
    body = api.json()
    assert body["parameters"] == {"programme": "kcqg-thu"} and len(body["tables"]) == 10
    assert body["tables"][0]["rows"][0]["values"]["amount"] == 705 * M
    assert body["tables"][0]["lead"]
    appendix = client.get("/api/v1/reports/phu-luc-3/", PHASE).json()
    assert appendix["tables"][0]["rows"][1]["values"]["achieved"] == "750"  # the same on every database
    assert appendix["tables"][0]["rows"][1]["values"]["target"] == "1000"
    assert json.loads(client.get("/bao-cao/phu-luc-3/", {**PHASE, "export": "json"}).content)
    bad = client.get("/api/v1/reports/phu-luc-3/", {"programme": "khong-co"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert bad.status_code == 400 and "programme" in bad.json()["error"]["fields"]
    assert client.get("/bao-cao/phu-luc-3/", {"programme": "khong-co"}).status_code == 200


def test_a_year_without_funds_and_a_derived_target_are_said_so(people, phase):
    longer = Programme.objects.create(
        code="kcqg-thu-3", name="Chương trình ba năm", level="national", start_year=2018, end_year=2020
    )
    Target.objects.create(
        programme=longer,
        indicator=phase["workers"],
        value=1000,
        qualifier="approximately",
        back_computed=True,
        source="thử",
    )
    built = run(people["agency"], "bao-cao-giai-doan", programme="kcqg-thu-3")
    key = {r.values["name"]: r.values for r in built.tables[0].rows}
    growth = key["Tăng bình quân hằng năm của kinh phí KCQG"]
    assert growth.get("percent") is None and growth["basis"].startswith("chưa tính được")
    assert "không có" not in built.tables[1].lead[0] and "các năm 2018" in built.tables[1].lead[0]
    assert (
        "Kinh phí nhà nước bình quân một năm" in key
        and key["Kinh phí nhà nước bình quân một năm"]["amount"] == 235 * M
    )
    (result,) = rows_of(built.tables[5]).values()
    assert result["target"] == "khoảng 1.000 (*)"
    assert (
        rows_of(run(people["agency"], "phu-luc-3", programme="kcqg-thu-3").tables[0])[phase["workers"].name][
            "qualifier"
        ]
        == "khoảng (*)"
    )
    header = REPORTS["bao-cao-giai-doan"].header(built)
    assert header.title == "Báo cáo tổng kết Chương trình ba năm, giai đoạn 2018–2020"


def test_the_service_organisations_are_counted_apart_from_the_regions(people, phase):
    """P: 45.000.000 đ of the 2020 KCQG plan carried out in Hà Nội by a partner (Hội Nông dân): the
    regions keep their localities' funds, the partner's are a row of their own; the national total
    750.000.000 and its mean 750.000.000 ÷ 63 = 11.904.762 include them (as the ministry divides)."""
    partner = _project(people, "P", 2020, "kcqg", "nang-luc-khuyen-cong", former("01"), 45 * M, 0)
    partner.implementing_org = Organisation.objects.get(code="hoi-nong-dan")
    partner.save()
    _approve(people, 2020, "kcqg", [(partner, 45 * M)])
    built = run(people["agency"], "bao-cao-giai-doan")
    regions = rows_of(built.tables[3])
    assert [(name, v["amount"], v["share"], v.get("mean")) for name, v in regions.items()] == [
        ("Vùng Đồng bằng sông Hồng", 450 * M, Decimal("60.00"), 40_909_091),
        ("Vùng Trung du và miền núi phía Bắc", 255 * M, Decimal("34.00"), 18_214_286),
        ("Các tổ chức dịch vụ khuyến công (Trung ương, đối tác)", 45 * M, Decimal("6.00"), None),
    ]
    total = built.tables[3].rows[-1].values
    assert (total["amount"], total["mean"], total["all"]) == (750 * M, 11_904_762, 750 * M)
    assert total["amount"] == sum(v["amount"] for v in regions.values())  # nothing dropped or doubled
    # every implementer in the region, as Appendix 2 adds it up: the partner's project is in Hà Nội
    appendix_2 = built.tables[7]
    subtotals = [r.values["total"] for r in appendix_2.rows if r.level == "subtotal"]
    assert [v.get("all") for v in regions.values()] == [495 * M, 255 * M, None] == [*subtotals, None]
    above = rows_of(built.tables[4])
    assert above["Hà Nội"]["amount"] == 450 * M  # the partner's project is not Hà Nội's
    assert derived.excluding({1: 10, 2: 5, 3: 7}, {1: 4, 2: 5}) == {1: 6, 3: 7}


# --- the ministry's phase report (Báo cáo tổng kết Chương trình khuyến công quốc gia đến năm 2020) -------

BN = 10_000_000  # 0,01 tỷ đồng: the report's figures are in hundredths of a billion
SEED_REGIONS = [  # region's province, source, funds – the regions' totals of Part I.III.2
    ("01", "kcdp", 36331),  # Đồng bằng sông Hồng 363,31
    ("02", "kcdp", 24669),  # Trung du và miền núi phía Bắc 246,69
    ("38", "kcdp", 32312),  # Bắc Trung Bộ và duyên hải miền Trung 323,12
    ("68", "kcqg", 12695),  # Tây Nguyên 126,95
    ("75", "kcqg", 13498),  # Đông Nam Bộ 183,88 = 134,98 KCQG
    ("75", "kcdp", 4890),  #                     + 48,90 KCĐP
    ("92", "kcqg", 22011),  # Đồng bằng sông Cửu Long 220,11
]
SEED_SERVICE = 27367  # the service organisations: 1.737,73 − 1.464,06 = 273,67 (KCQG)
SEED_RESULTS = [  # Part I.III.1: the results against the targets of Decision 1288 (back-computed)
    ("lao-dong-dao-tao", 18400),
    ("hoc-vien-quan-ly", 13985),
    ("mo-hinh-trinh-dien", 261),
    ("co-so-ung-dung-may-moc", 1121),
    ("luot-co-so-hoi-cho", 5500),
]


@pytest.fixture
def seed_phase(people):
    """The 2014–2020 phase as the ministry's report totals it, as records of the 2020 plan (the report
    gives no projects): one project per region and source in a province of the region, one of a
    partner for the service organisations; counterpart “gần 9.500 tỷ đồng”; the results quoted."""
    projects = []
    for code, source, hundredths in SEED_REGIONS:
        projects.append(
            _project(
                people, f"{code}{source}", 2020, source, "mo-hinh-may-moc", former(code), hundredths * BN, 0
            )
        )
    service = _project(people, "TW", 2020, "kcqg", "nang-luc-khuyen-cong", former("01"), SEED_SERVICE * BN, 0)
    service.implementing_org = Organisation.objects.get(code="hoi-nong-dan")
    service.save()
    projects.append(service)
    for project in projects:  # the phase's totals, booked as approved plans
        ledger.record(
            project, LedgerKind.ALLOCATED, ledger.total(project, LedgerKind.REQUESTED), D(2020, 2, 1)
        )
        Project.objects.filter(pk=project.pk).update(status=Status.APPROVED)
    ledger.record(projects[0], LedgerKind.COUNTERPART_REQUESTED, 9_500_000_000_000, D(2019, 6, 15))
    for code, value in SEED_RESULTS:
        ResultReport.objects.create(
            project=projects[0],
            indicator=Indicator.objects.get(code=code),
            value=value,
            period_end=D(2020, 12, 31),
            state="approved",
        )


def test_the_ministrys_phase_report_figures_from_records(people, seed_phase):
    built = run(people["agency"], "bao-cao-giai-doan", programme="kcqg-2014-2020")
    key = {r.values["name"]: r.values for r in built.tables[0].rows}
    # “tổng kế hoạch kinh phí … 1.737,73 tỷ đồng. (i) KCQG 755,71 tỷ đồng, chiếm 43,49%, đạt 62,35% so với
    # kinh phí KCQG dự kiến …; (ii) KCĐP 982,011 tỷ đồng, chiếm 56,51%”: 755,71 + 982,011 is 1.737,721,
    # not 1.737,73 – the records say 982,02
    assert key["Kinh phí nhà nước được duyệt"]["amount"] == 173_773 * BN
    assert key["Kinh phí khuyến công quốc gia (KCQG)"] | {} == {
        **key["Kinh phí khuyến công quốc gia (KCQG)"],
        "amount": 75_571 * BN,
        "percent": Decimal("43.49"),
    }
    assert key["Kinh phí KCQG so với kinh phí dự kiến của chương trình"]["percent"] == Decimal("62.35")
    assert key["Kinh phí khuyến công địa phương (KCĐP)"]["amount"] == 98_202 * BN
    assert key["Kinh phí khuyến công địa phương (KCĐP)"]["percent"] == Decimal("56.51")
    # “trung bình khoảng 107,96 tỷ đồng/năm” (national funds ÷ 7 years)
    assert key["Kinh phí KCQG bình quân một năm"]["amount"] == 107_958_571_429
    # “1 đồng vốn từ ngân sách nhà nước thu hút được khoảng 5,5 đồng”: 9.500 ÷ 1.737,73
    assert key["Vốn đối ứng trên một đồng kinh phí nhà nước"]["ratio"] == Decimal("5.47")
    # “Kinh phí khuyến công bình quân giai đoạn của các địa phương là 27,58 tỷ đồng”
    assert key["Kinh phí bình quân một tỉnh"]["amount"] == 27_583_015_873
    regions = rows_of(built.tables[3])
    assert [(v["amount"], v["share"], v.get("mean")) for v in regions.values()] == [
        (36331 * BN, Decimal("20.91"), 33_028_181_818),  # “363,31 tỷ đồng, chiếm 20,91%”; 33,03/tỉnh
        (24669 * BN, Decimal("14.20"), 17_620_714_286),  # “246,69 …, 14,2%”; 17,62/tỉnh
        (32312 * BN, Decimal("18.59"), 24_855_384_615),  # “323,12 …, 18,6%”; 24,86/tỉnh
        (12695 * BN, Decimal("7.31"), 25_390_000_000),  # “126,95 …, 7,31%”
        (18388 * BN, Decimal("10.58"), 26_268_571_429),  # “183,88 …, 10,58%”; 26,27/tỉnh
        (22011 * BN, Decimal("12.67"), 16_931_538_462),  # “220,11 …, 12,67%”: 16,93/tỉnh
        (SEED_SERVICE * BN, Decimal("15.75"), None),
    ]
    # the report calls the Northern Midlands' 17,62 the lowest mean; the Mekong Delta's 16,93 is lower
    assert "thấp nhất là Vùng Đồng bằng sông Cửu Long, 16,932 tỷ đồng/tỉnh" in built.tables[3].lead[1]
    assert "cao nhất là Vùng Đồng bằng sông Hồng, 33,028 tỷ đồng/tỉnh" in built.tables[3].lead[1]
    results = {v["achieved"]: v["against"] for v in rows_of(built.tables[5]).values()}
    assert results == {
        Decimal(18400): "đạt 13,14 % mục tiêu",  # “đạt 13,14% mục tiêu giai đoạn”
        Decimal(13985): "đạt 99,89 % mục tiêu",  # “đạt 99,89% mục tiêu giai đoạn”
        Decimal(261): "+30,50 % so với mục tiêu",  # “tăng 30,5% so với mục tiêu giai đoạn”
        Decimal(1121): "+31,88 % so với mục tiêu",  # “tăng 31,88 % so với mục tiêu giai đoạn”
        Decimal(5500): "+200,05 % so với mục tiêu",  # “tăng gần 200%” (its target is an estimate)
    }


def test_the_command_writes_the_phase_report_and_its_appendix(people, phase, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = tmp_path / "giai-doan.json"
    call_command(
        "report", "bao-cao-giai-doan", "--param", "programme=kcqg-thu", "--format", "json", "--out", str(out)
    )
    tables = json.loads(out.read_text())
    assert len(tables) == 10 and tables[0]["rows"][0]["values"]["amount"] == 705 * M
    pdf = tmp_path / "phu-luc-3.pdf"
    call_command("report", "phu-luc-3", "--param", "programme=kcqg-thu", "--format", "pdf", "--out", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="programme"):
        call_command("report", "phu-luc-3", "--param", "programme=khong-co", "--format", "json")


def test_the_reports_yearly_growth_rates_average_9_64_not_9_59():
    """Part I.IV.1.d: state funds grew 17,07 %, 14,66 %, 4,72 %, 14,39 %, 1 % and 6 % in 2015–2020,
    “tốc độ tăng bình quân cả giai đoạn là 9,59%/năm”. A series with exactly those rates (2014 = 100.000)
    has the mean annual growth the phase report computes: 57,84 ÷ 6 = 9,64."""
    series = {
        2014: 100_000,
        2015: 117_070,
        2016: 134_233,
        2017: 140_569,
        2018: 160_797,
        2019: 162_405,
        2020: 172_149,
    }
    assert list(derived.growth(series).values()) == [
        Decimal("17.07"),
        Decimal("14.66"),
        Decimal("4.72"),
        Decimal("14.39"),
        Decimal("1.00"),
        Decimal("6.00"),
    ]
    assert derived.mean_growth(series) == Decimal("9.64")
