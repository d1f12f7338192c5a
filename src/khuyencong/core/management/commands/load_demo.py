"""``khuyencong load-demo``: demo accounts (one per role) and demo records, for a development
installation. Idempotent; refused under the production profile."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from khuyencong.core.audit import audit_context
from khuyencong.core.demo import demo_loaders


class Command(BaseCommand):
    help = "Create the demo accounts and demo data (development installations only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--only",
            nargs="+",
            metavar="SET",
            help="Load only these sets (e.g. accounts establishments); all of them by default.",
        )

    def handle(self, *args, verbosity: int = 1, only: list[str] | None = None, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Không tạo dữ liệu minh hoạ trên hệ thống chính thức (KC_PROFILE=production).")
        loaders = demo_loaders()
        unknown = set(only or []) - {name for _order, name, _func in loaders}
        if unknown:
            known = ", ".join(name for _order, name, _func in loaders)
            raise CommandError(f"Không có bộ dữ liệu minh hoạ {', '.join(sorted(unknown))} (có: {known}).")
        with transaction.atomic(), audit_context(origin="cli", reason="khuyencong load-demo"):
            for _order, name, func in loaders:
                if only and name not in only:
                    continue
                summary = func()
                if verbosity:
                    self.stdout.write(f"{name}: {summary}")
        self.stdout.write(self.style.SUCCESS("Xong dữ liệu minh hoạ."))
