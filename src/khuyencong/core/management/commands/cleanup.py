"""``khuyencong cleanup [--days N] [--dry-run]``: remove the import files and the result files of
finished jobs older than N days (default 90). The records stay: an import keeps what it found and
the records it wrote, a job its summary (docs/operations.md, “Housekeeping”)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.housekeeping import clean

# a century: any longer keeps every file as well (a longer span would leave the calendar)
MAX_DAYS = 36_500


class Command(BaseCommand):
    help = "Remove import files and finished jobs' result files older than --days (default 90)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90, help="Keep files younger than this (default 90).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be removed; remove nothing."
        )

    def handle(self, *args, days: int, dry_run: bool, **options):
        if not 0 <= days <= MAX_DAYS:
            raise CommandError(_("--days must be between 0 and %(max)s.") % {"max": MAX_DAYS})
        before = timezone.now() - datetime.timedelta(days=days)
        line = (
            _("%(what)s: %(count)s file(s) to remove, %(size)s MB (dry run: nothing removed)")
            if dry_run
            else _("%(what)s: %(count)s file(s) removed, %(size)s MB")
        )
        for cleaned in clean(before, dry_run=dry_run):
            self.stdout.write(
                line % {"what": cleaned.what, "count": cleaned.count, "size": f"{cleaned.bytes / 2**20:.1f}"}
            )
