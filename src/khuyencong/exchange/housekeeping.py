"""The exchange app's part of ``khuyencong cleanup``: an old import's uploaded file is removed; the
batch stays – what its check found, and the links to the records it wrote (their pages still say
which file they came from) – and its page says the file was removed."""

from __future__ import annotations

import datetime

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.housekeeping import Cleaned
from khuyencong.exchange.models import ImportBatch


def remove_import_files(before: datetime.datetime, dry_run: bool) -> list[Cleaned]:
    old = (
        ImportBatch.objects.filter(uploaded_at__lt=before, file_removed_at__isnull=True)
        .exclude(file="")
        .only("pk", "file", "size")
    )
    count = size = 0
    for batch in old.iterator(chunk_size=500):
        count += 1
        size += batch.size
        if dry_run:
            continue
        name = batch.file.name
        # the same stored name is never shared (the storage renames a second upload), but be sure
        if not ImportBatch.objects.filter(file=name).exclude(pk=batch.pk).exists():
            default_storage.delete(name)
        ImportBatch.objects.filter(pk=batch.pk).update(file="", file_removed_at=timezone.now())
    return [Cleaned(_("uploaded files of imports"), count, size)]
