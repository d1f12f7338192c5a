"""The programme's history through imports: projects of the 2019 plan (in former Hà Giang and former
Tuyên Quang) and their dated money movements, written through the services, checked against
hand-computed figures of the reporting engine.

The history (KCQG 2019, training content; amounts in million đồng):

- P1 KCQG-2019-02-0001, Hà Giang: requested 300, counterpart 100; recommended 300 (DOIT), 250
  (agency). Allocated 250 (01/QĐ-BCT, 15/01/2019); contract 250 (01/03); advance 100 (20/03);
  payment 50 (15/05); adjusted to 220 (02/QĐ-BCT, 15/07); accepted 05/12; payment 70 (15/12);
  settled 220 with a counterpart of 95 spent (20/12).
- P2 KCQG-2019-08-0001, Tuyên Quang: requested 200, counterpart 150. Allocated 200 (15/01);
  contract 200 (05/03); advance 80 (10/04); payment 20 (30/04); accepted 06/12; payment 100 (16/12);
  settled 200, counterpart 150 spent (22/12).
- P3 KCQG-2019-02-0002, Hà Giang: requested 120, counterpart 40. Allocated 120 (15/01); contract
  120 (10/03); advance 50 (25/03); stopped (02/QĐ-BCT, 15/07); the advance refunded (20/08).

By hand: paid in the first four months of 2019 = 100 + 50 + 80 + 20 = 250; the plan on 30/06/2019 =
250 + 200 + 120 = 570; the final plan = 220 + 200 + 0 = 420; settled 420; counterpart planned
100 + 150 + 40 = 290, spent 95 + 150 = 245; refunded 50. By province as it was: Hà Giang requested
420, plan 220; Tuyên Quang requested 200, plan 200.
"""

from __future__ import annotations

import csv
import datetime
import io
import random

import pytest
from django.core.files.base import ContentFile

from khuyencong.core.models import ObjectChange
from khuyencong.core.permissions import get_scope
from khuyencong.exchange import services
from khuyencong.exchange.kinds.movements import MOVEMENTS
from khuyencong.exchange.kinds.projects import PROJECTS
from khuyencong.exchange.models import ImportedRecord
from khuyencong.projects.models import LedgerEntry, Project
from khuyencong.projects.tests.conftest import people, tuyen_quang  # noqa: F401
from khuyencong.reporting import rollups
from khuyencong.reporting.dimensions import Period
from khuyencong.reporting.engine import aggregate

pytestmark = pytest.mark.django_db
D = datetime.date
M = 1_000_000


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def csv_bytes(kind, rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([c.title_in("vi") for c in kind.columns])
    for r in rows:
        writer.writerow([r.get(c.key, "") for c in kind.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def run(user, kind, rows, *, dry_run=False, name=None):
    batch = services.batch_create(
        user=user, kind=kind.key, file=ContentFile(csv_bytes(kind, rows)), file_name=name or f"{kind.key}.csv"
    )
    return services.run_import(batch, dry_run=dry_run)


def project_row(code, province, org, requested, counterpart, name, **extra):
    return {
        "code": code,
        "plan_year": "2019",
        "source": "KCQG",
        "content": "dao-tao-nghe",
        "kind": "đề án thông thường",
        "name": name,
        "objectives": "Đào tạo nghề cho lao động nông thôn",
        "province": province,
        "implementing_org": org,
        "start_date": "01/03/2019",
        "end_date": "15/12/2019",
        "filed_on": "15/06/2018",
        "appraised_on": "20/09/2018",
        "document": "Hồ sơ đề án",
        "state_support": requested,
        "counterpart": counterpart,
        **extra,
    }


PROJECT_ROWS = [
    project_row(
        "KCQG-2019-02-0001",
        "Hà Giang",
        "ttkc-02-2008",
        "300 triệu",
        "100.000.000",
        "Đào tạo nghề dệt thổ cẩm tại Hà Giang",
        recommended_doit="300.000.000",
        recommended="250.000.000",
    ),
    project_row(
        "KCQG-2019-08-0001",
        "Tuyen Quang",  # without accents
        "ttkc-08-2008",
        "200.000.000",
        "150.000.000",
        "Đào tạo nghề mây tre đan tại Tuyên Quang",
    ),
    project_row(
        "KCQG-2019-02-0002",
        "Tỉnh Hà Giang",
        "ttkc-02-2008",
        "120.000.000",
        "40.000.000",
        "Đào tạo nghề chạm bạc tại Hà Giang",
    ),
]
P1, P2, P3 = (r["code"] for r in PROJECT_ROWS)


def movement(code, day, kind, amount, document, **extra):
    return {"project": code, "date": day, "movement": kind, "amount": amount, "document": document, **extra}


MOVEMENT_ROWS = [
    movement(P1, "15/01/2019", "quyết định giao kế hoạch", "250.000.000", "01/QĐ-BCT", signer="Thứ trưởng"),
    movement(P2, "15/01/2019", "quyết định giao kế hoạch", "200.000.000", "01/QĐ-BCT", signer="Thứ trưởng"),
    movement(P3, "15/01/2019", "quyết định giao kế hoạch", "120.000.000", "01/QĐ-BCT", signer="Thứ trưởng"),
    movement(P1, "01/03/2019", "hợp đồng", "250.000.000", "HĐ 01/2019"),
    movement(P2, "05/03/2019", "hợp đồng", "200.000.000", "HĐ 02/2019"),
    movement(P3, "10/03/2019", "hợp đồng", "120.000.000", "HĐ 03/2019"),
    movement(P1, "20/03/2019", "tạm ứng", "100.000.000", "UNC 11"),
    movement(P3, "25/03/2019", "tạm ứng", "50.000.000", "UNC 12"),
    movement(P2, "10/04/2019", "tạm ứng", "80.000.000", "UNC 13"),
    movement(P2, "30/04/2019", "thanh toán", "20.000.000", "UNC 14"),
    movement(P1, "15/05/2019", "thanh toán", "50.000.000", "UNC 15"),
    movement(P1, "15/07/2019", "điều chỉnh: điều chỉnh kinh phí", "220.000.000", "02/QĐ-BCT", note="Theo khả năng thực hiện"),
    movement(P3, "15/07/2019", "điều chỉnh: dừng thực hiện", "0", "02/QĐ-BCT", note="Không đủ vốn đối ứng"),
    movement(P3, "20/08/2019", "nộp trả ngân sách", "50.000.000", "Nộp trả NSNN 01"),
    movement(P1, "05/12/2019", "nghiệm thu", "", "BB-NT 01"),
    movement(P2, "06/12/2019", "nghiệm thu", "", "BB-NT 02"),
    movement(P1, "15/12/2019", "thanh toán", "70.000.000", "UNC 21"),
    movement(P2, "16/12/2019", "thanh toán", "100.000.000", "UNC 22"),
    movement(P1, "20/12/2019", "quyết toán", "220.000.000", "QT 01/2019", counterpart_actual="95.000.000"),
    movement(P2, "22/12/2019", "quyết toán", "200.000.000", "QT 02/2019", counterpart_actual="150.000.000"),
]  # fmt: skip


def import_history(user, movements=MOVEMENT_ROWS):
    projects = run(user, PROJECTS, PROJECT_ROWS)
    assert projects.state == "imported", projects.errors
    money = run(user, MOVEMENTS, movements)
    assert money.state == "imported", money.errors
    return projects, money


def figures(user) -> dict:
    scope = get_scope(user)
    year = {"plan_year": 2019}
    total = aggregate(
        scope,
        [
            "requested",
            "plan",
            "paid",
            "settled",
            "executed",
            "counterpart_requested",
            "counterpart_actual",
            "refunded",
        ],
        filters=year,
    ).total.values
    first_months = aggregate(
        scope, ["paid"], filters={**year, "period": Period(D(2019, 1, 1), D(2019, 4, 30))}
    ).total.value("paid")
    june = aggregate(scope, ["plan"], filters=year, on=D(2019, 6, 30)).total.value("plan")
    by_province = {
        r.label: (r.value("requested"), r.value("plan"))
        for r in aggregate(scope, ["requested", "plan"], by=["province"], filters=year).rows
    }
    statuses = dict(Project.objects.filter(plan_year=2019).values_list("code", "status"))
    return {
        "total": total,
        "first_months": first_months,
        "june": june,
        "by_province": by_province,
        "statuses": statuses,
    }


EXPECTED = {
    "total": {
        "requested": 620 * M,
        "plan": 420 * M,
        "paid": 470 * M,
        "settled": 420 * M,
        "executed": 420 * M,
        "counterpart_requested": 290 * M,
        "counterpart_actual": 245 * M,
        "refunded": 50 * M,
    },
    "first_months": 250 * M,
    "june": 570 * M,
    "by_province": {"Hà Giang": (420 * M, 220 * M), "Tuyên Quang": (200 * M, 200 * M)},
    "statuses": {P1: "settled", P2: "settled", P3: "stopped"},
}


def test_a_history_file_gives_the_hand_computed_figures(people):  # noqa: F811
    projects, money = import_history(people["agency"])
    assert (projects.created, money.created) == (3, 20)
    assert figures(people["agency"]) == EXPECTED
    p1 = Project.objects.get(code=P1)
    assert p1.lead_province.name == "Hà Giang" and p1.lead_province.valid_until is not None  # as it was
    # the movements went through the services: decisions issued, events dated, no hand-written rows
    assert p1.events.filter(kind="approved", on=D(2019, 1, 15)).exists()
    assert {e.kind for e in p1.ledger.all()} >= {"allocated", "amended", "advanced", "disbursed", "settled"}
    # every project is marked as coming from both files
    for batch in (projects, money):
        marked = set(ImportedRecord.objects.filter(batch=batch).values_list("object_id", flat=True))
        assert marked == set(Project.objects.filter(plan_year=2019).values_list("pk", flat=True))
    assert ImportedRecord.objects.filter(batch=money).count() == 20
    assert rollups.differences() == []  # the summaries stay exact


def test_the_same_files_twice_change_nothing(people):  # noqa: F811
    import_history(people["agency"])
    changes, entries = ObjectChange.objects.count(), LedgerEntry.objects.count()
    projects, money = import_history(people["agency"])
    assert (projects.created, projects.updated, projects.unchanged) == (0, 0, 3)
    assert (money.created, money.updated, money.unchanged) == (0, 0, 20)
    assert (ObjectChange.objects.count(), LedgerEntry.objects.count()) == (changes, entries)
    assert figures(people["agency"]) == EXPECTED


def test_the_order_of_the_rows_does_not_matter(people):  # noqa: F811
    shuffled = list(MOVEMENT_ROWS)
    random.Random(12).shuffle(shuffled)
    assert shuffled != MOVEMENT_ROWS
    import_history(people["agency"], shuffled)
    assert figures(people["agency"]) == EXPECTED


def test_a_dry_run_finds_the_services_errors_by_row_and_column_and_writes_nothing(people):  # noqa: F811
    assert run(people["agency"], PROJECTS, PROJECT_ROWS).state == "imported"
    rows = [
        *MOVEMENT_ROWS,
        # an advance before the project's decision
        movement(P2, "10/01/2019", "tạm ứng", "10.000.000", "UNC 01"),
    ]
    rows.insert(0, rows.pop(3))  # and the file is not in date order
    before = LedgerEntry.objects.count()
    checked = run(people["agency"], MOVEMENTS, rows, dry_run=True)
    assert checked.state == "invalid"
    (error,) = checked.errors
    assert (error["row"], error["column_key"]) == (len(rows) + 1, "date")
    assert "10/01/2019" in error["message"] and P2 in error["message"]
    assert LedgerEntry.objects.count() == before


def test_an_error_in_the_last_row_writes_nothing(people):  # noqa: F811
    bad_project = project_row("KCQG-2019-02-0009", "Hà Giang", "ttkc-02-2008", "0", "", "Đề án sai")
    batch = run(people["agency"], PROJECTS, [*PROJECT_ROWS, bad_project])
    assert batch.state == "invalid"
    assert [(e["row"], e["column_key"]) for e in batch.errors] == [(5, "state_support")]
    assert not Project.objects.filter(plan_year=2019).exists()
    assert run(people["agency"], PROJECTS, PROJECT_ROWS).state == "imported"
    before = (LedgerEntry.objects.count(), ObjectChange.objects.count())
    # a payment beyond the approved support, in the last row: the services refuse it in the write
    too_much = movement(P2, "20/12/2019", "thanh toán", "900.000.000", "UNC 99")
    batch = run(people["agency"], MOVEMENTS, [*MOVEMENT_ROWS[:10], too_much])
    assert batch.state == "invalid"
    assert [(e["row"], e["column_key"]) for e in batch.errors] == [(12, "amount")]
    assert (LedgerEntry.objects.count(), ObjectChange.objects.count()) == before
    assert set(Project.objects.filter(plan_year=2019).values_list("status", flat=True)) == {
        "agency_appraised"
    }


def test_only_the_agency_records_past_projects(people):  # noqa: F811
    batch = run(people["doit"], PROJECTS, PROJECT_ROWS)
    assert batch.state == "invalid"
    assert [e["row"] for e in batch.errors] == [2, 3, 4]
    assert all("agency" in e["message"] or "Cục" in e["message"] for e in batch.errors)
    assert not Project.objects.filter(plan_year=2019).exists()
    assert not PROJECTS.may_import(people["doit"])


def test_a_changed_row_corrects_a_waiting_project_and_refuses_one_that_moved_on(people):  # noqa: F811
    assert run(people["agency"], PROJECTS, PROJECT_ROWS).state == "imported"
    changed = [dict(r) for r in PROJECT_ROWS]
    changed[1]["state_support"] = "210.000.000"
    batch = run(people["agency"], PROJECTS, changed)
    assert (batch.state, batch.created, batch.updated, batch.unchanged) == ("imported", 0, 1, 2), [
        e["message"] for e in batch.errors
    ]
    p2 = Project.objects.get(code=P2)
    assert sum(line.state_support for line in p2.budget_lines.all()) == 210 * M
    assert (
        aggregate(get_scope(people["agency"]), ["requested"], filters={"project": p2}).total.value(
            "requested"
        )
        == 210 * M
    )
    assert run(people["agency"], MOVEMENTS, MOVEMENT_ROWS[:3]).state == "imported"
    changed[1]["state_support"] = "220.000.000"
    batch = run(people["agency"], PROJECTS, changed)
    assert batch.state == "invalid"
    assert [e["row"] for e in batch.errors] == [3] and P2 in batch.errors[0]["message"]


def test_templates_and_the_command_line(people, tmp_path, capsys):  # noqa: F811
    import openpyxl
    from django.core.management import call_command

    from khuyencong.exchange.templates_xlsx import template_csv, template_xlsx

    for kind in (PROJECTS, MOVEMENTS):
        book = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind)))
        titles = [c.title_in("vi") for c in kind.columns]
        assert [c.value for c in book["Dữ liệu"][1]] == titles
        assert book["Dữ liệu"].data_validations.dataValidation  # drop-down lists (source, kind, movement)
        guide = [r[0].value for r in book["Hướng dẫn"].iter_rows(min_row=2, max_row=len(titles) + 1)]
        assert guide == titles
        assert next(csv.reader(io.StringIO(template_csv(kind).decode("utf-8-sig")))) == titles
    path = tmp_path / "de-an.csv"
    path.write_bytes(csv_bytes(PROJECTS, PROJECT_ROWS))
    call_command("import", str(path), kind="projects", user=people["agency"].username, dry_run=True)
    assert not Project.objects.filter(plan_year=2019).exists()
    call_command("import", str(path), kind="projects", user=people["agency"].username)
    path = tmp_path / "bien-dong.csv"
    path.write_bytes(csv_bytes(MOVEMENTS, MOVEMENT_ROWS))
    call_command("import", str(path), kind="movements", user=people["agency"].username, dry_run=True)
    assert not LedgerEntry.objects.filter(kind="allocated").exists()
    call_command("import", str(path), kind="movements", user=people["agency"].username)
    assert figures(people["agency"]) == EXPECTED
