"""Compile the interface catalogues (.po → .mo) with polib – no GNU gettext needed."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the translation catalogues (locale/*/LC_MESSAGES/django.po) to .mo files."

    def handle(self, *args, **options) -> None:
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
                if fuzzy:
                    raise CommandError(f"{po_path}: {len(fuzzy)} fuzzy entries, first: {fuzzy[0]!r}")
                mo_path = po_path.with_suffix(".mo")
                if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
                    catalogue.save_as_mofile(str(mo_path))
                count += 1
        self.stdout.write(f"{count} catalogue(s) compiled")
