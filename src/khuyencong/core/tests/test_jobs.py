"""The job queue (core/jobs.py): kinds, running, progress, failure, scope, stale jobs, the worker.

The test settings run a job at once when it is queued (django-tasks' immediate backend); the worker
test queues through the real database backend and lets ``khuyencong worker --batch`` run it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import tempfile
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from khuyencong.core import jobs
from khuyencong.core.audit import audit_context
from khuyencong.core.models import Job, ObjectChange, SystemParameter

pytestmark = pytest.mark.django_db

DEAD_PID = 2**22 + 7  # above Linux's largest process id: never a live process


@pytest.fixture(autouse=True)
def _job_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"


# --- kinds used by these tests ---------------------------------------------------------------------


def write_parameters(ctx, *, keys: list[str], fail_at: str = "", bug: bool = False) -> None:
    """Creates one parameter per key (audited writes), reporting progress; fails at ``fail_at``."""
    for index, key in enumerate(keys):
        if key == fail_at:
            if bug:
                raise RuntimeError("a bug: list index out of range")
            raise ValidationError({"keys": [f"Dòng {index + 1}: khoá “{key}” không hợp lệ."]})
        SystemParameter.objects.create(key=key, kind="text", value=str(index), description="thử")
        ctx.progress(index + 1, len(keys), f"khoá {key}")
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt") as handle:
        handle.write(",".join(keys))
        handle.flush()
        ctx.attach_file(handle.name, "khoa.txt")
    ctx.set_result({"Số khoá": len(keys)}, url="/danh-muc/", label="Xem danh mục")


jobs.register_job("test.parameters", write_parameters, "Ghi tham số")


def _jobs_of(user):
    return Job.objects.filter(owner=user)


# --- the registry ----------------------------------------------------------------------------------


def test_the_registry_knows_each_kind_once():
    assert "test.parameters" in jobs.registry
    jobs.register_job("test.parameters", write_parameters, "Ghi tham số")  # ready() again: nothing changes
    with pytest.raises(ValueError, match="already registered"):
        jobs.register_job("test.parameters", lambda ctx: None, "Khác")
    with pytest.raises(ValueError, match="unknown audit origin"):
        jobs.register_job("test.other", write_parameters, "x", origin="email")
    # the apps' own kinds are registered in their ready()
    assert {"core.list_export", "reporting.publish"} <= {k.kind for k in jobs.registry.kinds()}


def test_queueing_an_unknown_kind_or_parameters_that_are_not_json_is_refused(officer):
    with pytest.raises(ValueError, match="unknown job kind"):
        jobs.enqueue("test.nothing", user=officer, params={})
    with pytest.raises(TypeError):
        jobs.enqueue("test.parameters", user=officer, params={"keys": object()})
    assert not Job.objects.exists()


def test_a_job_the_queue_cannot_take_is_failed_not_left_waiting(monkeypatch, officer):
    from khuyencong.core import tasks

    class Unreachable:
        def using(self, **kwargs):
            raise ConnectionError("queue down")

    monkeypatch.setattr(tasks, "run_job", Unreachable())
    with pytest.raises(ConnectionError):
        jobs.enqueue("test.parameters", user=officer, params={"keys": ["q"]})
    job = Job.objects.get(owner=officer)
    assert job.state == Job.State.FAILED and "hàng đợi" in job.error


# --- running ---------------------------------------------------------------------------------------


def test_a_job_runs_as_its_user_with_progress_a_summary_and_a_file(client, officer):
    with audit_context(origin="web"):
        job = jobs.enqueue("test.parameters", user=officer, params={"keys": ["a", "b", "c"]}, title="Ba khoá")
    assert job.state == Job.State.DONE and job.error == ""
    assert (job.progress_done, job.progress_total, job.progress_message, job.percent) == (3, 3, "khoá c", 100)
    assert job.summary == {"Số khoá": 3} and job.result_url == "/danh-muc/"
    assert job.started_at and job.finished_at and job.created_at <= job.started_at <= job.finished_at
    assert job.result_filename == "khoa.txt" and job.result_file.name.startswith("jobs/")
    # its writes are recorded as the user's, from the door the job was queued through
    changes = ObjectChange.objects.filter(object_repr__in=["a = 0", "b = 1", "c = 2"])
    assert changes.count() == 3
    assert {(c.user_id, c.origin, c.reason) for c in changes} == {(officer.pk, "web", "Ba khoá")}
    # its page: the summary, the link, the file
    client.force_login(officer)
    page = client.get(f"/cong-viec/{job.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Ba khoá" in html and "Số khoá" in html and "Xem danh mục" in html
    assert 'data-state="done"' in html and "hx-trigger" not in html  # a finished job stops polling
    download = client.get(f"/cong-viec/{job.pk}/tep/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"a,b,c"
    assert 'filename="khoa.txt"' in download["Content-Disposition"]
    assert "Ba khoá" in client.get("/cong-viec/").content.decode()


def test_a_failed_job_writes_nothing_and_tells_the_user_why(client, officer):
    before = SystemParameter.objects.count()
    job = jobs.enqueue("test.parameters", user=officer, params={"keys": ["x1", "x2", "x3"], "fail_at": "x3"})
    assert job.state == Job.State.FAILED and job.finished_at is not None
    assert SystemParameter.objects.count() == before  # x1 and x2 rolled back with the job
    assert not ObjectChange.objects.filter(object_repr__startswith="x1").exists()
    assert "Dòng 3: khoá “x3” không hợp lệ." in job.error
    assert not job.result_file and job.summary == {}
    client.force_login(officer)
    html = client.get(f"/cong-viec/{job.pk}/").content.decode()
    assert 'data-state="failed"' in html and "không hợp lệ" in html


def test_an_unforeseen_error_is_shown_as_a_sentence_not_a_traceback(officer):
    job = jobs.enqueue(
        "test.parameters", user=officer, params={"keys": ["y1", "y2"], "fail_at": "y2", "bug": True}
    )
    assert job.state == Job.State.FAILED
    assert f"số {job.pk}" in job.error and "không có gì được lưu" in job.error
    assert "Traceback" not in job.error and "RuntimeError" not in job.error and "index" not in job.error
    assert not SystemParameter.objects.filter(key="y1").exists()


def test_progress_inside_the_jobs_transaction_is_readable_on_sqlite_from_a_side_file(settings, officer):
    job = Job.objects.create(kind="test.parameters", title="t", owner=officer, state=Job.State.RUNNING)
    ctx = jobs.JobContext(job, in_transaction=True)
    if jobs.connection.vendor != "sqlite":
        pytest.skip("PostgreSQL writes the progress through a second connection")
    ctx.progress(40, 100, "dòng 40")
    shown = jobs.live_progress(Job.objects.get(pk=job.pk))
    assert (shown.progress_done, shown.progress_total, shown.progress_message, shown.percent) == (
        40,
        100,
        "dòng 40",
        40,
    )
    ctx.progress(41, 100)  # within half a second of the last write: not written again
    assert jobs.live_progress(Job.objects.get(pk=job.pk)).progress_done == 40


def stopped_half_way(ctx) -> None:
    SystemParameter.objects.create(key="nua-chung", kind="text", value="1", description="thử")
    raise KeyboardInterrupt  # the worker told to stop at once (a second Ctrl+C)


jobs.register_job("test.stopped", stopped_half_way, "Bị dừng")


def test_a_worker_stopped_during_a_job_leaves_it_failed_and_nothing_written(officer):
    job = Job.objects.create(kind="test.stopped", title="Bị dừng", owner=officer)
    with pytest.raises(KeyboardInterrupt):  # the worker itself stops
        jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "bị gián đoạn" in job.error
    assert not SystemParameter.objects.filter(key="nua-chung").exists()
    jobs.run(job.pk)  # a job already run is not run again
    assert Job.objects.get(pk=job.pk).finished_at == job.finished_at


# --- who sees a job ----------------------------------------------------------------------------------


def test_another_users_job_is_a_404_on_the_page_the_file_and_the_api(client, officer, make_user, admin_user):
    job = jobs.enqueue("test.parameters", user=officer, params={"keys": ["z"]}, title="Của cán bộ")
    other = make_user("programme_officer", username="nguoi_khac")
    client.force_login(other)
    assert client.get(f"/cong-viec/{job.pk}/").status_code == 404
    assert client.get(f"/cong-viec/{job.pk}/tep/").status_code == 404
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/api/v1/jobs/{job.pk}/file/").status_code == 404
    assert client.get("/cong-viec/abc/").status_code == 404
    assert "Của cán bộ" not in client.get("/cong-viec/").content.decode()
    assert client.get("/api/v1/jobs/").json()["count"] == 0
    # the owner and an administrator see it
    client.force_login(officer)
    mine = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert (
        mine["state"] == "done" and mine["owner"] == officer.username and mine["progress"]["percent"] == 100
    )
    assert (
        mine["result"]["file"] == f"/api/v1/jobs/{job.pk}/file/" and mine["result"]["filename"] == "khoa.txt"
    )
    assert mine["page"] == f"/cong-viec/{job.pk}/"
    assert client.get(f"/api/v1/jobs/{job.pk}/file/").status_code == 200
    client.force_login(admin_user)
    assert client.get(f"/cong-viec/{job.pk}/").status_code == 200
    assert client.get("/api/v1/jobs/").json()["count"] == 1
    # signed out: to the login page; the API: 401/403
    client.logout()
    assert client.get(f"/cong-viec/{job.pk}/").status_code == 302
    assert client.get("/api/v1/jobs/").status_code in {401, 403}


def test_the_job_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert {"/api/v1/jobs/", "/api/v1/jobs/{id}/", "/api/v1/jobs/{id}/file/"} <= set(schema["paths"])
    assert "progress" in schema["components"]["schemas"]["Job"]["properties"]


# --- jobs whose worker died ---------------------------------------------------------------------------


def _running(user, worker: str, heard_ago: timedelta) -> Job:
    heard = timezone.now() - heard_ago
    return Job.objects.create(
        kind="test.parameters",
        title="đang chạy",
        owner=user,
        state=Job.State.RUNNING,
        worker=worker,
        started_at=heard,
        heartbeat_at=heard,
    )


def test_a_job_left_running_by_a_dead_worker_is_failed_not_running_forever(client, settings, officer):
    settings.KC_JOBS_STALE_SECONDS = 600
    here = socket.gethostname()
    dead_here = _running(officer, f"{here}:{DEAD_PID}", timedelta(seconds=5))
    alive_here = _running(officer, f"{here}:{os.getpid()}", timedelta(hours=3))  # long, but its worker lives
    silent_elsewhere = _running(officer, "may-khac:123", timedelta(hours=1))
    heard_elsewhere = _running(officer, "may-khac:124", timedelta(seconds=30))
    assert jobs.fail_stale() == 2
    states = dict(Job.objects.values_list("pk", "state"))
    assert states[dead_here.pk] == states[silent_elsewhere.pk] == Job.State.FAILED
    assert states[alive_here.pk] == states[heard_elsewhere.pk] == Job.State.RUNNING
    failed = Job.objects.get(pk=dead_here.pk)
    assert "bị gián đoạn" in failed.error and failed.finished_at is not None
    # the job's page does the same check for a job it shows
    another = _running(officer, f"{here}:{DEAD_PID}", timedelta(seconds=1))
    client.force_login(officer)
    assert 'data-state="failed"' in client.get(f"/cong-viec/{another.pk}/").content.decode()


# --- a list's export as a job ------------------------------------------------------------------------


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_a_long_lists_export_becomes_a_job_with_the_same_file(client, settings, officer):
    url = "/danh-muc/dia-gioi/"
    params = {"level": "province", "sort": "-code"}
    client.force_login(officer)
    settings.KC_JOBS_EXPORT_ROWS = 0  # off: streamed at once, as before
    direct = client.get(url, {**params, "export": "csv"})
    assert direct.status_code == 200
    expected = _rows(b"".join(direct.streaming_content).decode("utf-8"))
    assert len(expected) > 11

    settings.KC_JOBS_EXPORT_ROWS = 10
    response = client.get(url, {**params, "export": "csv"})
    job = Job.objects.get(owner=officer, kind="core.list_export")
    assert response.status_code == 302 and response["Location"] == f"/cong-viec/{job.pk}/"
    assert job.state == Job.State.DONE, job.error
    assert job.progress_done == job.progress_total == len(expected) - 1
    assert job.summary == {"Số dòng đã xuất": len(expected) - 1}
    assert job.result_filename.startswith("don-vi-hanh-chinh-") and job.result_filename.endswith(".csv")
    download = client.get(f"/cong-viec/{job.pk}/tep/")
    assert _rows(b"".join(download.streaming_content).decode("utf-8")) == expected  # same filters and sort

    client.get(url, {**params, "export": "xlsx"})
    sheet = Job.objects.filter(owner=officer).first()
    assert sheet.state == Job.State.DONE and sheet.result_filename.endswith(".xlsx")
    import openpyxl

    with sheet.result_file.open("rb") as handle:
        book = openpyxl.load_workbook(handle, read_only=True)
        values = [
            [("" if v is None else str(v)) for v in row] for row in book.active.iter_rows(values_only=True)
        ]
    assert values[0] == expected[0] and len(values) == len(expected)
    # JSON too: the same rows under the columns' keys
    settings.KC_JOBS_EXPORT_ROWS = 0
    direct_json = json.loads(b"".join(client.get(url, {**params, "export": "json"}).streaming_content))
    settings.KC_JOBS_EXPORT_ROWS = 10
    client.get(url, {**params, "export": "json"})
    as_json = Job.objects.filter(owner=officer).first()
    assert as_json.state == Job.State.DONE, as_json.error
    with as_json.result_file.open("rb") as handle:
        assert json.load(handle)["rows"] == direct_json["rows"]
    assert len(direct_json["rows"]) == len(expected) - 1
    # a short list is still exported at once
    assert client.get(url, {"level": "province", "q": "Tuyên Quang", "export": "csv"}).status_code == 200


# --- the real queue: the database backend and the worker -------------------------------------------------


@pytest.fixture
def _keep_signals():
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_keep_signals")
def test_a_job_queued_in_the_database_is_run_by_the_worker(settings, make_user):
    from django_tasks_db.models import DBTaskResult

    settings.KC_JOBS_BACKEND_ALIAS = "database"
    user = make_user("programme_officer", username="hang_doi")
    job = jobs.enqueue("test.parameters", user=user, params={"keys": ["w1", "w2"]}, title="Qua hàng đợi")
    # committed and waiting: the web process is done with it
    assert job.state == Job.State.QUEUED and job.task_id
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    stale = _running(user, f"{socket.gethostname()}:{DEAD_PID}", timedelta(minutes=1))

    out = io.StringIO()
    call_command(
        "worker", "--batch", "--backend", "database", "--no-startup-delay", "--no-reload", stdout=out
    )

    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.progress_done == 2 and job.summary == {"Số khoá": 2}
    assert SystemParameter.objects.filter(key__in=["w1", "w2"]).count() == 2
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    # the worker, starting, failed the job a dead worker had left running
    assert Job.objects.get(pk=stale.pk).state == Job.State.FAILED
    assert "1 interrupted job(s) marked failed." in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_progress_is_readable_while_the_jobs_transaction_is_still_open(make_user):
    """A job's writes are committed at its end only; its progress must be seen before that – by a
    page served from another connection on PostgreSQL, from the side file on SQLite."""
    import threading

    from django.db import connection, connections, transaction

    user = make_user("programme_officer", username="tien_do")
    job = Job.objects.create(kind="test.parameters", title="t", owner=user, state=Job.State.RUNNING)
    seen: dict[str, object] = {}

    def look() -> None:
        try:
            seen["job"] = jobs.live_progress(Job.objects.get(pk=job.pk))
            seen["written"] = SystemParameter.objects.filter(key="dang-ghi").exists()
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections.close_all()

    with transaction.atomic():
        SystemParameter.objects.create(key="dang-ghi", kind="text", value="1", description="thử")
        jobs.JobContext(job, in_transaction=True).progress(40, 100, "dòng 40")
        if connection.vendor == "sqlite":
            look()  # SQLite's in-memory test database: one connection; the page reads the side file
        else:
            reader = threading.Thread(target=look)
            reader.start()
            reader.join()
            assert seen["written"] is False  # the job's own writes are not visible yet; its progress is
    shown = seen["job"]
    assert isinstance(shown, Job)
    assert (shown.progress_done, shown.progress_total, shown.progress_message) == (40, 100, "dòng 40")
