"""Today's features tried as an attacker and as a new user: odd values, other provinces' records,
half-written data (2026-11-30 review)."""

from __future__ import annotations

import pytest

from khuyencong.core.models import ObjectChange
from khuyencong.exchange.kinds.movements import MOVEMENTS
from khuyencong.exchange.kinds.projects import PROJECTS
from khuyencong.exchange.models import ImportedRecord
from khuyencong.exchange.tests.test_history_import import (
    MOVEMENT_ROWS,
    P1,
    P2,
    PROJECT_ROWS,
    _media,  # noqa: F401
    movement,
    project_row,
    run,
)
from khuyencong.projects.models import Decision, LedgerEntry, Project
from khuyencong.projects.tests.conftest import (  # noqa: F401
    beneficiary,
    make_proposal,
    people,
    round_2027,
    tuyen_quang,
)

pytestmark = pytest.mark.django_db


def _state():
    return (
        LedgerEntry.objects.count(),
        ObjectChange.objects.count(),
        Decision.objects.count(),
        ImportedRecord.objects.count(),
    )


@pytest.fixture
def history(people):  # noqa: F811
    assert run(people["agency"], PROJECTS, PROJECT_ROWS).state == "imported"
    return people


ODD_MOVEMENTS = [
    {"date": "31/02/2019"},
    {"date": ""},
    {"date": "2019"},
    {"date": "99/99/9999"},
    {"date": "01/01/0001"},
    {"date": "31/12/9999"},
    {"amount": "1,5 tỷ"},
    {"amount": "-5"},
    {"amount": "1e20"},
    {"amount": "9" * 40},
    {"amount": "abc"},
    {"movement": "chuyển nhượng"},
    {"movement": ""},
    {"project": "KHONG-CO-0001"},
    {"project": ""},
    {"project": "x" * 500},
    {"document": ""},
    {"document": "x" * 500},
    {"issuer": "không có"},
]


@pytest.mark.parametrize("change", ODD_MOVEMENTS, ids=lambda c: repr(c)[:40])
@pytest.mark.parametrize("dry_run", [True, False])
def test_odd_values_in_a_movement_row_are_refused_by_row(history, change, dry_run):
    before = _state()
    row = {**MOVEMENT_ROWS[0], **change}
    batch = run(history["agency"], MOVEMENTS, [row], dry_run=dry_run)
    assert batch.state == "invalid", batch.errors
    assert batch.errors and all(e["row"] == 2 for e in batch.errors)
    assert _state() == before


def test_a_huge_but_readable_amount_is_refused_not_a_crash(history):
    # a decision of 10^15 đồng: more than the project asked – refused by the services, by row
    before = _state()
    row = {**MOVEMENT_ROWS[0], "amount": "1.000.000.000.000.000"}
    for dry_run in (True, False):
        batch = run(history["agency"], MOVEMENTS, [row], dry_run=dry_run)
        assert batch.state == "invalid", batch.errors
    assert _state() == before


def test_a_decision_number_reused_with_another_date_is_refused(history):
    before = _state()
    rows = [
        MOVEMENT_ROWS[0],
        movement(P2, "16/01/2019", "quyết định giao kế hoạch", "200.000.000", "01/QĐ-BCT"),
    ]
    for dry_run in (True, False):
        batch = run(history["agency"], MOVEMENTS, rows, dry_run=dry_run)
        assert batch.state == "invalid", batch.errors
    assert _state() == before
    assert run(history["agency"], MOVEMENTS, rows[:1]).state == "imported"
    batch = run(history["agency"], MOVEMENTS, rows[1:])
    assert batch.state == "invalid"
    assert [(e["row"], e["column_key"]) for e in batch.errors] == [(2, "document")]


def test_an_error_in_the_last_movement_row_leaves_nothing(history):
    before = _state()
    statuses = dict(Project.objects.values_list("code", "status"))
    bad = movement(P1, "31/12/2019", "quyết toán", "999.000.000", "QT 99")
    batch = run(history["agency"], MOVEMENTS, [*MOVEMENT_ROWS, bad])
    assert batch.state == "invalid"
    assert [e["row"] for e in batch.errors] == [len(MOVEMENT_ROWS) + 2]
    assert _state() == before
    assert dict(Project.objects.values_list("code", "status")) == statuses


def test_a_file_with_only_headers(history):
    for kind in (PROJECTS, MOVEMENTS):
        for dry_run in (True, False):
            batch = run(history["agency"], kind, [], dry_run=dry_run)
            assert batch.state == "invalid"
            assert batch.errors


@pytest.mark.parametrize("year", ["2013", "2030", "0", "-1", "99999999999", "2019.5", "abc"])
def test_a_history_project_of_an_odd_year(people, year):  # noqa: F811
    before = _state()
    row = {**PROJECT_ROWS[0], "plan_year": year}
    for dry_run in (True, False):
        batch = run(people["agency"], PROJECTS, [row], dry_run=dry_run)
        assert batch.state == "invalid", batch.errors
    assert _state() == before


ODD_PROJECTS = [
    {"state_support": "1,5 tỷ"},
    {"state_support": "-5"},
    {"state_support": "1e20"},
    {"state_support": "9" * 40},
    {"counterpart": "-5"},
    {"start_date": "31/02/2019"},
    {"end_date": "01/01/2018"},
    {"filed_on": "31/02/2019"},
    {"appraised_on": "01/01/2030"},
    {"appraised_on": "01/01/2010"},
    {"recommended": "999.000.000"},
    {"recommended": "-1"},
    {"recommended_doit": "1e20"},
    {"province": "Không có"},
    {"implementing_org": "khong-co"},
    {"content": "khong-co"},
    {"source": "XYZ"},
    {"code": "x" * 500},
    {"name": ""},
]


@pytest.mark.parametrize("change", ODD_PROJECTS, ids=lambda c: repr(c)[:40])
def test_odd_values_in_a_history_project_row(people, change):  # noqa: F811
    before = _state()
    row = {**PROJECT_ROWS[0], **change}
    for dry_run in (True, False):
        batch = run(people["agency"], PROJECTS, [row], dry_run=dry_run)
        # refused by row, or (a value the kind accepts) imported – never a crash
        assert batch.state in ("invalid", "checked", "imported"), batch.errors
        if batch.state == "invalid":
            assert all(e["row"] == 2 for e in batch.errors), batch.errors
            assert _state() == before


def test_another_province_cannot_move_money_of_a_project_it_cannot_see(history):
    # Hà Nội's DOIT: the Hà Giang / Tuyên Quang projects are not among the projects it sees
    before = _state()
    for user in (history["other_doit"], history["doit"], history["unit"], history["expert1"]):
        batch = run(user, MOVEMENTS, MOVEMENT_ROWS[:3])
        assert batch.state == "invalid", (user, batch.errors)
        assert {e["row"] for e in batch.errors} == {2, 3, 4}
    assert _state() == before


def test_a_provincial_officer_cannot_import_national_history(people):  # noqa: F811
    for user in (people["doit"], people["other_doit"]):
        row = project_row(
            "KCDP-2019-08-0001", "Tuyên Quang", "ttkc-08-2008", "10.000.000", "", "Đề án", source="KCDP"
        )
        other = project_row(
            "KCDP-2019-01-0001", "Hà Nội", "ttkc-08-2008", "10.000.000", "", "Đề án", source="KCDP"
        )
        batch = run(user, PROJECTS, [row, other])
        assert batch.state == "invalid"
        assert 3 in {e["row"] for e in batch.errors} or user == people["other_doit"]
    assert not Project.objects.filter(plan_year=2019).exists()


def test_another_users_batch_is_404_in_the_api_and_on_the_pages(client, history):
    from rest_framework.test import APIClient

    checked = run(history["agency"], MOVEMENTS, MOVEMENT_ROWS[:3], dry_run=True)
    assert checked.state == "checked"
    imported = ImportedRecord.objects.values_list("batch_id", flat=True).first()
    for who in ("doit", "other_doit", "expert1", "unit", "leader"):
        api = APIClient()
        api.force_login(history[who])
        client.force_login(history[who])
        for pk in (checked.pk, imported):
            assert api.get(f"/api/v1/imports/{pk}/").status_code == 404, who
            assert api.post(f"/api/v1/imports/{pk}/confirm/").status_code in (403, 404), who
            assert client.get(f"/nhap-du-lieu/{pk}/").status_code == 404, who
            assert client.post(f"/nhap-du-lieu/{pk}/nhap/").status_code in (403, 404), who
        assert checked.pk not in [b["id"] for b in api.get("/api/v1/imports/").json()["results"]]
    checked.refresh_from_db()
    assert checked.state == "checked" and checked.started_at is None
    api = APIClient()
    api.force_login(history["agency"])
    client.force_login(history["agency"])
    for pk in ("abc", "0", "-1", "9" * 30, "1e3"):
        assert api.get(f"/api/v1/imports/{pk}/").status_code == 404
        assert api.post(f"/api/v1/imports/{pk}/confirm/").status_code == 404
    for params in [{"page": "9" * 30}, {"records": "abc"}, {"page": "-1"}, {"records": "9" * 30}]:
        assert client.get(f"/nhap-du-lieu/{imported}/", params).status_code == 200
        assert client.get(f"/nhap-du-lieu/{checked.pk}/", params).status_code == 200
    assert client.get(f"/nhap-du-lieu/{'9' * 30}/").status_code == 404


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\x01\x02garbage",
        b"PK\x03\x04not a zip",
        "\ufeffmã đề án;ngày\n".encode(),
        None,  # a movement row whose last value is beyond the bounds
    ],
    ids=["empty", "binary", "bad-xlsx", "headers-only-wrong", "huge"],
)
def test_odd_files_through_the_api_end_invalid_never_in_a_crash(client, history, content):
    from django.core.files.base import ContentFile

    from khuyencong.exchange.tests.test_history_import import csv_bytes

    before = _state()
    if content is None:
        content = csv_bytes(MOVEMENTS, [*MOVEMENT_ROWS[:3], {**MOVEMENT_ROWS[3], "amount": "9" * 40}])
    client.force_login(history["agency"])
    for name in ("bien-dong.csv", "bien-dong.xlsx"):
        for dry_run in ("true", "false"):
            response = client.post(
                "/api/v1/imports/",
                {"file": ContentFile(content, name=name), "kind": "movements", "dry_run": dry_run},
            )
            assert response.status_code in (202, 400), response.content[:300]
            if response.status_code == 202:
                polled = client.get(response["Location"]).json()
                assert polled["state"] == "invalid", polled
                assert polled["job"]["state"] == "done", polled["job"]
    assert (_state()[0], _state()[2]) == (before[0], before[2])  # no ledger row, no decision


def test_a_stop_without_its_reason_in_the_last_row_leaves_nothing(history):
    before = _state()
    stop = movement(P2, "31/12/2019", "điều chỉnh: dừng thực hiện", "", "09/QĐ-BCT")
    for dry_run in (True, False):
        batch = run(history["agency"], MOVEMENTS, [*MOVEMENT_ROWS, stop], dry_run=dry_run)
        assert batch.state == "invalid", batch.errors
        assert {e["row"] for e in batch.errors} == {len(MOVEMENT_ROWS) + 2}, batch.errors
    assert _state() == before
    assert not Decision.objects.filter(number__in=["01/QĐ-BCT", "09/QĐ-BCT"]).exists()


def test_a_province_imports_movements_of_its_own_provincial_project_only(history, tuyen_quang):  # noqa: F811
    # the DOIT of Tuyên Quang cannot allocate a national (KCQG) project, even one in its province
    before = _state()
    batch = run(history["doit"], MOVEMENTS, [MOVEMENT_ROWS[1]])
    assert batch.state == "invalid"
    assert _state() == before


def test_a_history_file_cannot_rewrite_a_project_of_a_year_filed_in_the_system(people, make_proposal):  # noqa: F811
    # a 2027 proposal appraised in the system, waiting for its decision: a file of past projects
    # naming its code must not turn it into a 2019 project
    project = make_proposal()
    Project.objects.filter(pk=project.pk).update(status="agency_appraised")
    before = Project.objects.values("plan_year", "name", "lead_province_id").get(pk=project.pk)
    row = {**PROJECT_ROWS[0], "code": project.code}
    for dry_run in (True, False):
        batch = run(people["agency"], PROJECTS, [row], dry_run=dry_run)
        assert batch.state == "invalid", batch.errors
    assert Project.objects.values("plan_year", "name", "lead_province_id").get(pk=project.pk) == before
