"""Checking and importing a file run in the job queue (``core.jobs``): the page answers at once with
the job's progress bar, and the work survives a restart of the web process.

Both jobs are registered with ``atomic=False``: :func:`services.run_import` keeps its own
transaction around the writes (all rows or none) and saves the batch's state and errors outside it,
so that a file with errors still shows them.
"""

from __future__ import annotations

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


def check_job(ctx, *, batch: int) -> None:
    found = ImportBatch.objects.get(pk=batch)
    services.run_import(
        found, dry_run=True, progress=lambda done, total: ctx.progress(done, total, _("Checking the rows"))
    )
    _result(ctx, found)


def import_job(ctx, *, batch: int) -> None:
    found = ImportBatch.objects.get(pk=batch)
    found = services.batch_confirm(
        user=ctx.user,
        batch=found,
        progress=lambda done, total: ctx.progress(done, total, _("Checking and writing the rows")),
    )
    _result(ctx, found)


def register() -> None:
    register_job(CHECK, check_job, _("Checking a file to import"), atomic=False, origin="import")
    register_job(IMPORT, import_job, _("Importing a file"), atomic=False, origin="import")


def queue_check(user, batch: ImportBatch):
    return enqueue(
        CHECK, user=user, params={"batch": batch.pk}, title=_("Check “%(file)s”") % {"file": batch.file_name}
    )


def queue_import(user, batch: ImportBatch):
    """The import of a checked batch (its owner only; refused now, on the page, if it is not ready)."""
    services.confirmable(user=user, batch=batch)
    return enqueue(
        IMPORT,
        user=user,
        params={"batch": batch.pk},
        title=_("Import “%(file)s”") % {"file": batch.file_name},
    )
