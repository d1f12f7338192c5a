"""``khuyencong rebuild-rollups``: the figures kept ready (the ledger's summary, each project's
achieved results – ``reporting.rollups``) written again from the ledger and the result reports;
``--check`` only compares them with the facts and fails on a difference."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Write the ledger's summary and the projects' achieved results again from the facts "
        "(--check: compare them with the facts, change nothing)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Compare with the facts; exit with an error on a difference."
        )

    def handle(self, *args, check: bool = False, verbosity: int = 1, **options) -> None:
        from khuyencong.reporting import rollups

        started = time.perf_counter()
        if check:
            found = rollups.differences()
            if found:
                raise CommandError(
                    "Số liệu tổng hợp sẵn khác với số liệu gốc (chạy “khuyencong rebuild-rollups”):\n"
                    + "\n".join(found)
                )
            self.stdout.write(
                f"Số liệu tổng hợp sẵn khớp với số liệu gốc ({time.perf_counter() - started:.1f} s)."
            )
            return
        counts = rollups.rebuild()
        self.stdout.write(
            ", ".join(f"{n:,} {name}" for name, n in counts.items())
            + f" ({time.perf_counter() - started:.1f} s)"
        )
