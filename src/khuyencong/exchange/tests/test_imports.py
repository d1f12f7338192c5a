"""Importing establishments: every error, all or nothing, idempotency, scope, hostile files, CSV
variants, the CLI, the API and the page, and the round trip export → import → export."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from khuyencong.core.models import ObjectChange
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.tests.conftest import commune_of
from khuyencong.exchange import services
from khuyencong.exchange.kinds.establishments import ESTABLISHMENTS
from khuyencong.exchange.models import ImportBatch, ImportedRecord
from khuyencong.exchange.readers import FileRefused, open_table
from khuyencong.exchange.templates_xlsx import column_reference, template_xlsx
from khuyencong.testing.factories import valid_tax_code

pytestmark = pytest.mark.django_db
TITLES = [c.title_in("vi") for c in ESTABLISHMENTS.columns]


def row(unit, serial: int, **overrides) -> dict:
    values = {
        "tax_code": valid_tax_code(serial),
        "name": f"Công ty TNHH Gốm {serial}",
        "kind": "doanh nghiệp siêu nhỏ",
        "representative": "Nguyễn Văn A",
        "address": "Thôn 1",
        "province": unit.province().name,
        "commune": unit.full_name,
        "vsic_code": "2393",
        "products": "Gốm",
        "employees": "1.234",
    }
    values.update(overrides)
    return values


def csv_bytes(rows: list[dict], delimiter=",", bom=True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(TITLES)
    for r in rows:
        writer.writerow([r.get(c.key, "") for c in ESTABLISHMENTS.columns])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def upload(user, content: bytes, name="co-so.csv") -> ImportBatch:
    return services.batch_create(user=user, kind="establishments", file=ContentFile(content), file_name=name)


def check(user, content: bytes, name="co-so.csv") -> ImportBatch:
    return services.run_import(upload(user, content, name), dry_run=True)


def do_import(user, content: bytes, name="co-so.csv") -> ImportBatch:
    batch = check(user, content, name)
    assert batch.state == "checked", batch.errors
    batch = services.batch_confirm(user=user, batch=batch)
    assert batch.state == "imported", batch.errors
    return batch


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_import_creates_with_audit_origin_and_link(officer, tq_commune):
    batch = do_import(officer, csv_bytes([row(tq_commune, 1), row(tq_commune, 2)]), "so-tq.csv")
    assert (batch.state, batch.created, batch.updated, batch.unchanged) == ("imported", 2, 0, 0)
    e = Establishment.objects.get(tax_code=valid_tax_code(1))
    assert e.employees == 1234 and e.kind == "micro" and e.commune == tq_commune
    change = ObjectChange.objects.filter(object_id=e.pk, content_type__model="establishment").get()
    assert (change.origin, change.reason) == ("import", "so-tq.csv")
    assert ImportedRecord.objects.get(object_id=e.pk).batch == batch


def test_error_in_last_row_writes_nothing_and_every_error_is_listed(officer, tq_commune):
    rows = [row(tq_commune, i) for i in range(1, 6)]
    rows[1]["employees"] = "nhiều"
    rows[-1].update(tax_code="0100233489", commune="Xã Không Có", registration_date="31/02/2019")
    batch = services.run_import(upload(officer, csv_bytes(rows)), dry_run=True)
    assert batch.state == "invalid"
    found = {(e["row"], e["column_key"]) for e in batch.errors}
    assert found == {(3, "employees"), (6, "tax_code"), (6, "commune"), (6, "registration_date")}
    assert all(e["sheet"] and e["message"] for e in batch.errors)
    assert not Establishment.objects.filter(name__startswith="Công ty TNHH Gốm").exists()


def test_a_row_with_an_error_is_still_checked_cell_by_cell(officer, tq_commune):
    """The page promises every error: a row refused for its commune still names its negative number
    of employees and its e-mail address that is not one, as a row with those errors alone does."""
    rows = [
        row(tq_commune, 1, commune="Xã Không Có", employees="-5", email="bad-email"),
        row(tq_commune, 2, employees="-5", email="bad-email"),
    ]
    batch = services.run_import(upload(officer, csv_bytes(rows)), dry_run=True)
    assert batch.state == "invalid"
    found = {(e["row"], e["column_key"]) for e in batch.errors}
    assert {(2, "commune"), (2, "employees"), (2, "email"), (3, "employees"), (3, "email")} <= found
    messages = {(e["row"], e["column_key"]): e["message"] for e in batch.errors}
    assert messages[(2, "employees")] == messages[(3, "employees")]
    assert messages[(2, "email")] == messages[(3, "email")]


def test_failure_while_writing_rolls_back_every_row(officer, tq_commune, monkeypatch):
    batch = check(officer, csv_bytes([row(tq_commune, i) for i in range(1, 4)]))
    original = ESTABLISHMENTS.write

    def failing(parsed, context):
        if parsed.row == 4:
            from django.core.exceptions import ValidationError

            raise ValidationError("hỏng")
        return original(parsed, context)

    monkeypatch.setattr(ESTABLISHMENTS, "write", failing)
    batch = services.batch_confirm(user=officer, batch=batch)
    assert batch.state == "invalid" and batch.errors[0]["row"] == 4
    assert not Establishment.objects.filter(name__startswith="Công ty TNHH Gốm").exists()


def test_same_file_twice_changes_nothing(officer, tq_commune):
    content = csv_bytes([row(tq_commune, 1), row(tq_commune, 2, tax_code="", kind="hộ kinh doanh")])
    do_import(officer, content)
    changes = ObjectChange.objects.count()
    second = do_import(officer, content)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert ObjectChange.objects.count() == changes
    assert Establishment.objects.filter(name__startswith="Công ty TNHH Gốm").count() == 2


def test_changed_row_updates_with_history(officer, tq_commune):
    do_import(officer, csv_bytes([row(tq_commune, 1)]))
    batch = do_import(officer, csv_bytes([row(tq_commune, 1, employees="40")]))
    assert (batch.created, batch.updated) == (0, 1)
    e = Establishment.objects.get(tax_code=valid_tax_code(1))
    assert e.employees == 40 and e.version == 2
    update = ObjectChange.objects.filter(
        object_id=e.pk, content_type__model="establishment", action="update"
    ).get()
    assert (update.before["employees"], update.after["employees"]) == (1234, 40)
    assert (update.origin, update.reason) == ("import", "co-so.csv")


def test_province_user_cannot_import_another_province(
    make_user, tuyen_quang, hanoi_commune, tq_commune, officer
):
    user = make_user("provincial_officer", province=tuyen_quang, username="so_tq_import")
    do_import(officer, csv_bytes([row(hanoi_commune, 9)]))  # a Hà Nội record by the agency
    rows = [row(tq_commune, 1), row(hanoi_commune, 2), row(hanoi_commune, 9, employees="5")]
    batch = check(user, csv_bytes(rows))
    assert batch.state == "invalid"
    assert {e["row"] for e in batch.errors} == {3, 4}
    assert any("Hà Nội" in e["message"] for e in batch.errors)
    assert not Establishment.objects.filter(tax_code=valid_tax_code(1)).exists()


def test_a_row_without_a_tax_code_in_another_province_names_the_commune_not_a_tax_code(
    make_user, tuyen_quang, hanoi_commune, officer
):
    """Matched by its name in a Hà Nội commune, the row is refused because of the commune – as a new
    record there would be – not told that “this tax code” (which it has none of) is registered."""
    user = make_user("provincial_officer", province=tuyen_quang, username="so_tq_no_code")
    do_import(
        officer,
        csv_bytes([row(hanoi_commune, 9, tax_code="", name="Cơ sở Nước mắm Cửa Khe", kind="hộ kinh doanh")]),
    )
    batch = check(
        user,
        csv_bytes([row(hanoi_commune, 9, tax_code="", name="Cơ sở Nước mắm Cửa Khe", kind="hộ kinh doanh")]),
    )
    assert batch.state == "invalid"
    assert [(e["row"], e["column_key"]) for e in batch.errors] == [(2, "commune")]
    assert "ngoài phạm vi tỉnh" in batch.errors[0]["message"] and "Hà Nội" in batch.errors[0]["message"]
    assert "mã số thuế" not in batch.errors[0]["message"].lower()
    # the same answer whether or not the name is registered there, whatever else the row holds
    for name in ("Cơ sở Nước mắm Cửa Khe", "Cơ sở chưa ai đăng ký"):
        for extra in ({}, {"vsic_code": "9999"}):
            answer = check(
                user,
                csv_bytes([row(hanoi_commune, 9, tax_code="", name=name, kind="hộ kinh doanh", **extra)]),
            )
            assert [(e["column_key"], e["message"]) for e in answer.errors] == [
                (e["column_key"], e["message"])
                for e in check(
                    user,
                    csv_bytes(
                        [
                            row(
                                hanoi_commune,
                                9,
                                tax_code="",
                                name="Cơ sở chưa ai đăng ký",
                                kind="hộ kinh doanh",
                                **extra,
                            )
                        ]
                    ),
                ).errors
            ], (name, extra)


def test_another_users_batch_is_404_on_page_and_api(client, officer, make_user, tq_commune):
    batch = check(officer, csv_bytes([row(tq_commune, 1)]))
    other = make_user("programme_officer", username="canbo_khac")
    client.force_login(other)
    assert client.get(reverse("exchange:batch", args=[batch.pk])).status_code == 404
    assert client.post(reverse("exchange:confirm", args=[batch.pk])).status_code == 404
    assert client.get(f"/api/v1/imports/{batch.pk}/").status_code == 404
    assert client.post(f"/api/v1/imports/{batch.pk}/confirm/").status_code == 404
    assert not Establishment.objects.filter(tax_code=valid_tax_code(1)).exists()


def test_page_upload_preview_confirm(client, officer, tq_commune):
    client.force_login(officer)
    assert client.get(reverse("exchange:start")).status_code == 200
    bad = csv_bytes([row(tq_commune, 1, employees="x")])
    response = client.post(
        reverse("exchange:start"),
        {"kind": "establishments", "file": ContentFile(bad, name="loi.csv")},
        follow=True,
    )
    assert response.status_code == 200
    assert "“x” không phải số nguyên." in response.content.decode()
    good = ContentFile(csv_bytes([row(tq_commune, 1)]), name="dung.csv")
    response = client.post(reverse("exchange:start"), {"kind": "establishments", "file": good}, follow=True)
    batch = ImportBatch.objects.get(file_name="dung.csv")
    assert batch.state == "checked" and not Establishment.objects.filter(tax_code=valid_tax_code(1)).exists()
    response = client.post(reverse("exchange:confirm", args=[batch.pk]), follow=True)
    assert response.status_code == 200
    assert Establishment.objects.filter(tax_code=valid_tax_code(1)).exists()
    detail = client.get(Establishment.objects.get(tax_code=valid_tax_code(1)).get_absolute_url())
    assert "dung.csv" in detail.content.decode()


def test_api_upload_errors_and_confirm(client, officer, tq_commune):
    """The API queues the check and the import as jobs and answers 202 with the batch and where to
    poll it (the test settings run the job at once)."""
    client.force_login(officer)
    bad = ContentFile(csv_bytes([row(tq_commune, 1, vsic_code="00")]), name="loi.csv")
    response = client.post("/api/v1/imports/", {"file": bad, "kind": "establishments"})
    assert response.status_code == 202
    polled = client.get(response["Location"]).json()
    assert polled["state"] == "invalid" and polled["errors"][0]["column_key"] == "vsic_code"
    assert polled["job"]["state"] == "done" and polled["job"]["url"] == f"/api/v1/jobs/{polled['job']['id']}/"
    good = ContentFile(csv_bytes([row(tq_commune, 1)]), name="dung.csv")
    response = client.post("/api/v1/imports/", {"file": good, "kind": "establishments", "dry_run": "true"})
    assert response.status_code == 202
    batch_id = response.json()["id"]
    assert response["Location"] == f"/api/v1/imports/{batch_id}/"
    assert response.json()["state"] == "checked" and response.json()["job"]["progress"]["percent"] == 100
    assert client.get(f"/api/v1/imports/{batch_id}/").json()["created"] == 1
    assert client.get(f"/api/v1/jobs/{response.json()['job']['id']}/").json()["state"] == "done"
    response = client.post(f"/api/v1/imports/{batch_id}/confirm/")
    assert response.status_code == 202 and response["Location"] == f"/api/v1/imports/{batch_id}/"
    assert response.json()["state"] == "imported" and response.json()["job"]["kind"] == "exchange.import"
    assert client.post(f"/api/v1/imports/{batch_id}/confirm/").status_code == 400
    assert Establishment.objects.filter(tax_code=valid_tax_code(1)).exists()


def test_api_answers_before_the_worker_runs_and_shows_the_progress(client, officer, tq_commune, settings):
    """With a real queue the upload answers 202 while the job waits; the batch shows the job's
    progress until the worker has checked (and, dry_run=false, imported) the file."""
    from khuyencong.core import jobs as core_jobs
    from khuyencong.core.models import Job

    settings.KC_JOBS_BACKEND_ALIAS = "database"
    client.force_login(officer)
    good = ContentFile(csv_bytes([row(tq_commune, 1), row(tq_commune, 2)]), name="hai.csv")
    response = client.post("/api/v1/imports/", {"file": good, "kind": "establishments", "dry_run": "false"})
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "uploaded" and body["job"]["state"] == "queued"
    assert body["job"]["progress"] == {"done": 0, "total": None, "message": "", "percent": None}
    assert not Establishment.objects.filter(tax_code=valid_tax_code(1)).exists()
    core_jobs.run(body["job"]["id"])  # what the worker does
    polled = client.get(response["Location"]).json()
    assert polled["state"] == "imported" and polled["created"] == 2
    assert polled["job"]["state"] == "done" and polled["job"]["progress"]["percent"] == 100
    assert Establishment.objects.filter(tax_code=valid_tax_code(2)).exists()
    # a confirmation queued twice before the worker comes is refused the second time
    other = ContentFile(csv_bytes([row(tq_commune, 3)]), name="ba.csv")
    body = client.post("/api/v1/imports/", {"file": other, "kind": "establishments"}).json()
    core_jobs.run(body["job"]["id"])
    first = client.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert first.status_code == 202 and first.json()["job"]["state"] == "queued"
    assert first.json()["state"] == "checked"
    second = client.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert second.status_code == 400
    core_jobs.run(first.json()["job"]["id"])
    assert Job.objects.get(pk=first.json()["job"]["id"]).state == Job.State.DONE
    assert client.get(f"/api/v1/imports/{body['id']}/").json()["state"] == "imported"


def test_csv_semicolon_without_bom_and_xlsx_template(officer, tq_commune, tmp_path):
    batch = check(officer, csv_bytes([row(tq_commune, 1)], delimiter=";", bom=False))
    assert batch.state == "checked", batch.errors
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(ESTABLISHMENTS)))
    assert book.sheetnames[:2] == ["Dữ liệu", "Hướng dẫn"]
    data = book["Dữ liệu"]
    assert [c.value for c in data[1]] == TITLES
    assert data.data_validations.dataValidation  # drop-down lists for coded values
    guide_titles = [r[0].value for r in book["Hướng dẫn"].iter_rows(min_row=2, max_row=len(TITLES) + 1)]
    assert guide_titles == TITLES
    # the template's example row, as downloaded, checks cleanly
    path = tmp_path / "mau.xlsx"
    path.write_bytes(template_xlsx(ESTABLISHMENTS))
    assert check(officer, path.read_bytes(), "mau.xlsx").state == "checked"


def test_old_province_name_missing_accents_and_decomposed(officer, ha_giang):
    old = commune_of(ha_giang)
    rows = [
        row(old, 1, province="Hà Giang", commune=old.full_name, address_as_of="15/05/2019"),
        row(old, 2, province="ha giang", commune=old.name.upper(), address_as_of="15/05/2019"),
        row(old, 3, province="Ha\u0300 Giang".replace("à", "a\u0300"), commune=old.full_name),  # no date
    ]
    batch = do_import(officer, csv_bytes(rows))
    assert batch.created == 3
    dated = Establishment.objects.filter(tax_code__in=[valid_tax_code(i) for i in (1, 2)])
    assert {e.commune_id for e in dated} == {old.pk}
    assert {e.province_id for e in dated} == {ha_giang.pk}
    # without a date the name is looked for today first (in Hà Giang's successor), else as it was
    undated = Establishment.objects.get(tax_code=valid_tax_code(3))
    assert undated.commune.valid_on(undated.address_as_of)
    assert undated.commune_id == old.pk or undated.address_as_of == timezone.localdate()


@pytest.mark.parametrize("case", ["pdf", "xls", "bomb", "formula", "big", "rows", "encoding", "broken_zip"])
def test_hostile_files_are_refused(case, settings, tmp_path, officer):
    path = tmp_path / "f"
    if case == "pdf":
        path.write_bytes(b"%PDF-1.4 hello")
    elif case == "xls":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    elif case == "bomb":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/workbook.xml", "<workbook/>")
            z.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 2**20))
    elif case == "formula":
        import xlsxwriter

        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("Dữ liệu")
        sheet.write_row(0, 0, TITLES)
        sheet.write_formula(1, 1, '=HYPERLINK("http://x","y")')
        book.close()
    elif case == "big":
        settings.KC_IMPORT_MAX_BYTES = 1000
        path.write_bytes(b"a,b\n" * 1000)
    elif case == "rows":
        settings.KC_IMPORT_MAX_ROWS = 100
        path.write_bytes(b"a,b\n" + b"1,2\n" * 2000)
    elif case == "encoding":
        path.write_bytes("Tên,So\nCà phê,1\n".encode("latin-1"))
    elif case == "broken_zip":
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(FileRefused) as refused:
        open_table(path)
    message = str(refused.value)
    expected = {
        "pdf": "không phải bảng tính",
        "xls": ".xlsx",
        "bomb": "zip",
        "formula": "B2",
        "big": "MB",
        "rows": "dòng",
        "encoding": "UTF-8",
        "broken_zip": "Excel",
    }[case]
    assert expected in message
    batch = check(officer, path.read_bytes(), "f")
    assert batch.state == "invalid" and batch.errors[0]["message"] == message


def test_a_text_file_named_xlsx_is_refused_as_not_an_excel_file(officer, tq_commune):
    batch = check(officer, b"not an excel file\n1,2\n", "bad.xlsx")
    assert batch.state == "invalid"
    assert [e["message"] for e in batch.errors] == [
        "Tệp này không phải tệp Excel (.xlsx) hợp lệ – có thể tệp bị hỏng."
    ]
    assert check(officer, csv_bytes([row(tq_commune, 1)]), "so-tq.csv").state == "checked"


def test_formula_text_is_stored_as_text(officer, tq_commune):
    text = '=HYPERLINK("http://x","y")'
    do_import(officer, csv_bytes([row(tq_commune, 1, note=text, other_names="'" + text)]))
    e = Establishment.objects.get(tax_code=valid_tax_code(1))
    assert e.note == text and e.other_names == text  # the exports' apostrophe comes off again


def test_cli(officer, tq_commune, tmp_path, capsys):
    path = tmp_path / "co-so.csv"
    path.write_bytes(csv_bytes([row(tq_commune, 1), row(tq_commune, 2, employees="x")]))
    with pytest.raises(SystemExit):
        call_command("import", str(path), kind="establishments", user=officer.username)
    assert "3: Số lao động: x" in capsys.readouterr().out
    path.write_bytes(csv_bytes([row(tq_commune, 1)]))
    call_command("import", str(path), kind="establishments", user=officer.username, dry_run=True)
    assert not Establishment.objects.filter(tax_code=valid_tax_code(1)).exists()
    call_command("import", str(path), kind="establishments", user=officer.username)
    assert Establishment.objects.filter(tax_code=valid_tax_code(1)).exists()
    out = tmp_path / "mau.xlsx"
    call_command("template", "establishments", out=str(out))
    assert out.read_bytes().startswith(b"PK")


def _export(client, fmt):
    response = client.get(reverse("establishments:list"), {"export": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_export_import_export(fmt, client, officer, tq_commune, ha_giang, tmp_path):
    old = commune_of(ha_giang)
    rows = [
        row(tq_commune, 1, women_owned="Có", status_since="01/02/2024", status="tạm ngừng hoạt động"),
        row(
            old,
            2,
            address_as_of="15/05/2019",
            note='=1+2 "quoted"; x',
            craft_village="Làng X",
            in_craft_village="x",
        ),
        row(tq_commune, 3, tax_code="", kind="hộ kinh doanh", registration_number="HKD-1"),
    ]
    do_import(officer, csv_bytes(rows))
    client.force_login(officer)
    first = _export(client, fmt)
    Establishment.objects.all().delete()
    do_import(officer, first, f"xuat.{fmt}")
    second = _export(client, fmt)
    if fmt == "csv":
        assert first == second
    else:
        assert [list(r) for r in open_rows(first, tmp_path / "a")] == [
            list(r) for r in open_rows(second, tmp_path / "b")
        ]


def open_rows(content: bytes, path: Path):
    path.write_bytes(content)
    table = open_table(path)
    return [table.headers] + [cells for _n, cells in table.rows]


def test_docs_import_md_is_up_to_date():
    from django.utils import translation

    path = Path(__file__).resolve().parents[4] / "docs" / "import.md"
    with translation.override("vi"):
        expected = column_reference()
    assert path.read_text(encoding="utf-8") == expected, (
        "docs/import.md is out of date: run `khuyencong template --reference docs/import.md`"
    )


def test_checking_and_importing_run_as_jobs_with_their_progress(client, officer, tq_commune):
    """The page queues the check and the import in the job queue (the test settings run a job at
    once): each job is the user's, reports its rows as progress and links to the file's page."""
    from khuyencong.core.models import Job

    client.force_login(officer)
    good = ContentFile(csv_bytes([row(tq_commune, 1), row(tq_commune, 2)]), name="hai-dong.csv")
    client.post(reverse("exchange:start"), {"kind": "establishments", "file": good})
    batch = ImportBatch.objects.get(file_name="hai-dong.csv")
    check = Job.objects.get(kind="exchange.check")
    assert (check.owner, check.state, check.result_url) == (officer, Job.State.DONE, batch.get_absolute_url())
    assert check.progress_done == check.progress_total == 2
    client.post(reverse("exchange:confirm", args=[batch.pk]))
    done = Job.objects.get(kind="exchange.import")
    assert done.state == Job.State.DONE and done.owner == officer
    assert done.progress_done == done.progress_total == 4  # checked again, then written
    batch.refresh_from_db()
    assert batch.state == "imported" and batch.created == 2


def test_a_batch_confirmed_twice_at_the_same_moment_is_imported_once(officer, tq_commune):
    """The second confirmation finds the batch already claimed (as a second worker or API call
    would, while the first is still writing) and is refused; nothing is written twice."""
    from django.utils import timezone

    batch = services.run_import(upload(officer, csv_bytes([row(tq_commune, 1)])), dry_run=True)
    assert batch.state == "checked"
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=timezone.now())  # the first one's claim
    with pytest.raises(ValidationError, match="đang được nhập"):
        services.batch_confirm(user=officer, batch=ImportBatch.objects.get(pk=batch.pk))
    assert not Establishment.objects.filter(tax_code=valid_tax_code(1)).exists()


def test_control_characters_in_a_cell_are_taken_out(officer, tq_commune):
    """Excel keeps a NUL typed into a cell (as ``_x0000_``), which PostgreSQL refuses in text: the
    reader takes control characters out of every cell."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet("Dữ liệu")
    values = row(tq_commune, 1, name="Gốm\x00 Bát\x07 Tràng")
    for col, column in enumerate(ESTABLISHMENTS.columns):
        sheet.write_string(0, col, TITLES[col])
        sheet.write_string(1, col, str(values.get(column.key, "")))
    book.close()
    batch = services.batch_create(
        user=officer, kind="establishments", file=ContentFile(buffer.getvalue()), file_name="nul.xlsx"
    )
    batch = services.run_import(batch, dry_run=True)
    assert batch.state == "checked", [e["message"] for e in batch.errors]
    services.batch_confirm(user=officer, batch=batch)
    assert Establishment.objects.get(tax_code=valid_tax_code(1)).name == "Gốm Bát Tràng"
    # a NUL in a CSV file is not text a spreadsheet writes: the file is refused, with a message
    refused = check(officer, csv_bytes([row(tq_commune, 2, name="Mây\x00 tre")]), name="nul.csv")
    assert refused.state == "invalid" and refused.errors[0]["message"]
    assert not Establishment.objects.filter(tax_code=valid_tax_code(2)).exists()
