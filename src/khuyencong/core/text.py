"""Text helpers for Vietnamese: accent folding for search, normalisation of user input."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_SPACES = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    """NFC-normalised text with single spaces – what we store for names typed by people.

    Vietnamese text arrives in both composed and decomposed Unicode (and with the old/new tone
    mark placement); NFC makes equal names compare equal.
    """
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str | None) -> str:
    """Lower-case ASCII form used for accent-insensitive search: “Gốm sứ Đồng Nai” → “gom su dong nai”."""
    if not text:
        return ""
    return _SPACES.sub(" ", unidecode(normalise(text)).lower()).strip()


def search_q(field: str, query: str | None):
    """A filter matching every word of ``query`` (accent- and case-insensitive, any order) in
    ``field``, which holds :func:`fold`-ed text. ``"so cong thuong tuyen quang"`` finds
    “Sở Công Thương tỉnh Tuyên Quang”."""
    from django.db.models import Q

    condition = Q()
    for word in fold(query).split():
        condition &= Q(**{f"{field}__contains": word})
    return condition
