"""Checking and importing a file run in the job queue (``core.jobs``): the page answers at once with
the job's progress bar, and the work survives a restart of the web process.

Both jobs are registered with ``atomic=False``: :func:`services.run_import` keeps its own
transaction around the writes (all rows or none) and saves the batch's state and errors outside it,
so that a file with errors still shows them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from khuyencong.core.jobs import enqueue, register_job
from khuyencong.exchange import services
from khuyencong.exchange.models import BatchState, ImportBatch

CHECK = "exchange.check"
IMPORT = "exchange.import"


def _result(ctx, batch: ImportBatch) -> None:
    summary = {
        _("Rows"): batch.rows,
        _("Errors"): batch.error_count,
        _("To create") if batch.state != BatchState.IMPORTED else _("Created"): batch.created,
        _("To update") if batch.state != BatchState.IMPORTED else _("Updated"): batch.updated,
        _("Unchanged"): batch.unchanged,
    }
    label = _("See the errors") if batch.state == BatchState.INVALID else _("Open the file's page")
    ctx.set_result(summary, url=batch.get_absolute_url(), label=label)


def _batch(ctx, pk: int) -> ImportBatch:
    """The batch, tied to this job (its API representation shows the job's progress)."""
    found = ImportBatch.objects.get(pk=pk)
    found.job_id = ctx.job.pk
    ImportBatch.objects.filter(pk=pk).update(job=ctx.job.pk)
    return found


def check_job(ctx, *, batch: int, then_import: bool = False) -> None:
    """Check the file; with ``then_import`` (the API's ``dry_run=false``), import it at once when
    no error was found – in the same job, all rows or none."""
    found = _batch(ctx, batch)
    services.run_import(
        found, dry_run=True, progress=lambda done, total: ctx.progress(done, total, _("Checking the rows"))
    )
    if then_import and found.state == BatchState.CHECKED:
        found = services.batch_confirm(
            user=ctx.user,
            batch=found,
            progress=lambda done, total: ctx.progress(done, total, _("Checking and writing the rows")),
        )
    _result(ctx, found)


def import_job(ctx, *, batch: int) -> None:
    found = _batch(ctx, batch)
    found = services.batch_confirm(
        user=ctx.user,
        batch=found,
        progress=lambda done, total: ctx.progress(done, total, _("Checking and writing the rows")),
    )
    _result(ctx, found)


def register() -> None:
    register_job(CHECK, check_job, _("Checking a file to import"), atomic=False, origin="import")
    register_job(IMPORT, import_job, _("Importing a file"), atomic=False, origin="import")


def _tie(batch: ImportBatch, job) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(job=job)
    batch.refresh_from_db()


def queue_check(user, batch: ImportBatch, *, then_import: bool = False):
    """Check the batch's file in the job queue (and with ``then_import`` import it when it has no
    error); the batch shows the job's progress."""
    params: dict = {"batch": batch.pk}
    if then_import:
        params["then_import"] = True
        title = _("Check and import “%(file)s”") % {"file": batch.file_name}
    else:
        title = _("Check “%(file)s”") % {"file": batch.file_name}
    job = enqueue(CHECK, user=user, params=params, title=title)
    _tie(batch, job)
    return job


def queue_import(user, batch: ImportBatch):
    """The import of a checked batch (its owner only; refused now, on the page, if it is not ready)."""
    services.confirmable(user=user, batch=batch)
    pending = batch.job if batch.job_id else None
    if pending is not None and pending.kind == IMPORT and not pending.finished:
        raise ValidationError(_("This file is already being imported."))
    job = enqueue(
        IMPORT,
        user=user,
        params={"batch": batch.pk},
        title=_("Import “%(file)s”") % {"file": batch.file_name},
    )
    _tie(batch, job)
    return job
