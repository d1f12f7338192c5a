"""The one task the queue knows: run a :class:`~khuyencong.core.models.Job` by its id.

Every kind of job goes through it (``core/jobs.py`` looks the kind up in its registry), so the
queue's records stay simple – a job id – and the job's own table holds what users see. On Django 6
the import below becomes ``from django.tasks import task``; nothing else changes.
"""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: int) -> None:
    from khuyencong.core import jobs

    jobs.run(job_id)
