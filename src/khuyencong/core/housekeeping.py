"""``khuyencong cleanup``: files that have served their purpose, removed after a number of days.

Each app registers what it keeps (an extension point: core knows no app above it)::

    CLEANERS.register(remove_old_import_files)  # cleaner(before, dry_run) -> list[Cleaned]

A cleaner removes (or, with ``dry_run``, only counts) what was made before ``before`` and says
what it did. Core's own: the result files of finished jobs (exports, reports); the job stays listed,
its page says the file is no longer kept.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from khuyencong.core.extensions import ExtensionPoint

CLEANERS = ExtensionPoint("core.cleaners")


@dataclass
class Cleaned:
    what: str  # e.g. "result files of finished jobs"
    count: int
    bytes: int = 0


def _size(name: str) -> int:
    try:
        return default_storage.size(name)
    except (OSError, NotImplementedError):
        return 0


def remove_job_files(before: datetime.datetime, dry_run: bool) -> list[Cleaned]:
    from khuyencong.core.models import Job

    old = (
        Job.objects.filter(state__in=[Job.State.DONE, Job.State.FAILED], finished_at__lt=before)
        .exclude(result_file="")
        .only("pk", "result_file")
    )
    count = size = 0
    for job in old.iterator(chunk_size=500):
        name = job.result_file.name
        size += _size(name)
        count += 1
        if not dry_run:
            default_storage.delete(name)
            Job.objects.filter(pk=job.pk).update(result_file="")
    return [Cleaned(_("result files of finished jobs"), count, size)]


def clean(before: datetime.datetime, *, dry_run: bool = False) -> list[Cleaned]:
    done = remove_job_files(before, dry_run)
    for answer in CLEANERS.results(before, dry_run):
        done.extend(answer)
    return done
