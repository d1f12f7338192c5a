"""Importing indicator actuals per project through ``report_result``: all or nothing, idempotency,
scope (the project's province, unit or the agency), cumulative and flow indicators, a project that
takes no results, CSV and Excel, the page."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from khuyencong.core.models import ObjectChange
from khuyencong.exchange import services
from khuyencong.exchange.kinds.indicators import INDICATORS
from khuyencong.exchange.models import ImportedRecord
from khuyencong.exchange.templates_xlsx import template_xlsx
from khuyencong.programmes.models import Indicator
from khuyencong.projects.models import ResultReport
from khuyencong.projects.tests.conftest import (  # noqa: F401
    beneficiary,
    hanoi,
    make_proposal,
    people,
    round_2027,
    tuyen_quang,
)
from khuyencong.projects.tests.test_results import in_progress  # noqa: F401

pytestmark = pytest.mark.django_db
TITLES = [c.title_in("vi") for c in INDICATORS.columns]
TODAY = datetime.date.today()
DAY = TODAY.strftime("%d/%m/%Y")
EARLIER = (TODAY - datetime.timedelta(days=40)).strftime("%d/%m/%Y")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def csv_bytes(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TITLES)
    for r in rows:
        writer.writerow([r.get(c.key, "") for c in INDICATORS.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[dict]) -> bytes:
    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output)
    sheet = book.add_worksheet("Dữ liệu")
    sheet.write_row(0, 0, TITLES)
    for n, r in enumerate(rows, start=1):
        for i, c in enumerate(INDICATORS.columns):
            value = r.get(c.key, "")
            if isinstance(value, (int, float)):
                sheet.write_number(n, i, value)
            elif value:
                sheet.write_string(n, i, str(value))
    book.close()
    return output.getvalue()


def check(user, content: bytes, name="ket-qua.csv"):
    batch = services.batch_create(user=user, kind="indicators", file=ContentFile(content), file_name=name)
    return services.run_import(batch, dry_run=True)


def do_import(user, content: bytes, name="ket-qua.csv"):
    batch = check(user, content, name)
    assert batch.state == "checked", batch.errors
    batch = services.batch_confirm(user=user, batch=batch)
    assert batch.state == "imported", batch.errors
    return batch


def rows_of(project, *values) -> list[dict]:
    indicator = project.planned_results.get().indicator
    return [
        {"project": project.code, "indicator_code": indicator.code, "period_end": day, "value": value}
        for day, value in values
    ]


def test_values_reported_once_and_the_same_file_twice_changes_nothing(people, in_progress):  # noqa: F811
    content = csv_bytes(rows_of(in_progress, (EARLIER, "12"), (DAY, "13,5")))
    batch = do_import(people["doit"], content, "ket-qua-q2.csv")
    assert (batch.created, batch.updated, batch.unchanged) == (2, 0, 0)
    reports = list(ResultReport.objects.filter(project=in_progress).order_by("period_end"))
    assert [r.value for r in reports] == [Decimal(12), Decimal("13.5")]
    assert {r.state for r in reports} == {"approved"}  # reported by the DOIT: counts at once, as on the page
    assert ObjectChange.objects.for_object(reports[0]).get().origin == "import"
    assert in_progress.events.filter(kind="result").count() == 2
    assert ImportedRecord.objects.filter(batch=batch).count() == 2
    again = do_import(people["doit"], content, "ket-qua-q2.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert ResultReport.objects.filter(project=in_progress).count() == 2


def test_the_implementing_units_values_wait_for_the_doit(people, in_progress):  # noqa: F811
    do_import(people["unit"], csv_bytes(rows_of(in_progress, (DAY, 7))))
    assert ResultReport.objects.get(project=in_progress).state == "submitted"


def test_an_error_in_the_last_row_writes_nothing(people, in_progress):  # noqa: F811
    future = (TODAY + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    rows = rows_of(in_progress, (EARLIER, 10), (DAY, 11), (future, 12))
    rows.append({**rows[0], "period_end": "31/02/2026"})
    rows.append({**rows[1], "indicator_code": "khong-co-chi-tieu"})
    batch = check(people["doit"], csv_bytes(rows))
    assert batch.state == "invalid"
    errors = {e["row"]: e for e in batch.errors}
    assert sorted(errors) == [4, 5, 6]
    assert errors[4]["column"] == INDICATORS.column("period_end").title_in("vi")
    assert errors[6]["column"] == INDICATORS.column("indicator_code").title_in("vi")
    assert not ResultReport.objects.exists()


def test_another_provinces_project_is_refused(people, in_progress):  # noqa: F811
    content = csv_bytes(rows_of(in_progress, (DAY, 5)))
    for outsider in ("other_doit", "leader"):
        batch = check(people[outsider], content)
        assert batch.state == "invalid", outsider
        assert batch.errors[0]["row"] == 2 and batch.errors[0]["column_key"] == "project"
    assert not ResultReport.objects.exists()
    assert not INDICATORS.may_import(people["leader"]) and INDICATORS.may_import(people["unit"])


def test_a_flow_is_not_counted_twice_a_running_total_is_reported_again(people, in_progress):  # noqa: F811
    do_import(people["doit"], csv_bytes(rows_of(in_progress, (DAY, 10))))
    changed = csv_bytes(rows_of(in_progress, (DAY, 15)))
    batch = check(people["doit"], changed)
    assert batch.state == "invalid" and "10" in batch.errors[0]["message"]
    assert batch.errors[0]["column_key"] == "value"

    indicator = in_progress.planned_results.get().indicator
    Indicator.objects.filter(pk=indicator.pk).update(cumulative=True)
    batch = do_import(people["doit"], changed)
    assert (batch.created, batch.updated) == (0, 1)
    latest = ResultReport.objects.filter(project=in_progress).latest("id")
    assert latest.value == 15 and ResultReport.objects.filter(project=in_progress).count() == 2
    assert do_import(people["doit"], changed).unchanged == 1


def test_a_project_that_takes_no_results_refuses(people, make_proposal):  # noqa: F811
    draft = make_proposal()
    indicator = Indicator.objects.filter(content=draft.content).first()
    content = csv_bytes(
        [{"project": draft.code, "indicator_code": indicator.code, "period_end": DAY, "value": 1}]
    )
    batch = check(people["doit"], content)
    assert batch.state == "invalid" and batch.errors[0]["row"] == 2


def test_excel_file_template_and_export(client, people, in_progress):  # noqa: F811
    import openpyxl

    batch = do_import(people["doit"], xlsx_bytes(rows_of(in_progress, (DAY, 20))), "ket-qua.xlsx")
    assert batch.created == 1
    exported = [INDICATORS.export_values(r) for r in INDICATORS.export_queryset(people["doit"])]
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(
        [
            TITLES,
            *[
                [str(c) if not hasattr(c, "strftime") else c.strftime("%d/%m/%Y") for c in r]
                for r in exported
            ],
        ]
    )
    assert do_import(people["doit"], out.getvalue().encode("utf-8"), "xuat.csv").unchanged == 1

    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(INDICATORS)))
    assert [c.value for c in book["Dữ liệu"][1]] == TITLES
    assert book["Hướng dẫn"].max_row > len(TITLES)

    # the result page links each row to its project
    client.force_login(people["doit"])
    page = client.get(reverse("exchange:batch", args=[batch.pk]))
    assert page.status_code == 200
    assert reverse("projects:detail", args=[in_progress.pk]) in page.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_in_the_template_columns_imports_back_unchanged(fmt, client, people, in_progress):  # noqa: F811
    do_import(people["doit"], csv_bytes(rows_of(in_progress, (EARLIER, "12,5"), (DAY, 14))))
    client.force_login(people["doit"])
    response = client.get(reverse("exchange:export", args=["indicators", fmt]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    again = do_import(people["doit"], content, f"xuat.{fmt}")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    # another province's officer exports nothing of it
    client.force_login(people["other_doit"])
    other = b"".join(client.get(reverse("exchange:export", args=["indicators", "csv"])).streaming_content)
    assert in_progress.code.encode() not in other
