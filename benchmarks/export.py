#!/usr/bin/env python
"""The Excel export of the whole project list at national scale: time and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/khuyencong .venv/bin/python benchmarks/export.py
    .venv/bin/python benchmarks/export.py --count 20000            # SQLite (no DATABASE_URL)

(``make benchmark`` runs it with ``tools/run-benchmarks``.)

Uses the projects of ``benchmarks/projects.py`` (the product's synthetic dataset, generated once and
reused) and asks the project list for ``?export=xlsx`` as a programme officer (every province, no
filter: every project, each with its requested, approved and settled money), through Django's test
client. Above ``KC_JOBS_EXPORT_ROWS`` rows (20,000) the list answers at once with the job's page
and the export runs as a job (docs/adr/0007-job-queue.md): the benchmark times the page's answer,
then runs the queued job here, as the worker would, and reads its file; ``--in-request`` turns the
job off and reads the file streamed by the request, as before the queue. Prints the rows, the file
size, the time and the process's peak memory (``resource.getrusage``: resident set size, including
Python, Django and the database driver) before and after, with Python's own allocations during the export
(``tracemalloc``). Target: peak under 500 MB for 300,000 rows. Run it in a process of its own (the
peak of a process never goes down).
"""

from __future__ import annotations

import argparse
import os
import resource
import time

from common import configure, prepare_schema

TARGET_MB = 500


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run(count: int | None, trace: bool, in_request: bool = False) -> None:
    url = configure()
    prepare_schema()
    count = count or (300_000 if url.startswith("postgres") else 30_000)
    import projects  # the same data set as the projects benchmark

    projects.fill(count, False)

    from django.db import connection
    from django.test import Client

    from khuyencong.accounts.models import User
    from khuyencong.projects.models import Project
    from khuyencong.testing.factories import user_with_role

    officer = User.objects.filter(username="bench_officer").first() or user_with_role(
        "programme_officer", username="bench_officer"
    )
    client = Client()
    client.force_login(officer)
    total = Project.objects.count()
    before = peak_mb()
    if trace:
        import tracemalloc

        tracemalloc.start()
    started = time.perf_counter()
    if in_request:
        from django.conf import settings

        settings.KC_JOBS_EXPORT_ROWS = 0
    response = client.get("/de-an/", {"export": "xlsx"})
    answered = time.perf_counter() - started
    if response.status_code == 302:  # a job: run it as the worker would, then read its file
        from khuyencong.core import jobs
        from khuyencong.core.models import Job

        job = Job.objects.filter(owner=officer, kind="core.list_export").latest("created_at")
        assert response["Location"] == job.get_absolute_url(), response["Location"]
        jobs.run(job.pk)
        job.refresh_from_db()
        assert job.state == Job.State.DONE, job.error
        size = job.result_file.size
        rows = job.progress_total or 0
        print(f"\n  the page answered in {answered:,.2f} s with the job's page ({rows:,} rows)")
    else:
        assert response.status_code == 200, response.status_code
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        response.close()
    seconds = time.perf_counter() - started
    traced = 0.0
    if trace:
        import tracemalloc

        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    after = peak_mb()
    print(
        f"\nExcel export of the project list – {connection.vendor}, {total:,} projects "
        f"({'in the request' if response.status_code == 200 else 'as a job'})"
    )
    print(f"  file: {size / 2**20:,.1f} MB in {seconds:,.1f} s")
    print(f"  peak memory of the process: {before:,.0f} MB before the export, {after:,.0f} MB after")
    if trace:
        print(f"  Python allocations during the export, peak: {traced:,.1f} MB (tracemalloc)")
    verdict = "ok" if after < TARGET_MB else "OVER TARGET"
    print(f"  target: peak under {TARGET_MB} MB – {verdict}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--count",
        type=int,
        default=int(os.environ["KC_BENCH_PROJECTS"]) if os.environ.get("KC_BENCH_PROJECTS") else None,
        help="projects (default 30,000 SQLite / 300,000 PostgreSQL; KC_BENCH_PROJECTS)",
    )
    parser.add_argument(
        "--trace", action="store_true", help="also measure Python's allocations (tracemalloc; slower)"
    )
    parser.add_argument(
        "--in-request", action="store_true", help="export inside the request, as before the job queue"
    )
    args = parser.parse_args()
    run(args.count, args.trace, args.in_request)
