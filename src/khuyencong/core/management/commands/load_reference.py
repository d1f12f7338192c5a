"""``khuyencong load-reference``: load the reference data files, idempotently, all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from khuyencong.core.audit import audit_context
from khuyencong.core.loading import LOADER_REASON, DataFileError, LoadRun, loaders


class Command(BaseCommand):
    help = (
        "Load reference data (geography, organisations, legal documents, programmes, contents, "
        "indicators, targets) from the versioned data files. Running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            help="Read the files from DIR/<app>/<file>.csv instead of the files shipped with the system.",
        )

    def handle(self, *args, data_dir: Path | None = None, verbosity: int = 1, **options) -> None:
        run = LoadRun(data_dir=data_dir)
        try:
            with transaction.atomic(), audit_context(origin="cli", reason=LOADER_REASON):
                for _order, name, func in loaders():
                    if verbosity > 1:
                        self.stdout.write(f"… {name}")
                    func(run)
        except DataFileError as error:
            lines = "\n".join(f"  - {e}" for e in error.errors)
            raise CommandError(
                f"Dữ liệu danh mục có lỗi, không có gì được ghi vào cơ sở dữ liệu:\n{lines}"
            ) from None
        total = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}
        for label, counts in sorted(run.upserter.stats.items()):
            for k in total:
                total[k] += counts.get(k, 0)
            if verbosity:
                self.stdout.write(
                    f"{label}: tạo mới {counts.get('created', 0)}, cập nhật {counts.get('updated', 0)}, "
                    f"không đổi {counts.get('unchanged', 0)}"
                    + (f", giữ bản sửa trong hệ thống {counts['kept']}" if counts.get("kept") else "")
                )
        for note in run.upserter.kept:
            self.stdout.write(f"  giữ nguyên (đã được sửa trong hệ thống): {note}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong: tạo mới {total['created']}, cập nhật {total['updated']}, "
                f"không đổi {total['unchanged']}"
                + (f", giữ bản sửa {total['kept']}" if total["kept"] else "")
            )
        )
