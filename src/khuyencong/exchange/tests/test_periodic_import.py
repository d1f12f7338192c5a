"""Importing periodic report values (one row per figure): all or nothing, idempotency, scope (a
province imports only its own reports; the agency does not fill them), an approved report refuses,
CSV and Excel, the template listing the form's fields, export → import changes nothing."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from khuyencong.core.models import ObjectChange
from khuyencong.exchange import services
from khuyencong.exchange.kinds.periodic import PERIODIC, _period_words
from khuyencong.exchange.models import ImportedRecord
from khuyencong.exchange.templates_xlsx import template_csv, template_xlsx
from khuyencong.periodic.models import FormField, PeriodicReport, ReportValue
from khuyencong.periodic.services import (
    locked_message,
    report_accept,
    report_approve,
    report_submit,
)
from khuyencong.periodic.tests.conftest import FILLED, filled_report, q2_report, quarterly  # noqa: F401
from khuyencong.projects.tests.conftest import hanoi, people, tuyen_quang  # noqa: F401

pytestmark = pytest.mark.django_db
D = datetime.date
TITLES = [c.title_in("vi") for c in PERIODIC.columns]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def rows_for(values: dict, province="Tuyên Quang", period="Quý II/2026", form="bao-cao-quy") -> list[dict]:
    return [
        {"form": form, "province": province, "period": period, "field_code": code, "value": value}
        for code, value in values.items()
    ]


def csv_bytes(rows: list[dict], delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(TITLES)
    for r in rows:
        writer.writerow([r.get(c.key, "") for c in PERIODIC.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[dict]) -> bytes:
    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output)
    sheet = book.add_worksheet("Dữ liệu")
    sheet.write_row(0, 0, TITLES)
    for n, r in enumerate(rows, start=1):
        for i, c in enumerate(PERIODIC.columns):
            value = r.get(c.key, "")
            if isinstance(value, int):
                sheet.write_number(n, i, value)
            elif value != "":
                sheet.write_string(n, i, str(value))
    book.close()
    return output.getvalue()


def check(user, content: bytes, name="bao-cao.csv"):
    batch = services.batch_create(user=user, kind="periodic", file=ContentFile(content), file_name=name)
    return services.run_import(batch, dry_run=True)


def do_import(user, content: bytes, name="bao-cao.csv"):
    batch = check(user, content, name)
    assert batch.state == "checked", batch.errors
    batch = services.batch_confirm(user=user, batch=batch)
    assert batch.state == "imported", batch.errors
    return batch


Q2_START = D(2026, 4, 1)


def value_of(code, start=Q2_START):
    row = ReportValue.objects.filter(report__period_start=start, field__code=code).first()
    return row.value if row else None


def test_periods_are_read_as_reports_write_them():
    words = _period_words("Quý II/2026")
    assert words == _period_words("quy 2/2026") == _period_words("Q2/2026") == _period_words("QUÝ  ii - 2026")
    assert _period_words("Tháng 03/2026") == _period_words("tháng 3 2026")


def test_a_province_imports_its_report_values_and_the_same_file_twice_changes_nothing(people, quarterly):  # noqa: F811
    content = csv_bytes(rows_for(FILLED, period="Quý 2/2026"))
    batch = do_import(people["doit"], content, "quy2.csv")
    assert (batch.created, batch.updated, batch.unchanged) == (len(FILLED), 0, 0)
    report = PeriodicReport.objects.get(period_start=D(2026, 4, 1), period_end=D(2026, 6, 30))
    assert report.province.name == "Tuyên Quang" and report.state == "draft"
    assert value_of("can-bo-tong-so") == 18 and value_of("kinh-phi-ngoai-de-an") == 25_000_000
    assert value_of("chuong-trinh-tinh") is True
    assert value_of("chuong-trinh-tinh-so") == "1234/QĐ-UBND"
    value = ReportValue.objects.get(report=report, field__code="can-bo-tong-so")
    assert ObjectChange.objects.for_object(value).get().origin == "import"
    assert ImportedRecord.objects.filter(batch=batch).count() == len(FILLED)
    changes = ObjectChange.objects.count()

    again = do_import(people["doit"], content, "quy2.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(FILLED))
    assert ObjectChange.objects.count() == changes

    # a changed figure (written the Vietnamese way) updates, with history
    changed = dict(FILLED, **{"tu-van-doanh-thu": "1,5 tỷ"})
    third = do_import(people["doit"], csv_bytes(rows_for(changed)), "quy2-sua.csv")
    assert (third.created, third.updated, third.unchanged) == (0, 1, len(FILLED) - 1)
    assert value_of("tu-van-doanh-thu") == 1_500_000_000
    value = ReportValue.objects.get(report=report, field__code="tu-van-doanh-thu")
    assert ObjectChange.objects.for_object(value).latest("id").origin == "import"
    assert ImportedRecord.objects.get(batch=third).object_id == value.pk


def test_the_reports_page_says_which_files_wrote_its_values(client, people, quarterly):  # noqa: F811
    batch = do_import(people["doit"], csv_bytes(rows_for(FILLED, period="Quý 2/2026")), "quy2.csv")
    changed = dict(FILLED, **{"tu-van-doanh-thu": "1,5 tỷ"})
    third = do_import(people["doit"], csv_bytes(rows_for(changed)), "quy2-sua.csv")
    report = PeriodicReport.objects.get()
    client.force_login(people["doit"])
    html = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="provenance"' in html
    assert f'<a href="{third.get_absolute_url()}">quy2-sua.csv</a> (dòng ' in html
    assert f'<a href="{batch.get_absolute_url()}">quy2.csv</a> (dòng 2, 3' in html
    # the agency reviews the report: it reads the files' names, not the province's import pages
    client.force_login(people["agency"])
    html = client.get(report.get_absolute_url()).content.decode()
    assert "Nhập từ tệp quy2.csv (dòng 2, 3" in html and batch.get_absolute_url() not in html


def test_an_error_in_the_last_row_writes_nothing_and_every_error_is_named(people, quarterly):  # noqa: F811
    rows = rows_for(FILLED)
    rows.append(
        {**rows[0], "field_code": "ctv-xa", "value": "sáu mươi"}
    )  # the same key twice, and not a number
    rows[0] = {**rows[0], "field_code": "khong-co"}
    rows.append({**rows[1], "field_code": "kinh-phi-kcqg", "value": "5.000.000"})  # the ledger's figure
    batch = check(people["doit"], csv_bytes(rows))
    assert batch.state == "invalid"
    by_row = {e["row"]: e for e in batch.errors}
    assert set(by_row) == {2, len(rows), len(rows) + 1}, batch.errors
    assert "khong-co" in by_row[2]["message"] and by_row[2]["column"] == PERIODIC.column(
        "field_code"
    ).title_in("vi")
    assert by_row[len(rows)]["column"] == "Giá trị" and "sáu mươi" in by_row[len(rows)]["message"]
    assert "sổ theo dõi kinh phí" in by_row[len(rows) + 1]["message"]
    assert not PeriodicReport.objects.exists() and not ReportValue.objects.exists()


def test_a_province_imports_only_its_own_reports_and_the_agency_none(people, quarterly):  # noqa: F811
    content = csv_bytes(rows_for({"can-bo-tong-so": "18", "danh-gia": "Tốt"}))
    for outsider in ("other_doit", "agency"):
        batch = check(people[outsider], content)
        assert batch.state == "invalid"
        assert [e["row"] for e in batch.errors] == [2, 3]
        assert all(
            e["column"] == PERIODIC.column("province").title_in("vi") and "Tuyên Quang" in e["message"]
            for e in batch.errors
        )
    assert not PeriodicReport.objects.exists()
    assert not PERIODIC.may_import(people["agency"]) and PERIODIC.may_import(people["doit"])


def test_a_former_province_files_its_own_periods(people, quarterly):  # noqa: F811
    """Hà Giang's Q2 2025 report is filed by the new Tuyên Quang's officer, as Hà Giang's."""
    batch = do_import(people["doit"], csv_bytes(rows_for({"can-bo-tong-so": "9"}, "Hà Giang", "Quý II/2025")))
    report = PeriodicReport.objects.get()
    assert batch.created == 1 and report.province.name == "Hà Giang" and report.period_start == D(2025, 4, 1)


def test_an_approved_report_refuses_the_import_naming_the_row(people, filled_report):  # noqa: F811
    report = report_submit(user=people["doit"], report=filled_report)
    report = report_accept(user=people["agency"], report=report)
    report = report_approve(user=people["agency"], report=report)
    before = ObjectChange.objects.count()
    rows = rows_for({"can-bo-tong-so": "18", "danh-gia": "Đã sửa sau khi duyệt"})
    for content, name in ((csv_bytes(rows), "sua.csv"), (xlsx_bytes(rows), "sua.xlsx")):
        batch = check(people["doit"], content, name)
        assert batch.state == "invalid"
        assert [(e["row"], e["message"]) for e in batch.errors] == [
            (2, locked_message(report)),
            (3, locked_message(report)),
        ]
    assert value_of("danh-gia") == FILLED["danh-gia"]
    assert ObjectChange.objects.count() == before


def test_a_submitted_report_refuses_changes_until_returned(people, filled_report):  # noqa: F811
    report = report_submit(user=people["doit"], report=filled_report)
    batch = check(people["doit"], csv_bytes(rows_for({"danh-gia": "Khác"})))
    assert batch.state == "invalid"
    assert [e["row"] for e in batch.errors] == [2]
    assert report.get_state_display() in batch.errors[0]["message"]
    assert value_of("danh-gia") == FILLED["danh-gia"]


def test_excel_round_trip_and_template(people, quarterly, tmp_path):  # noqa: F811
    import openpyxl

    rows = rows_for({"can-bo-tong-so": 18, "can-bo-bien-che": "12", "tu-van-doanh-thu": "350 triệu"})
    batch = do_import(people["doit"], xlsx_bytes(rows), "quy2.xlsx")
    assert batch.created == 3 and value_of("tu-van-doanh-thu") == 350_000_000

    # export in the template's columns → import: nothing changes
    exported = [PERIODIC.export_values(v) for v in PERIODIC.export_queryset(people["doit"])]
    assert sorted(r[3] for r in exported) == ["can-bo-bien-che", "can-bo-tong-so", "tu-van-doanh-thu"]
    assert {r[2] for r in exported} == {"Quý II/2026"}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(TITLES)
    writer.writerows(exported)
    again = do_import(people["doit"], out.getvalue().encode("utf-8"), "xuat.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)

    # the template lists every field the province types (not the ledger's), with drop-downs and a guide
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(PERIODIC)))
    assert book.sheetnames[:2] == ["Dữ liệu", "Hướng dẫn"]
    data = book["Dữ liệu"]
    assert [c.value for c in data[1]] == TITLES
    codes = [r[3] for r in data.iter_rows(min_row=2, values_only=True)]
    typed = FormField.objects.filter(section__form__code="bao-cao-quy").exclude(prefill="ledger")
    assert "can-bo-tong-so" in codes and "kinh-phi-kcqg" not in codes and len(codes) == typed.count()
    assert any(v.sqref for v in data.data_validations.dataValidation)
    assert template_csv(PERIODIC).decode("utf-8-sig").splitlines()[0].split(",")[0] == TITLES[0]


def test_cli_api_and_page(client, people, quarterly, tmp_path):  # noqa: F811
    from django.core.management import call_command
    from django.urls import reverse
    from rest_framework.test import APIClient

    path = tmp_path / "quy2.csv"
    path.write_bytes(csv_bytes(rows_for({"can-bo-tong-so": "18"})))
    call_command("import", str(path), kind="periodic", user=people["doit"].username)
    assert value_of("can-bo-tong-so") == 18
    out = tmp_path / "mau.xlsx"
    call_command("template", "periodic", out=str(out))
    assert out.read_bytes().startswith(b"PK")

    api = APIClient()
    api.force_authenticate(people["doit"])
    answer = api.post(
        "/api/v1/imports/",
        {
            "kind": "periodic",
            "dry_run": "false",
            "file": SimpleUploadedFile("a.csv", csv_bytes(rows_for({"ctv-xa": "60"}))),
        },
        format="multipart",
    )
    assert answer.status_code == 202 and answer.json()["state"] == "imported", answer.json()
    assert value_of("ctv-xa") == 60
    # the agency reviews, it does not fill in: the kind is not offered, the API refuses it
    api.force_authenticate(people["agency"])
    refused = api.post(
        "/api/v1/imports/",
        {"kind": "periodic", "file": SimpleUploadedFile("b.csv", csv_bytes(rows_for({"ctv-xa": "61"})))},
        format="multipart",
    )
    assert refused.status_code == 403
    client.force_login(people["agency"])
    page = client.get(reverse("exchange:start"))
    assert page.status_code == 200
    assert (
        'value="periodic"' not in page.content.decode() and 'value="establishments"' in page.content.decode()
    )
    client.force_login(people["doit"])
    page = client.get(reverse("exchange:start") + "?kind=periodic")
    assert 'value="periodic"' in page.content.decode()
    assert client.get(reverse("exchange:template", args=["periodic", "csv"])).status_code == 200
