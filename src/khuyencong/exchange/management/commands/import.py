"""``khuyencong import FILE --kind K --user U [--dry-run]``: check a file and import it (all rows or
none), as user U (their scope and rights), exactly as the page does. Exit status 1 when the file
has errors; each error is printed as ``sheet:row: column: value – reason``."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from khuyencong.exchange import services
from khuyencong.exchange.kinds import KINDS


class Command(BaseCommand):
    help = "Import a file (Excel .xlsx or CSV) of one kind of data: every row or none."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=sorted(KINDS))
        parser.add_argument("--user", required=True, help="the username the import acts as")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, **options):
        from django.utils import translation

        translation.activate("vi")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}")
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng {options['user']!r}")
        with open(path, "rb") as handle:
            batch = services.batch_create(user=user, kind=options["kind"], file=handle, file_name=path.name)

        def progress(done, total):
            if options["verbosity"] > 1:
                self.stderr.write(f"{done}/{total}")

        batch = services.run_import(batch, dry_run=True, progress=progress)
        if batch.state == "checked" and not options["dry_run"]:
            batch = services.batch_confirm(user=user, batch=batch, progress=progress)
        for e in batch.errors:
            self.stdout.write(f"{e['sheet']}:{e['row']}: {e['column']}: {e['value']} – {e['message']}")
        self.stdout.write(
            f"Lô {batch.pk} – {batch.get_state_display()}: {batch.rows} dòng, tạo mới {batch.created}, "
            f"cập nhật {batch.updated}, không đổi {batch.unchanged}, lỗi {batch.error_count}"
        )
        if batch.state not in ("checked", "imported"):
            raise SystemExit(1)
