"""Money movements out and back in: a file exported from one database, imported (the projects, then
their movements) into a database without them, exports the same rows again – every column,
decisions (number, signer, issuer, subject, reason, which amendment), the contract's parties and
note, the settlement's counterpart spent."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from khuyencong.exchange.kinds.movements import MOVEMENTS
from khuyencong.exchange.kinds.projects import PROJECTS
from khuyencong.exchange.tests.test_history_import import (
    MOVEMENT_ROWS,
    PROJECT_ROWS,
    csv_bytes,
    movement,
    project_row,
)
from khuyencong.projects.models import Decision, DecisionLine, Project
from khuyencong.projects.tests.conftest import people, tuyen_quang  # noqa: F401

pytestmark = pytest.mark.django_db

P4 = "KCQG-2019-08-0002"
PROJECTS_ROWS = [
    *PROJECT_ROWS,
    project_row(P4, "Tuyên Quang", "ttkc-08-2008", "90.000.000", "30.000.000", "Đào tạo nghề đan lát"),
]
ROWS = [dict(r) for r in MOVEMENT_ROWS]
for r in ROWS:
    if r["movement"] == "hợp đồng" and r["project"] == "KCQG-2019-02-0001":
        r.update(parties="Bên A: Sở Công Thương; Bên B: Trung tâm Khuyến công", note="Hợp đồng trọn gói")
    if r["document"] in ("UNC 11", "UNC 14", "Nộp trả NSNN 01"):
        r.update(note=f"Ghi chú {r['document']}")  # an advance's, a payment's and a refund's note are kept
    if r["document"] == "02/QĐ-BCT":
        r.update(
            issuer="Bộ Công Thương", signer="Thứ trưởng Nguyễn Văn A", subject="Điều chỉnh kế hoạch 2019"
        )
ROWS.append(
    movement(P4, "15/07/2019", "điều chỉnh: bổ sung", "90.000.000", "02/QĐ-BCT", note="Bổ sung vào kế hoạch")
)


class _Undo(Exception):
    pass


def import_file(user, kind, content: bytes, name: str):
    from django.core.files.base import ContentFile

    from khuyencong.exchange import services

    batch = services.batch_create(user=user, kind=kind.key, file=ContentFile(content), file_name=name)
    batch = services.run_import(batch, dry_run=False)
    assert batch.state == "imported", batch.errors
    return batch


def export_file(client, user, kind: str, fmt: str = "csv") -> bytes:
    client.force_login(user)
    response = client.get(reverse("exchange:export", args=[kind, fmt]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def exported_elsewhere(client, user, fmt: str, projects=PROJECTS_ROWS, movements=ROWS) -> tuple[bytes, bytes]:
    """The projects and movements files of a database holding these rows, which are then undone."""
    try:
        with transaction.atomic():
            import_file(user, PROJECTS, csv_bytes(PROJECTS, projects), "de-an.csv")
            import_file(user, MOVEMENTS, csv_bytes(MOVEMENTS, movements), "bien-dong.csv")
            files = (export_file(client, user, "projects", fmt), export_file(client, user, "movements", fmt))
            raise _Undo
    except _Undo:
        pass
    assert not Decision.objects.exists()
    return files


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_movements_export_import_export_gives_the_same_rows(fmt, client, people, tmp_path):  # noqa: F811
    from khuyencong.exchange.tests.test_imports import open_rows

    agency = people["agency"]
    projects, first = exported_elsewhere(client, agency, fmt)
    import_file(agency, PROJECTS, projects, f"de-an-xuat.{fmt}")
    again = import_file(agency, MOVEMENTS, first, f"bien-dong-xuat.{fmt}")
    assert again.created == len(ROWS)
    second = export_file(client, agency, "movements", fmt)
    if fmt == "xlsx":
        first_rows, second_rows = (
            open_rows(first, tmp_path / "a.xlsx"),
            open_rows(second, tmp_path / "b.xlsx"),
        )
        assert first_rows == second_rows and len(first_rows) == len(ROWS) + 1
        return
    assert second == first
    text = first.decode("utf-8-sig")
    # nothing was left empty that the import had written
    for expected in (
        "Thứ trưởng Nguyễn Văn A",
        "Điều chỉnh kế hoạch 2019",
        "bo-cong-thuong",
        "Bên A: Sở Công Thương; Bên B: Trung tâm Khuyến công",
        "Hợp đồng trọn gói",
        "95000000",
        "Không đủ vốn đối ứng",
        "điều chỉnh: bổ sung",
        "Ghi chú UNC 11",
        "Ghi chú UNC 14",
        "Ghi chú Nộp trả NSNN 01",
    ):
        assert expected in text, expected
    # the addition came back as an addition, in the same amendment decision
    (line,) = DecisionLine.objects.filter(project__code=P4)
    assert (line.action, line.decision.number, line.decision.kind) == ("add", "02/QĐ-BCT", "amendment")
    assert line.decision.title == "Điều chỉnh kế hoạch 2019"


def test_the_export_reads_the_related_records_once_per_page(people):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agency = people["agency"]
    import_file(agency, PROJECTS, csv_bytes(PROJECTS, PROJECTS_ROWS), "de-an.csv")
    import_file(agency, MOVEMENTS, csv_bytes(MOVEMENTS, ROWS), "bien-dong.csv")
    records = MOVEMENTS.export_queryset(agency)
    with CaptureQueriesContext(connection) as queries:
        rows = list(MOVEMENTS.export_rows(records.iterator(chunk_size=2000)))
    assert len(rows) == len(ROWS)
    assert len(queries) <= 4, [q["sql"] for q in queries]  # the events, the decision lines, the ledger


def test_an_acceptance_that_did_not_pass_has_no_row(people):  # noqa: F811
    """The file's acceptance is a passed one: a failed acceptance (recorded on the project's page)
    is left out rather than exported as what would import back as passed."""
    import datetime

    from khuyencong.projects.services import implementation

    agency = people["agency"]
    import_file(agency, PROJECTS, csv_bytes(PROJECTS, PROJECTS_ROWS), "de-an.csv")
    import_file(agency, MOVEMENTS, csv_bytes(MOVEMENTS, ROWS), "bien-dong.csv")
    p4 = Project.objects.get(code=P4)
    implementation.sign_contract(
        user=agency,
        project=p4,
        number="HĐ 04/2019",
        signed_on=datetime.date(2019, 8, 1),
        parties="A; B",
        value=1,
    )
    implementation.accept(
        user=agency,
        project=p4,
        accepted_on=datetime.date(2019, 12, 1),
        minutes_number="BB-NT 04",
        result="failed",
        note="Chưa đạt",
    )
    rows = list(MOVEMENTS.export_rows(MOVEMENTS.export_queryset(agency).iterator()))
    assert [r[4] for r in rows if r[0] == P4] == ["02/QĐ-BCT", "HĐ 04/2019"]
    assert sum(1 for r in rows if r[2] == "nghiệm thu") == 2
