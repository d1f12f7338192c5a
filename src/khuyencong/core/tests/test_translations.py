"""The Vietnamese catalogue is complete: every interface string has a translation."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

PACKAGE = Path(settings.PACKAGE_DIR)
PO = PACKAGE / "locale" / "vi" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+(?::[^}]*)?\}")


def catalogue():
    return polib.pofile(str(PO))


def test_every_entry_is_translated_and_not_fuzzy():
    missing = [e.msgid for e in catalogue() if not e.obsolete and not (e.msgstr or e.msgstr_plural.get(0))]
    fuzzy = [e.msgid for e in catalogue() if "fuzzy" in e.flags]
    assert missing == [] and fuzzy == []


def test_placeholders_survive_translation():
    wrong = []
    for e in catalogue():
        text = e.msgstr or e.msgstr_plural.get(0, "")
        if sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(text)):
            wrong.append((e.msgid, text))
    assert wrong == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_catalogue_covers_every_string_in_the_source(tmp_path, settings, monkeypatch):
    tree = tmp_path / "khuyencong"
    shutil.copytree(PACKAGE, tree, ignore=shutil.ignore_patterns("locale", "static", "__pycache__", "tests"))
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["vi"], verbosity=0, ignore_patterns=["testing/*"])
    extracted = {e.msgid for e in polib.pofile(str(tmp_path / "locale/vi/LC_MESSAGES/django.po"))}
    known = {e.msgid for e in catalogue() if not e.obsolete}
    assert sorted(extracted - known) == [], (
        "run `khuyencong makemessages -l vi` and translate the new strings"
    )
