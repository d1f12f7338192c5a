#!/usr/bin/env python
"""Merge translations from a Python dict file into the Vietnamese catalogue.

    .venv/bin/python tools/po_merge.py path/to/translations.py

The file defines ``T = {msgid: msgstr}``; entries already translated in the catalogue are left as
they are unless the dict names them. Used when adding new interface text; the catalogue
(``src/khuyencong/locale/vi/LC_MESSAGES/django.po``) is the source of truth.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "src/khuyencong/locale/vi/LC_MESSAGES/django.po"


def main(path: str) -> None:
    translations: dict[str, str] = runpy.run_path(path)["T"]
    catalogue = polib.pofile(str(PO), wrapwidth=110)
    catalogue.metadata.update(
        {
            "Language": "vi",
            "Plural-Forms": "nplurals=1; plural=0;",
            "Content-Type": "text/plain; charset=UTF-8",
            "Project-Id-Version": "khuyencong",
        }
    )
    catalogue.metadata_is_fuzzy = False
    merged = 0
    for entry in catalogue:
        text = translations.get(entry.msgid)
        if text is None:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        merged += 1
    catalogue.save(str(PO))
    missing = [e.msgid for e in catalogue if not (e.msgstr or e.msgstr_plural.get(0)) and not e.obsolete]
    print(f"merged {merged}; untranslated {len(missing)}")
    for msgid in missing:
        print("  ", repr(msgid))


if __name__ == "__main__":
    main(sys.argv[1])
