"""``khuyencong report NAME``: a standard report of the catalogue written to a file (or printed).

With ``--publish`` the report is published as the page and the API publish it: the command queues
the publication as a job of the job queue (``snapshots.queue_publication``, the same checks) and
prints the job's number. With ``--wait`` it then waits for the job, printing its progress, and writes
the published figures to the file. A job that no worker has started within ``--worker-timeout``
seconds (no worker running: e.g. ``make run`` is not started) is run by the command itself; the job is
claimed once, so it never runs twice.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from khuyencong.core.permissions import Role, Scope, get_scope
from khuyencong.documents.responses import file_name, render
from khuyencong.reporting import catalogue

# without --user: every province's figures, read only – what the agency's officers see
NATIONAL_READ = Scope(roles=frozenset({Role.LEADER.value}), national_read=True)
POLL_SECONDS = 0.5


def _joined(errors: dict) -> str:
    """A ``ValidationError``'s or a form's errors as one line: ``field: reason; …``."""
    parts = []
    for field, messages in errors.items():
        text = " ".join(str(m) for m in messages)
        parts.append(text if field == "__all__" else f"{field}: {text}")
    return "; ".join(parts)


class Command(BaseCommand):
    help = (
        "Write a standard report to a file. Names: "
        + ", ".join(sorted(catalogue.REPORTS))
        + ". Without --user the report reads every province (a national read-only scope); with"
        " --user it reads what that user may see (a national leader's read-only scope by default)."
        " With --publish (and --user, an agency officer) the publication is queued as a job, as from"
        " the page; --wait waits for it and writes the published figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The report: " + ", ".join(sorted(catalogue.REPORTS)))
        parser.add_argument(
            "--year", type=str, help="Shorthand for --param year=Y (or from_year=Y and to_year=Y)."
        )
        parser.add_argument(
            "--param", action="append", default=[], metavar="KEY=VALUE", help="A parameter of the report."
        )
        parser.add_argument("--format", choices=["csv", "xlsx", "pdf", "json"], default="xlsx")
        parser.add_argument("--table", type=int, default=1, help="With --format csv: which table, from 1.")
        parser.add_argument("--out", type=Path, help="The file to write (default: a name from the title).")
        parser.add_argument("--user", help="Read the figures with this user's scope.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the report (freeze its figures) as --user, an agency officer: the publication"
            " is queued as a job of the job queue (as from the page) and its number printed; no file is"
            " written unless --wait.",
        )
        parser.add_argument("--number", default="", help="With --publish: the publication's number.")
        parser.add_argument("--note", default="", help="With --publish: a note.")
        parser.add_argument(
            "--wait",
            action="store_true",
            help="With --publish: wait for the job, print its progress and result, and write the"
            " published figures to the file. Exit status 1 when the job fails.",
        )
        parser.add_argument(
            "--worker-timeout",
            type=float,
            default=10.0,
            metavar="SECONDS",
            help="With --wait: when no worker has started the job after this many seconds (default 10;"
            " 0: at once), the command runs it itself.",
        )

    def handle(self, *args, **options) -> None:
        # the operator reads the messages in the product's language, as the pages do
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(**options)

    def _handle(self, *, name, year, param, format, table, out, user, **options) -> None:
        report = catalogue.get(name)
        if report is None:
            raise CommandError(
                _("There is no report “%(name)s”; the reports are: %(names)s.")
                % {"name": name, "names": ", ".join(sorted(catalogue.REPORTS))}
            )
        data: dict[str, str] = {}
        if year:  # a report of one year takes it as is; one of a span of years, as its first and last
            if "year" in report.form.base_fields:
                data["year"] = year
            else:
                data.update(from_year=year, to_year=year)
        for item in param:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(_("--param %(item)s: write KEY=VALUE.") % {"item": item})
            data[key.strip()] = value.strip()
        unknown = set(data) - set(report.form.base_fields)
        if unknown:
            raise CommandError(_("Unknown parameters: %(names)s.") % {"names": ", ".join(sorted(unknown))})
        scope = NATIONAL_READ
        account = None
        if user:
            from django.contrib.auth import get_user_model

            account = get_user_model().objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(_("There is no active user “%(name)s”.") % {"name": user})
            scope = get_scope(account)
            if not scope.can_use_workspace:
                raise CommandError(_("“%(name)s” has no role in the management workspace.") % {"name": user})
        header = None
        if options.get("publish"):
            if account is None:
                raise CommandError(_("--publish needs --user: the agency officer who publishes."))
            if out is not None and not options.get("wait"):
                raise CommandError(_("--out with --publish needs --wait: the job publishes the figures."))
            job = self._queue(report, account, data, options)
            if not options.get("wait"):
                return
            built, header = self._wait(job, options["worker_timeout"])
        else:
            form, built = report.run(scope, data)
            if built is None:
                raise CommandError(_joined(catalogue.errors(form)))
        tables = built.tables
        if format == "csv":
            if not 1 <= table <= len(tables):
                raise CommandError(_("--table: from 1 to %(n)s.") % {"n": len(tables)})
            tables = [tables[table - 1]]
        header = header or report.header(built)
        content = render(tables, format, header if format == "pdf" else None)
        target = out or Path(file_name(built.title, format))
        if str(target) == "-":
            sys.stdout.buffer.write(content)
            return
        target.write_bytes(content)
        self.stdout.write(f"{target} ({len(content)} bytes)")

    def _queue(self, report, account, data: dict, options: dict):
        """Queue the publication through the service the page and the API use; its refusals are
        printed as the command's error (exit status 1)."""
        from django.core.exceptions import PermissionDenied, ValidationError

        from khuyencong.core.audit import audit_context
        from khuyencong.reporting import snapshots

        try:
            with audit_context(origin="cli"):
                job = snapshots.queue_publication(
                    user=account, report=report, data=data, number=options["number"], note=options["note"]
                )
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(_joined(error.message_dict)) from None
        self.stdout.write(
            _("Job no. %(id)s queued: %(title)s (%(url)s).")
            % {"id": job.pk, "title": job.title, "url": job.get_absolute_url()}
        )
        return job

    def _wait(self, job, worker_timeout: float):
        """Wait for the job (running it here when no worker has started it in time), print its
        progress and result; the published tables, marked, with their header."""
        from khuyencong.core import jobs
        from khuyencong.core.models import Job
        from khuyencong.reporting import snapshots

        waited = 0.0
        shown = None
        while True:
            job.refresh_from_db()
            if job.state == Job.State.QUEUED and waited >= worker_timeout:
                self.stderr.write(_("No worker has started the job; running it here."))
                jobs.run(job.pk)  # claimed once: a worker that takes it meanwhile leaves it alone
                job.refresh_from_db()
            if job.state == Job.State.RUNNING:
                jobs.fail_stale(Job.objects.filter(pk=job.pk))  # its worker died
                job = jobs.live_progress(job)
            progress = (job.progress_done, job.progress_total, job.progress_message)
            if progress != shown and job.progress_message:
                shown = progress
                total = f"/{job.progress_total}" if job.progress_total is not None else ""
                self.stderr.write(f"[{job.progress_done}{total}] {job.progress_message}")
            if job.finished:
                break
            time.sleep(POLL_SECONDS)
            waited += POLL_SECONDS
        if job.state == Job.State.FAILED:
            raise CommandError(_("The job no. %(id)s failed: %(error)s") % {"id": job.pk, "error": job.error})
        for label, value in (job.summary or {}).items():
            self.stdout.write(f"{label}: {value}")
        publication = snapshots.publication_of(job)
        if publication is None:  # done, but its publication is gone: cannot happen (never deleted)
            raise CommandError(_("The job no. %(id)s left no publication.") % {"id": job.pk})
        self.stdout.write(
            _("Published: no. %(id)s (%(title)s), %(url)s")
            % {"id": publication.pk, "title": publication.title, "url": job.result_url}
        )
        built = snapshots.published_built(publication)
        return built, snapshots.header(publication, built.tables)
