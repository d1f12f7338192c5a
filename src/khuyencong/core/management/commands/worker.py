"""``khuyencong worker``: the job queue's worker (django-tasks' database worker).

Before it takes its first job it marks failed the jobs left "running" by a worker that died
(``core.jobs.fail_stale``). Every option of ``db_worker`` applies: ``--batch`` runs what is queued
and exits, ``--interval`` is the pause between two looks at an empty queue, ``--backend`` the queue.
Stop it with SIGTERM or Ctrl+C: it finishes the job it runs, then exits.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from khuyencong.core import jobs


class Command(DatabaseWorkerCommand):
    help = "Run the job queue's worker (imports, big exports, publications)."

    def handle(self, *args: Any, **options: Any) -> None:
        failed = jobs.fail_stale()
        if failed and options.get("verbosity", 1):
            self.stdout.write(f"{failed} interrupted job(s) marked failed.")
        super().handle(*args, **options)
