"""Where a record came from: “Imported from the file X (row N) on dd/mm/yyyy by Y”, on its page.

Core knows no app that imports (``exchange`` comes after the apps whose records it writes), so the
pages ask this extension point and the importing app answers in its ``ready()``::

    PROVENANCE.register(provider)  # provider(obj, user) -> list[Origin] | None

and a detail template renders ``{% provenance object %}`` (``core/templatetags/kc.py``). The
provider decides what the viewer may read: a file's name and date always (the record is visible to
them), the importer's name and the link to the import's page only as far as their scope goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from khuyencong.core.extensions import ExtensionPoint

PROVENANCE = ExtensionPoint("core.provenance")

MAX_ROWS_SHOWN = 10


@dataclass
class Origin:
    """One file that wrote (part of) a record."""

    file_name: str
    rows: list[int] = field(default_factory=list)
    row_count: int = 0
    on: datetime | None = None
    by: str = ""  # the importer (a person, or their organisation), "" when the viewer may not know
    url: str = ""  # the import's page, "" when the viewer may not open it

    def rows_text(self) -> str:
        shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_SHOWN])
        if self.row_count > MAX_ROWS_SHOWN:
            shown += " …"
        return shown

    def sentence(self) -> SafeString:
        """The sentence the page shows, with the file's name linked when the viewer may open it."""
        name = (
            format_html('<a href="{}">{}</a>', self.url, self.file_name)
            if self.url
            else escape(self.file_name)
        )
        parts: dict[str, Any] = {
            "file": name,
            "rows": escape(self.rows_text()),
            "date": escape(timezone.localtime(self.on).strftime("%d/%m/%Y") if self.on else ""),
            "user": escape(self.by),
        }
        several = self.row_count > 1
        if self.by and several:
            text = _("Imported from the file %(file)s (rows %(rows)s) on %(date)s by %(user)s")
        elif self.by:
            text = _("Imported from the file %(file)s (row %(rows)s) on %(date)s by %(user)s")
        elif several:
            text = _("Imported from the file %(file)s (rows %(rows)s) on %(date)s")
        else:
            text = _("Imported from the file %(file)s (row %(rows)s) on %(date)s")
        return mark_safe(escape(text) % parts)  # noqa: S308 – every part is escaped above


def provenance_of(obj: Any, user: Any) -> list[Origin]:
    """Every file that wrote ``obj`` (or the records shown on its page), newest first."""
    found: list[Origin] = []
    for answer in PROVENANCE.results(obj, user):
        found.extend(answer)
    return found
