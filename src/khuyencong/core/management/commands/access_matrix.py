"""``khuyencong access-matrix``: run every page/endpoint check as every role in a throw-away
transaction and print (or write) the table of answers."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from khuyencong.testing.access_matrix import CHECKS, ROLES, render_markdown


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Print the role × page/endpoint access matrix, as measured (nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--write", type=Path, help="Write the Markdown table to this file.")

    def handle(self, *args, write: Path | None = None, **options) -> None:
        import logging

        from khuyencong.testing.roles import matrix_context, role_users, run_checks

        logging.getLogger("django.request").setLevel(logging.ERROR)  # 403/404 are the point here
        logging.getLogger("django.security").setLevel(logging.ERROR)

        result: dict = {}
        try:
            with transaction.atomic():
                result = run_checks(CHECKS, role_users(), matrix_context())
                raise _Rollback
        except _Rollback:
            pass
        table = render_markdown(result)
        mismatches = [
            (c.label, r, result[(c.label, r)], c.expect(r))
            for c in CHECKS
            for r in ROLES
            if result[(c.label, r)] != c.expect(r)
        ]
        if write:
            write.write_text(
                "# Access matrix\n\n"
                "Measured by `khuyencong access-matrix --write docs/access-matrix.md`; "
                "asserted by `tests/test_access_matrix.py`.\n"
                "200 answers · 302 sent to sign in · 400 allowed, but the request (sent empty) is invalid · "
                "401 API needs credentials · "
                "403 the role may not use it · "
                "404 outside the user's scope · 405 method not allowed.\n\n" + table,
                encoding="utf-8",
            )
        self.stdout.write(table)
        for label, role, got, expected in mismatches:
            self.stderr.write(f"MISMATCH {label} as {role}: got {got}, expected {expected}")
