"""``khuyencong report NAME``: a standard report of the catalogue written to a file (or printed)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from khuyencong.core.permissions import Role, Scope, get_scope
from khuyencong.documents.responses import file_name, render
from khuyencong.reporting import catalogue

# without --user: every province's figures, read only – what the agency's officers see
NATIONAL_READ = Scope(roles=frozenset({Role.LEADER.value}), national_read=True)


class Command(BaseCommand):
    help = (
        "Write a standard report to a file. Names: "
        + ", ".join(sorted(catalogue.REPORTS))
        + ". Without --user the report reads every province (a national read-only scope); with"
        " --user it reads what that user may see (a national leader's read-only scope by default)."
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
            help="Publish the report (freeze its figures) as --user, an agency officer; the file then"
            " holds the published figures.",
        )
        parser.add_argument("--number", default="", help="With --publish: the publication's number.")
        parser.add_argument("--note", default="", help="With --publish: a note.")

    def handle(self, *args, name, year, param, format, table, out, user, **options) -> None:
        report = catalogue.get(name)
        if report is None:
            raise CommandError(f"unknown report {name!r}; one of {', '.join(sorted(catalogue.REPORTS))}")
        data: dict[str, str] = {}
        if year:  # a report of one year takes it as is; one of a span of years, as its first and last
            if "year" in report.form.base_fields:
                data["year"] = year
            else:
                data.update(from_year=year, to_year=year)
        for item in param:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--param {item!r}: write KEY=VALUE")
            data[key.strip()] = value.strip()
        unknown = set(data) - set(report.form.base_fields)
        if unknown:
            raise CommandError(f"unknown parameters: {', '.join(sorted(unknown))}")
        scope = NATIONAL_READ
        if user:
            from django.contrib.auth import get_user_model

            account = get_user_model().objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(f"no active user {user!r}")
            scope = get_scope(account)
            if not scope.can_use_workspace:
                raise CommandError(f"{user!r} has no role in the management workspace")
        header = None
        if options.get("publish"):
            if not user:
                raise CommandError("--publish needs --user: the agency officer who publishes")
            built, header = self._publish(report, account, data, options)
        else:
            form, built = report.run(scope, data)
        if built is None:
            errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in catalogue.errors(form).items())
            raise CommandError(errors)
        tables = built.tables
        if format == "csv":
            if not 1 <= table <= len(tables):
                raise CommandError(f"--table: 1 to {len(tables)}")
            tables = [tables[table - 1]]
        header = header or report.header(built)
        content = render(tables, format, header if format == "pdf" else None)
        target = out or Path(file_name(built.title, format))
        if str(target) == "-":
            sys.stdout.buffer.write(content)
            return
        target.write_bytes(content)
        self.stdout.write(f"{target} ({len(content)} bytes)")

    def _publish(self, report, account, data: dict, options: dict):
        """Publish as ``account`` (the agency only); the published tables, marked, with their header."""
        from django.core.exceptions import PermissionDenied, ValidationError

        from khuyencong.core.audit import audit_context
        from khuyencong.reporting import snapshots

        try:
            with audit_context(origin="cli"):
                publication = snapshots.publish(
                    user=account, report=report, data=data, number=options["number"], note=options["note"]
                )
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from None
        built = snapshots.published_built(publication)
        self.stdout.write(f"published: {publication.pk} ({publication.title})")
        return built, snapshots.header(publication, built.tables)
