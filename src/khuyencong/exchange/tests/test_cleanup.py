"""``khuyencong cleanup``: old import files and finished jobs' result files are removed, the batches
(with their links to the records they wrote) and the jobs stay; ``--dry-run`` removes nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from khuyencong.core.models import Job
from khuyencong.establishments.models import Establishment
from khuyencong.exchange.models import ImportBatch, ImportedRecord
from khuyencong.exchange.tests.test_imports import check, csv_bytes, do_import, row
from khuyencong.testing.factories import valid_tax_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _age(batch: ImportBatch, days: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(uploaded_at=timezone.now() - datetime.timedelta(days=days))


def _job_with_file(owner, days: int, state=Job.State.DONE) -> Job:
    name = default_storage.save("jobs/2026/01/ket-qua.csv", ContentFile(b"a,b\n1,2\n"))
    finished = timezone.now() - datetime.timedelta(days=days)
    return Job.objects.create(
        kind="test.export",
        title="Xuất",
        owner=owner,
        state=state,
        finished_at=finished if state in (Job.State.DONE, Job.State.FAILED) else None,
        result_file=name,
        result_filename="ket-qua.csv",
    )


def _run(*args) -> str:
    out = io.StringIO()
    call_command("cleanup", *args, stdout=out)
    return out.getvalue()


def test_cleanup_removes_old_files_and_keeps_the_records(client, officer, tq_commune):
    old = do_import(officer, csv_bytes([row(tq_commune, 1)]), "cu.csv")
    checked_only = check(officer, csv_bytes([row(tq_commune, 2)]), "cho-nhap.csv")
    recent = do_import(officer, csv_bytes([row(tq_commune, 3)]), "moi.csv")
    _age(old, 120)
    _age(checked_only, 100)
    _age(recent, 10)
    old_file, recent_file = old.file.name, recent.file.name
    old_job, new_job = _job_with_file(officer, 95), _job_with_file(officer, 5)
    running = _job_with_file(officer, 0, state=Job.State.RUNNING)

    dry = _run("--dry-run")
    assert "2 tệp" in dry and "(chạy thử: không xoá gì)" in dry, dry
    assert default_storage.exists(old_file) and default_storage.exists(old_job.result_file.name)

    said = _run()
    assert "tệp đã tải lên của các lần nhập: đã xoá 2 tệp" in said, said
    assert "tệp kết quả của công việc đã xong: đã xoá 1 tệp" in said, said
    old.refresh_from_db()
    assert not default_storage.exists(old_file) and not old.file and old.file_removed_at is not None
    assert default_storage.exists(recent_file) and ImportBatch.objects.get(pk=recent.pk).file
    # the batch and its links stay: the record's page still says where it came from
    assert ImportedRecord.objects.filter(batch=old).count() == 1
    client.force_login(officer)
    page = client.get(old.get_absolute_url()).content.decode()
    assert 'data-testid="file-removed"' in page and 'data-testid="records"' in page
    establishment = Establishment.objects.get(tax_code=valid_tax_code(1))
    assert "cu.csv" in client.get(establishment.get_absolute_url()).content.decode()
    # a checked file whose upload is gone can no longer be imported (upload it again)
    refused = client.post(f"/api/v1/imports/{checked_only.pk}/confirm/")
    assert refused.status_code == 400 and "tải lên lại" in refused.content.decode()
    api = client.get(f"/api/v1/imports/{old.pk}/").json()
    assert api["file_kept"] is False and api["state"] == "imported"
    # jobs: the old one's file is gone (the job stays), the recent and the running ones keep theirs
    old_job.refresh_from_db()
    assert not old_job.result_file and Job.objects.filter(pk=old_job.pk).exists()
    assert client.get(f"/api/v1/jobs/{old_job.pk}/file/").status_code == 404
    assert "không còn được lưu" in client.get(old_job.get_absolute_url()).content.decode()
    assert Job.objects.get(pk=new_job.pk).result_file and Job.objects.get(pk=running.pk).result_file
    # a second run finds nothing more; --days 0 takes the recent ones too
    assert "đã xoá 0 tệp" in _run()
    _run("--days", "0")
    assert not default_storage.exists(recent_file)
