"""Long work in the job queue (docs/adr/0007-job-queue.md): imports, big exports, publications.

An app declares a kind of job once, in its ``AppConfig.ready()``::

    register_job("reporting.publish", publish_job, _("Publishing a report"))

and a page, the API or a command queues one for a user::

    job = enqueue("reporting.publish", user=request.user, params={...}, title=_("Publishing …"))
    return redirect(job)  # /cong-viec/<id>/ shows its progress bar and then its result

The function is called by the queue's worker (``khuyencong worker``; ``make run`` starts one) as
``func(ctx, **params)``, ``params`` being JSON. It runs

* as the user who queued it, in the audit context of the request that queued it (its origin – web,
  api, cli – unless the kind names its own, as imports do with ``import``; IP address, request id),
  in that user's language;
* inside its own database transaction (unless registered with ``atomic=False``, for work that only
  reads and writes a file): a job that fails half-way leaves nothing half-written;
* with ``ctx`` to report progress (``ctx.progress(done, total, message)``, written at most twice a
  second, where the pages can read it even while the job's transaction is open) and to leave its
  result: ``ctx.set_result(summary, url=…, label=…)`` and ``ctx.attach_file(path, filename)``.

What a user reads when it fails: the message of a :class:`JobError`, a ``ValidationError`` or a
``PermissionDenied`` raised by the function; anything else is an unforeseen error, shown as a
general sentence with the job's number (the traceback goes to the worker's log, never to the user).

A worker killed while a job runs leaves it "running"; :func:`fail_stale` (run when a worker starts
and whenever a page shows the job) marks such a job failed – its transaction was rolled back with the
process, so nothing of it was written – and the user may queue it again.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from khuyencong.core import audit
from khuyencong.core.models import Job

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5  # seconds between two progress writes of one job


class JobError(Exception):
    """A reason the job cannot be done, meant for the user (in their language)."""


@dataclass(frozen=True)
class JobKind:
    kind: str
    func: Callable[..., Any]
    label: str
    atomic: bool = True
    origin: str | None = None  # the audit origin of its writes; None: that of the request that queued it


class JobRegistry:
    """The kinds of job, registered by the apps that know the work (an extension point: core runs
    them without importing the apps above it). Registering the same kind twice with the same
    function changes nothing (``ready()`` may run again); with another function is an error."""

    def __init__(self) -> None:
        self._kinds: dict[str, JobKind] = {}

    def register(self, kind: JobKind) -> None:
        known = self._kinds.get(kind.kind)
        if known is not None and known.func is not kind.func:
            raise ValueError(f"job kind {kind.kind!r} is already registered with {known.func!r}")
        self._kinds[kind.kind] = kind

    def get(self, kind: str) -> JobKind | None:
        return self._kinds.get(kind)

    def __contains__(self, kind: str) -> bool:
        return kind in self._kinds

    def kinds(self) -> list[JobKind]:
        return list(self._kinds.values())


registry = JobRegistry()


def register_job(
    kind: str, func: Callable[..., Any], label: str, *, atomic: bool = True, origin: str | None = None
) -> None:
    """Declare a kind of job: ``func(ctx, **params)`` does the work (see the module's text)."""
    if origin is not None and origin not in audit.ORIGINS:
        raise ValueError(f"unknown audit origin {origin!r}")
    registry.register(JobKind(kind, func, label, atomic, origin))


def enqueue(kind: str, *, user, params: Mapping[str, Any] | None = None, title: str = "") -> Job:
    """Queue a job of ``kind`` for ``user`` and return it (its page is ``job.get_absolute_url()``).

    ``params`` must be JSON (ids, strings, numbers – not model instances); they are passed to the
    function as keyword arguments. With the test settings the job has already run when this returns."""
    spec = registry.get(kind)
    if spec is None:
        raise ValueError(f"unknown job kind {kind!r}")
    data = json.loads(json.dumps(dict(params or {})))  # fails here, not in the worker, if not JSON
    ctx = audit.current()
    job = Job.objects.create(
        kind=kind,
        title=str(title or spec.label)[:300],
        owner=user if user is not None and user.is_authenticated else None,
        params=data,
        language=translation.get_language() or str(settings.LANGUAGE_CODE),
        audit={
            "origin": spec.origin or ctx.origin,
            "ip_address": ctx.ip_address,
            "request_id": str(ctx.request_id) if ctx.request_id else None,
        },
    )
    backend = settings.KC_JOBS_BACKEND_ALIAS
    if connection.in_atomic_block and not _queue_in_database(backend):
        # the worker must find the job committed: a queue outside the database (Redis) hears of it
        # when the caller's transaction commits; the database queue commits with it
        transaction.on_commit(lambda: _send(job, backend))
    else:
        _send(job, backend)
    job.refresh_from_db()
    return job


def _queue_in_database(backend: str) -> bool:
    """The immediate backend (tests) runs the job now; the database one queues it in the same
    transaction as the job's row."""
    from django_tasks import task_backends

    return type(task_backends[backend]).__name__ in {"ImmediateBackend", "DatabaseBackend", "DummyBackend"}


def _send(job: Job, backend: str) -> None:
    from khuyencong.core.tasks import run_job

    try:
        result = run_job.using(backend=backend).enqueue(job.pk)
    except Exception:  # the queue is unreachable: the job must not wait "queued" for ever
        Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).update(
            state=Job.State.FAILED,
            finished_at=timezone.now(),
            error=_("The job could not be queued; please try again later."),
        )
        raise
    Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])


# --- running ------------------------------------------------------------------------------------


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class JobContext:
    """What a job's function gets: its job, its user, and ways to report progress and results."""

    def __init__(self, job: Job, in_transaction: bool = False) -> None:
        self.job = job
        self.user = job.owner
        self.done = 0
        self.total: int | None = None
        self.message = ""
        self.summary: dict[str, Any] = {}
        self.url = ""
        self.label = ""
        self._file: tuple[str, str] | None = None  # (stored name, download name)
        self._last_write = 0.0
        self.in_transaction = in_transaction

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        """How far the work is: ``done`` of ``total`` units (rows, provinces …), with a short
        sentence. Cheap to call for every row: it is written at most twice a second."""
        self.done = max(0, int(done))
        if total is not None:
            self.total = max(0, int(total))
        if message:
            self.message = str(message)[:500]
        now = time.monotonic()
        if now - self._last_write >= PROGRESS_INTERVAL or (
            self.total is not None and self.done >= self.total
        ):
            self._last_write = now
            write_progress(self, self.job.pk, self.done, self.total, self.message)

    def set_result(self, summary: Mapping[str, Any] | None = None, *, url: str = "", label: str = "") -> None:
        """The result the job's page shows: a few labelled figures, and a link to what it made."""
        if summary is not None:
            self.summary = json.loads(json.dumps({str(k): v for k, v in summary.items()}, default=str))
        if url:
            self.url, self.label = str(url)[:500], str(label or _("Open the result"))[:200]

    def attach_file(self, path: str | Path, filename: str) -> None:
        """Keep the file at ``path`` as the job's result, downloaded as ``filename``."""
        from django.core.files.storage import default_storage

        with open(path, "rb") as handle:
            name = Job._meta.get_field("result_file").generate_filename(self.job, filename)
            stored = default_storage.save(name, File(handle))
        if self._file is not None:
            default_storage.delete(self._file[0])
        self._file = (stored, filename[:200])

    def discard_file(self) -> None:
        if self._file is not None:
            from django.core.files.storage import default_storage

            default_storage.delete(self._file[0])
            self._file = None


# --- progress where the pages can read it --------------------------------------------------------


def progress_dir() -> Path:
    return Path(settings.DATA_DIR) / "jobs"


def _progress_file(job_id: int) -> Path:
    return progress_dir() / f"{job_id}.json"


def write_progress(ctx: JobContext, job_id: int, done: int, total: int | None, message: str) -> None:
    """Record the progress now, outside the job's own transaction (else nobody would see it before
    the end): directly when the job has no open transaction; through a second connection on
    PostgreSQL; on SQLite, whose one writer is the job itself, in a small file beside the database
    that the pages read (``live_progress``)."""
    fields = {
        "progress_done": done,
        "progress_total": total,
        "progress_message": message,
        "heartbeat_at": timezone.now(),
    }
    try:
        if not ctx.in_transaction:
            Job.objects.filter(pk=job_id).update(**fields)
        elif connection.vendor == "sqlite":
            _write_progress_file(job_id, done, total, message)
        else:
            _update_in_own_connection(job_id, fields)
    except Exception:  # progress is a courtesy: never the reason a job fails
        logger.warning("could not record the progress of job %s", job_id, exc_info=True)


def _write_progress_file(job_id: int, done: int, total: int | None, message: str) -> None:
    folder = progress_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = _progress_file(job_id)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps({"done": done, "total": total, "message": message}), encoding="utf-8")
    os.replace(temporary, target)


def _update_in_own_connection(job_id: int, fields: dict[str, Any]) -> None:
    def write() -> None:
        try:
            Job.objects.filter(pk=job_id).update(**fields)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=write, name=f"job-{job_id}-progress")
    thread.start()
    thread.join(timeout=10)


def live_progress(job: Job) -> Job:
    """``job`` with the progress its worker wrote in the side file while its transaction is open."""
    if job.state == Job.State.RUNNING:
        try:
            data = json.loads(_progress_file(job.pk).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return job
        job.progress_done = int(data.get("done") or 0)
        job.progress_total = data.get("total")
        job.progress_message = str(data.get("message") or "")
    return job


def _forget_progress_file(job_id: int) -> None:
    _progress_file(job_id).unlink(missing_ok=True)


def user_message(error: BaseException) -> str | None:
    """The sentence a user reads for an error the job foresaw, or ``None`` for a bug."""
    if isinstance(error, JobError):
        return str(error)
    if isinstance(error, PermissionDenied):
        return str(error) or _("You may not do this.")
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
        return " ".join(error.messages)
    return None


def run(job_id: int) -> None:
    """Run a queued job (the queue's task calls this). A job already taken or gone is left alone."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now, worker=worker_identity()[:200]
    )
    if not claimed:
        return
    job = Job.objects.select_related("owner").get(pk=job_id)
    spec = registry.get(job.kind)
    ctx = JobContext(job, in_transaction=bool(spec and spec.atomic))
    unforeseen: BaseException | None = None
    try:
        if spec is None:
            raise JobError(_("This kind of job (%(kind)s) is no longer known.") % {"kind": job.kind})
        info = job.audit or {}
        context = {
            "origin": info.get("origin") if info.get("origin") in audit.ORIGINS else "system",
            "user": job.owner,
            "ip_address": info.get("ip_address"),
            "reason": job.title,
        }
        if info.get("request_id"):
            import uuid

            context["request_id"] = uuid.UUID(info["request_id"])
        with translation.override(job.language), audit.audit_context(**context):
            if spec.atomic:
                with transaction.atomic():
                    spec.func(ctx, **job.params)
            else:
                spec.func(ctx, **job.params)
    except BaseException as error:  # every failure is shown on the job's page
        ctx.discard_file()
        with translation.override(job.language):
            message = user_message(error)
            if message is None and not isinstance(error, Exception):  # the worker was stopped
                unforeseen = error
                message = interrupted_message()
            elif message is None:
                unforeseen = error
                message = _(
                    "The job stopped on an unforeseen error; nothing of it was saved. The error is "
                    "recorded for the administrators (job no. %(id)s)."
                ) % {"id": job.pk}
        _finish(job, ctx, Job.State.FAILED, error=message)
        if unforeseen is not None:
            logger.error("job %s (%s) failed", job.pk, job.kind, exc_info=unforeseen)
            if not isinstance(unforeseen, Exception):
                raise  # KeyboardInterrupt, SystemExit: let the worker stop
        return
    _finish(job, ctx, Job.State.DONE)


def _finish(job: Job, ctx: JobContext, state: str, error: str = "") -> None:
    fields: dict[str, Any] = {
        "state": state,
        "finished_at": timezone.now(),
        "heartbeat_at": timezone.now(),
        "progress_done": ctx.done,
        "progress_total": ctx.total,
        "progress_message": ctx.message,
        "error": error,
    }
    if state == Job.State.DONE:
        fields.update(summary=ctx.summary, result_url=ctx.url, result_label=ctx.label)
        if ctx._file is not None:
            fields.update(result_file=ctx._file[0], result_filename=ctx._file[1])
            if ctx.total is None:
                fields["progress_total"] = ctx.done
    Job.objects.filter(pk=job.pk).update(**fields)
    _forget_progress_file(job.pk)


# --- jobs left "running" by a worker that died ----------------------------------------------------


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(job: Job, now=None) -> bool:
    """A running job whose worker is gone: on this machine, its process no longer exists; on
    another one, nothing has been heard of it for ``KC_JOBS_STALE_SECONDS``."""
    if job.state != Job.State.RUNNING:
        return False
    host, _sep, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return not _pid_alive(int(pid))
    now = now or timezone.now()
    heard = job.heartbeat_at or job.started_at or job.created_at
    return (now - heard).total_seconds() > settings.KC_JOBS_STALE_SECONDS


def interrupted_message() -> str:
    return _(
        "The job was interrupted (the server running it stopped) and nothing of it was saved. "
        "Please start it again."
    )


def fail_stale(jobs=None) -> int:
    """Mark the stale running jobs failed (their transaction died with their worker, so nothing of
    them was written); returns how many. ``jobs``: a queryset to look in (default: every job)."""
    candidates = (jobs if jobs is not None else Job.objects.all()).filter(state=Job.State.RUNNING)
    count = 0
    for job in candidates:
        if not is_stale(job):
            continue
        with translation.override(job.language):
            message = interrupted_message()
        done = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
            state=Job.State.FAILED, finished_at=timezone.now(), error=message
        )
        if done:
            count += 1
            _forget_progress_file(job.pk)
            _fail_queue_entry(job.task_id)
    return count


def _fail_queue_entry(task_id: str) -> None:
    """The database queue's own record of the task, left "running" too."""
    if not task_id:
        return
    try:
        from django_tasks_db.compat import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=timezone.now()
        )
    except (ImportError, ValidationError, ValueError):
        pass
