"""The pages: scope (another province's report is a 404, odd ids too), the edit page, actions from
the table, the lock refused on the page, the completeness table and the province's reminder."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from khuyencong.periodic.models import PeriodicReport, ReportEvent, State
from khuyencong.periodic.queries import LATE, MISSING, NOT_DUE, ON_TIME, completeness, reminders
from khuyencong.periodic.services import report_accept, report_approve, report_open, report_submit
from khuyencong.periodic.tests.conftest import FILLED
from khuyencong.reporting import dimensions as dims

pytestmark = pytest.mark.django_db
D = datetime.date


def login(client, user):
    client.force_login(user)
    return client


def test_list_and_report_pages_follow_the_scope(client, people, q2_report):
    detail = reverse("periodic:detail", args=[q2_report.pk])
    for who, listed, status in [
        ("doit", 1, 200),
        ("agency", 1, 200),
        ("leader", 1, 200),
        ("other_doit", 0, 404),
    ]:
        login(client, people[who])
        page = client.get(reverse("periodic:list"))
        assert page.status_code == 200
        assert page.context["total"] == listed, who
        assert client.get(detail).status_code == status, who
        assert client.get(reverse("periodic:edit", args=[q2_report.pk])).status_code in (
            # the province fills in its report; the agency reviews it, it does not fill it in
            {"doit": 200, "agency": 403, "leader": 403, "other_doit": 404}[who],
        )
        assert (
            client.get(reverse("periodic:action", args=[q2_report.pk, "submit"])).status_code
            == {
                "doit": 200,
                "agency": 403,
                "leader": 403,
                "other_doit": 404,
            }[who]
        )


def test_odd_ids_and_actions_are_404_not_500(client, people, q2_report):
    login(client, people["doit"])
    for url in [
        "/bao-cao-dinh-ky/999999/",
        "/bao-cao-dinh-ky/99999999999999999999/",
        "/bao-cao-dinh-ky/abc/",
        f"/bao-cao-dinh-ky/{q2_report.pk}/thao-tac/khong-co/",
        "/bao-cao-dinh-ky/999999/sua/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get("/bao-cao-dinh-ky/?period=abc&year=99999&state=x&form=abc").status_code == 200


def test_the_province_fills_in_and_submits_and_the_page_names_the_problems(client, people, q2_report):
    login(client, people["doit"])
    edit = reverse("periodic:edit", args=[q2_report.pk])
    page = client.get(edit)
    assert 'data-testid="locked-kinh-phi-kcqg"' in page.content.decode()
    bad = {f"v-{k}": v for k, v in FILLED.items()} | {"v-ctv-xa": "sáu mươi"}
    page = client.post(edit, bad)
    assert page.status_code == 400
    assert "Số xã có cộng tác viên khuyến công: nhập một số nguyên." in page.content.decode()
    good = {f"v-{k}": v for k, v in FILLED.items()} | {"v-can-bo-tong-so": "19", "then": "submit"}
    page = client.post(edit, good)
    assert page.status_code == 302 and page["Location"].endswith("/thao-tac/submit/")
    page = client.get(page["Location"])
    assert "Tổng số cán bộ của trung tâm: 19 không bằng" in page.content.decode()
    page = client.post(reverse("periodic:action", args=[q2_report.pk, "submit"]))
    assert page.status_code == 200  # kept on the form with the errors
    assert PeriodicReport.objects.get(pk=q2_report.pk).state == State.DRAFT
    client.post(edit, {f"v-{k}": v for k, v in FILLED.items()})
    page = client.post(reverse("periodic:action", args=[q2_report.pk, "submit"]))
    assert page.status_code == 302
    assert PeriodicReport.objects.get(pk=q2_report.pk).state == State.SUBMITTED


def test_return_needs_a_reason_shown_on_the_timeline_and_the_lock_is_refused_on_the_page(
    client, people, filled_report
):
    report_submit(user=people["doit"], report=filled_report)
    login(client, people["agency"])
    detail = reverse("periodic:detail", args=[filled_report.pk])
    page = client.get(detail).content.decode()
    assert 'data-testid="action-return"' in page and 'data-testid="action-accept"' in page
    back = reverse("periodic:action", args=[filled_report.pk, "return"])
    assert "Đề nghị nêu lý do." in client.post(back, {"reason": ""}).content.decode()
    client.post(back, {"reason": "Bổ sung số cộng tác viên"})
    assert "Bổ sung số cộng tác viên" in client.get(detail).content.decode()
    login(client, people["doit"])
    report = PeriodicReport.objects.get(pk=filled_report.pk)
    report = report_submit(user=people["doit"], report=report)
    report = report_accept(user=people["agency"], report=report)
    report_approve(user=people["agency"], report=report)
    edit = reverse("periodic:edit", args=[filled_report.pk])
    for response in (client.get(edit), client.post(edit, {"v-ctv-xa": "1"})):
        assert response.status_code == 409
        assert "đã được phê duyệt và khóa số liệu" in response.content.decode()


def test_the_report_page_compares_with_last_year(client, people, quarterly, tuyen_quang):
    from khuyencong.periodic.services import report_save_values

    last = report_open(
        user=people["doit"], form=quarterly, province=tuyen_quang, start=D(2025, 4, 1), end=D(2025, 6, 30)
    )
    report_save_values(user=people["doit"], report=last, values={**FILLED, "ctv-so-nguoi": "60"})
    for step, who in [(report_submit, "doit"), (report_accept, "agency"), (report_approve, "agency")]:
        last = step(user=people[who], report=last)
    this = report_open(
        user=people["doit"], form=quarterly, province=tuyen_quang, start=D(2026, 4, 1), end=D(2026, 6, 30)
    )
    report_save_values(user=people["doit"], report=this, values=dict(FILLED))
    login(client, people["agency"])
    page = client.get(reverse("periodic:detail", args=[this.pk]))
    lines = [line for s in page.context["sections"] for line in s.lines]
    line = next(line for line in lines if line.field.code == "ctv-so-nguoi")
    assert (line.value, line.last_year, line.change) == (75, 60, 25)  # (75 − 60) / 60 = +25 %


def test_a_late_report_shows_as_late_in_the_completeness_table(client, people, quarterly, tuyen_quang, hanoi):
    q1 = dims.quarter(2026, 1)  # deadline 15/04/2026
    on_time = report_open(
        user=people["doit"], form=quarterly, province=tuyen_quang, start=q1.start, end=q1.end
    )
    late = report_open(user=people["other_doit"], form=quarterly, province=hanoi, start=q1.start, end=q1.end)
    from khuyencong.periodic.services import report_save_values

    for report, who in [(on_time, "doit"), (late, "other_doit")]:
        report_save_values(user=people[who], report=report, values=dict(FILLED))
        report_submit(user=people[who], report=report)
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    ReportEvent.objects.filter(report=on_time, action="submit").update(
        at=datetime.datetime(2026, 4, 15, 16, 0, tzinfo=tz)
    )
    ReportEvent.objects.filter(report=late, action="submit").update(
        at=datetime.datetime(2026, 4, 16, 9, 0, tzinfo=tz)
    )
    from khuyencong.core.permissions import get_scope

    table = completeness(get_scope(people["agency"]), quarterly, q1, today=D(2026, 5, 1))
    status = {row["province"].pk: row["status"] for row in table.rows}
    assert status[tuyen_quang.pk] == ON_TIME
    assert status[hanoi.pk] == LATE
    assert len(table.rows) == 34 and table.count(MISSING) == 32
    before = completeness(get_scope(people["agency"]), quarterly, q1, today=D(2026, 4, 10))
    assert before.count(NOT_DUE) == 32

    login(client, people["agency"])
    from khuyencong.periodic.periods import period_key

    page = client.get(reverse("periodic:completeness"), {"form": quarterly.pk, "period": period_key(q1)})
    html = page.content.decode()
    row = html.split(f'data-testid="row-{hanoi.code}"')[1].split("</tr>")[0]
    assert "Muộn" in row
    login(client, people["doit"])
    assert client.get(reverse("periodic:completeness")).status_code == 403
    login(client, people["agency"])
    assert client.get(reverse("periodic:completeness"), {"form": "abc", "period": "x"}).status_code == 200
    # the same table through the API, with the same permission
    api = "/api/v1/periodic/completeness/"
    span = {"form": quarterly.code, "period_start": q1.start.isoformat(), "period_end": q1.end.isoformat()}
    body = client.get(api, span).json()
    status = {row["province"]: row["status"] for row in body["rows"]}
    assert (status[tuyen_quang.pk], status[hanoi.pk]) == (ON_TIME, LATE)
    assert body["deadline"] == "2026-04-15" and body["counts"][MISSING] == 32 and len(body["rows"]) == 34
    assert client.get(api, {**span, "period_end": "2026-04-30"}).status_code == 400  # not a quarter
    assert client.get(api, {"form": "khong-co"}).status_code == 400
    assert client.get(api, {"period_start": "2026-01-01"}).status_code == 400  # the end is missing
    login(client, people["doit"])
    assert client.get(api, span).status_code == 403


def test_the_province_is_reminded_before_the_deadline(client, people, quarterly, tuyen_quang):
    cards = reminders(_scope(people["doit"]), today=D(2026, 7, 10))  # Q2 ended, deadline 15/07/2026
    assert [(c.label, c.value, c.note) for c in cards] == [
        ("Báo cáo Quý II/2026 – Tuyên Quang", "Chưa lập", "hạn nộp 15/07/2026 – còn 5 ngày")
    ]
    assert reminders(_scope(people["agency"]), today=D(2026, 7, 10)) == []
    report = report_open(
        user=people["doit"], form=quarterly, province=tuyen_quang, start=D(2026, 4, 1), end=D(2026, 6, 30)
    )
    from khuyencong.periodic.services import report_save_values

    report_save_values(user=people["doit"], report=report, values=dict(FILLED))
    report_submit(user=people["doit"], report=report)
    assert reminders(_scope(people["doit"]), today=D(2026, 7, 10)) == []


def _scope(user):
    from khuyencong.core.permissions import get_scope

    return get_scope(user)


def test_the_history_of_a_report_lists_its_value_changes(client, people, filled_report):
    from khuyencong.core.templatetags.kc import history_url

    url = history_url(filled_report)
    login(client, people["doit"])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    # the values' changes are listed under the report, each named by its line and its value as the
    # report shows it, the changed column by the line too – not by the line's code or the column's type
    assert "Số xã có cộng tác viên khuyến công: 60" in html
    assert "Kinh phí cho hoạt động ngoài đề án (quản lý, kiểm tra, tuyên truyền): 25.000.000 đồng" in html
    assert "ctv-xa" not in html and "Số nguyên" not in html
    assert "lưu số liệu báo cáo" in html
    client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    html = client.get(url).content.decode()
    assert "report values saved" in html and "lưu số liệu báo cáo" not in html  # the reason, in English
    login(client, people["other_doit"])
    assert client.get(url).status_code == 404


def test_the_report_downloads_as_excel_and_csv_with_the_pages_figures(client, people, filled_report):
    import csv
    import io

    from openpyxl import load_workbook

    login(client, people["doit"])
    response = client.get(reverse("periodic:export", args=[filled_report.pk, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows["Doanh thu từ hoạt động tư vấn"][1:3] == ("đồng", 350_000_000)
    assert rows["Tổng số cán bộ của trung tâm"][2] == 18
    assert rows["Chương trình khuyến công của tỉnh đã được phê duyệt"][2] == "Có"
    text = client.get(reverse("periodic:export", args=[filled_report.pk, "csv"])).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert any(line[:3] == ["Số cộng tác viên khuyến công", "người", "75"] for line in lines)
    assert client.get(f"/bao-cao-dinh-ky/{filled_report.pk}/tai-ve.txt").status_code == 404
    # the same table as JSON, offered beside Excel and CSV, numbers as numbers
    assert (
        'data-testid="export-json"'
        in client.get(reverse("periodic:detail", args=[filled_report.pk])).content.decode()
    )
    as_json = client.get(reverse("periodic:export", args=[filled_report.pk, "json"]))
    assert as_json.status_code == 200 and as_json["Content-Type"] == "application/json"
    assert "350000000" in as_json.content.decode() and '"350000000"' not in as_json.content.decode()
    login(client, people["other_doit"])
    assert client.get(reverse("periodic:export", args=[filled_report.pk, "xlsx"])).status_code == 404
    assert client.get(reverse("periodic:export", args=[filled_report.pk, "json"])).status_code == 404


def test_the_report_as_an_administrative_document(client, people, filled_report):
    from khuyencong.documents.pdf import document_html
    from khuyencong.periodic.queries import report_document

    login(client, people["doit"])
    response = client.get(reverse("periodic:export", args=[filled_report.pk, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    table, header = report_document(filled_report)
    assert (header.issuer, header.parent) == ("Sở Công Thương", "UBND Tỉnh Tuyên Quang")
    assert header.document_type == "Báo cáo" and header.signer_position == "Giám đốc"
    assert table.title == "Tình hình thực hiện hoạt động khuyến công hằng quý – Quý II/2026"
    assert header.number.endswith("/BC-SCT") and header.place == "Tuyên Quang"
    html = document_html(table, header)
    assert "Tổng số cán bộ của trung tâm" in html and "Nơi nhận" in html
    assert html.split("<body")[1].count("hằng quý") == 1  # the title heads the document once
    login(client, people["other_doit"])
    assert client.get(reverse("periodic:export", args=[filled_report.pk, "pdf"])).status_code == 404


def test_a_page_save_without_a_field_leaves_it_as_it_is(client, people, filled_report):
    """Only what the page sent is saved: a yes/no answer not sent is not blanked."""
    login(client, people["doit"])
    answer = client.post(reverse("periodic:edit", args=[filled_report.pk]), {"v-lao-dong-dao-tao": "98"})
    assert answer.status_code == 302
    values = {v.field.code: v.value for v in filled_report.values.select_related("field")}
    assert values["lao-dong-dao-tao"] == 98 and values["chuong-trinh-tinh"] is True
    # the agency does not fill in a province's report
    login(client, people["agency"])
    assert (
        client.post(
            reverse("periodic:edit", args=[filled_report.pk]), {"v-lao-dong-dao-tao": "5"}
        ).status_code
        == 403
    )


def test_the_document_number_and_signer_are_typed_on_the_page_and_printed(client, people, filled_report):
    """The clerk's number and the Director's name, typed on the edit page, head and sign the PDF
    and show on the report's page; too long a number is refused naming the field, and the
    approved report refuses them too."""
    from khuyencong.core.models import ObjectChange
    from khuyencong.periodic.queries import report_document

    login(client, people["doit"])
    edit = reverse("periodic:edit", args=[filled_report.pk])
    answer = client.post(edit, {"h-number": "x" * 41, "h-signer_name": "Nguyễn Văn A"})
    assert answer.status_code == 400
    assert "Số, ký hiệu văn bản: tối đa 40 ký tự." in answer.content.decode()
    filled_report.refresh_from_db()
    assert (filled_report.number, filled_report.signer_name) == ("", "")  # nothing half-saved
    answer = client.post(edit, {"h-number": " 125/BC-SCT ", "h-signer_name": "Nguyễn Văn A"})
    assert answer.status_code == 302
    filled_report.refresh_from_db()
    assert (filled_report.number, filled_report.signer_name) == ("125/BC-SCT", "Nguyễn Văn A")
    _, header = report_document(filled_report)
    assert (header.number, header.signer_name) == ("125/BC-SCT", "Nguyễn Văn A")
    assert "125/BC-SCT" in client.get(filled_report.get_absolute_url()).content.decode()
    change = ObjectChange.objects.filter(
        object_id=filled_report.pk, content_type__model="periodicreport", action="update"
    ).latest("id")
    assert (change.before["number"], change.after["number"]) == ("", "125/BC-SCT")
    # a value-only save leaves them as they are
    assert client.post(edit, {"v-lao-dong-dao-tao": "99"}).status_code == 302
    filled_report.refresh_from_db()
    assert filled_report.number == "125/BC-SCT"


def test_the_legal_section_links_to_the_registry_and_warns_when_a_number_is_not_there(
    client, people, filled_report
):
    """FILLED names 1234/QĐ-UBND (the programme) and 56/2022/QĐ-UBND (the regulation). Only the
    first is in the registry – as a document of former Hà Giang, a province the new Tuyên Quang was
    formed from: the report links it; the other is a warning on submit (it does not block)."""
    from khuyencong.periodic.services import check
    from khuyencong.programmes.models import LegalDocument
    from khuyencong.reporting.tests.test_engine import former

    ha_giang = former("02")
    document = LegalDocument.objects.create(
        number="1234/QĐ-UBND",
        kind="provincial_programme",
        title="Phê duyệt Chương trình khuyến công tỉnh Hà Giang",
        issuer="UBND tỉnh Hà Giang",
        issued_on=D(2021, 5, 4),
        province=ha_giang,
    )
    login(client, people["doit"])
    page = client.get(filled_report.get_absolute_url()).content.decode()
    assert f'href="{document.get_absolute_url()}" data-testid="document-chuong-trinh-tinh-so"' in page
    assert 'data-testid="document-quy-che-kinh-phi-so"' not in page
    warnings = [(p.code, p.reason) for p in check(filled_report)[1]]
    assert warnings == [
        (
            "quy-che-kinh-phi-so",
            "“56/2022/QĐ-UBND” chưa có trong danh mục văn bản pháp lý của tỉnh; đề nghị bổ sung vào danh mục",
        )
    ]
    edit = client.get(reverse("periodic:edit", args=[filled_report.pk])).content.decode()
    assert '<option value="1234/QĐ-UBND">' in edit and reverse("programmes:document_create") in edit


def test_the_form_reads_in_the_interfaces_language(client, people, q2_report):
    """The form's sections, lines, units, help and name are in English in the English interface
    (the form's data gives them), in Vietnamese in the Vietnamese one – never side by side."""
    login(client, people["doit"])
    vietnamese = [
        "I. Kinh phí khuyến công đã thực hiện theo nguồn",
        "Số xã có cộng tác viên khuyến công",
        "Báo cáo tình hình thực hiện hoạt động khuyến công hằng quý",
        "(người)",
    ]
    english = [
        "I. Industrial-promotion funds spent, by source",
        "Communes with industrial-promotion collaborators",
        "Quarterly report on industrial-promotion activities",
        "(persons)",
    ]
    for url in (
        reverse("periodic:edit", args=[q2_report.pk]),
        reverse("periodic:detail", args=[q2_report.pk]),
    ):
        html = client.get(url).content.decode()
        assert all(t in html for t in vietnamese) and not any(t in html for t in english), url
    client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    for url in (
        reverse("periodic:edit", args=[q2_report.pk]),
        reverse("periodic:detail", args=[q2_report.pk]),
    ):
        html = client.get(url).content.decode()
        assert all(t in html for t in english) and not any(t in html for t in vietnamese), url
    response = client.post(reverse("periodic:edit", args=[q2_report.pk]), {"v-ctv-xa": "3.5"})
    assert (
        "Communes with industrial-promotion collaborators: enter a whole number." in response.content.decode()
    )
    # what the English page shows (1,500) is read back as it shows it
    client.post(reverse("periodic:edit", args=[q2_report.pk]), {"v-ctv-so-nguoi": "1,500"})
    html = client.get(reverse("periodic:edit", args=[q2_report.pk])).content.decode()
    assert 'id="v-ctv-so-nguoi" value="1,500"' in html
    client.post(reverse("core:set_language"), {"language": "vi", "next": "/"})
    html = client.get(reverse("periodic:edit", args=[q2_report.pk])).content.decode()
    assert 'id="v-ctv-so-nguoi" value="1.500"' in html
