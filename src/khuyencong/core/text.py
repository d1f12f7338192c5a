"""Text helpers for Vietnamese: accent folding for search, normalisation of user input."""

from __future__ import annotations

import functools
import unicodedata

from unidecode import unidecode


def normalise(text: str | None) -> str:
    """NFC-normalised text with single spaces – what we store for names typed by people.

    Vietnamese text arrives in both composed and decomposed Unicode (and with the old/new tone
    mark placement); NFC makes equal names compare equal.
    """
    if not text:
        return ""
    # ``str.split()`` splits at the whitespace ``\s`` matches (and drops it at both ends)
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(text: str | None) -> str:
    """Lower-case ASCII form used for accent-insensitive search: “Gốm sứ Đồng Nai” → “gom su dong nai”."""
    if not text:
        return ""
    if type(text) is not str:  # e.g. a lazy translation: its text depends on the language
        return " ".join(unidecode(normalise(str(text))).lower().split())
    return _fold(text)


@functools.lru_cache(maxsize=4096)  # a record's name is folded for its search text and its name key
def _fold(text: str) -> str:
    return " ".join(unidecode(normalise(text)).lower().split())


def search_q(field: str, query: str | None):
    """A filter matching every word of ``query`` (accent- and case-insensitive, any order) in
    ``field``, which holds :func:`fold`-ed text. ``"so cong thuong tuyen quang"`` finds
    “Sở Công Thương tỉnh Tuyên Quang”."""
    from django.db.models import Q

    condition = Q()
    for word in fold(query).split():
        condition &= Q(**{f"{field}__contains": word})
    return condition


# Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y; the tones
# (none, huyền, hỏi, ngã, sắc, nặng) decide only between words spelt with the same letters.
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}  # breve (ă), circumflex (â ê ô), horn (ơ ư)
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def sort_key(text: str | None) -> tuple[str, str]:
    """Key that sorts Vietnamese words as a dictionary does: “Đà Nẵng” after “Cà Mau” and before
    “Điện Biên”, “Đ” after every “D”, “Ơ” after “Ô”; case does not matter.

    >>> sorted(["Điện Biên", "Yên Bái", "Đà Nẵng", "Cà Mau", "An Giang", "Ă"], key=sort_key)
    ['An Giang', 'Ă', 'Cà Mau', 'Đà Nẵng', 'Điện Biên', 'Yên Bái']
    """
    letters: list[str] = []
    tones: list[str] = []
    for char in unicodedata.normalize("NFD", normalise(text).lower()):
        if char in _LETTER_MARKS and letters:
            letters[-1] = letters[-1][0] + str(_LETTER_MARKS[char])
        elif char in _TONES:
            tones.append(str(_TONES[char]))
        elif unicodedata.combining(char):
            continue
        elif char == "đ":
            letters.append("d9")
        else:
            letters.append(char + "0")
    return "".join(letters), "".join(tones)


def lower_first(text: str) -> str:
    """The text as it reads after another word: ``lower_first("Tỉnh Tuyên Quang")`` →
    ``'tỉnh Tuyên Quang'`` (“UBND tỉnh Tuyên Quang”)."""
    return text[:1].lower() + text[1:]


def english_wanted() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "vi").startswith("en")


def localised(obj, field: str) -> str:
    """A name held in both languages (``name`` / ``name_en``, ``unit`` / ``unit_en``): the English
    one in the English interface when there is one, else the Vietnamese – never both side by side."""
    if english_wanted():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field, "")
