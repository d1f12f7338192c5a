"""Numbers, money and dates the way Vietnamese readers write them.

Money is stored as whole đồng (integers). Reports show it in *triệu đồng* or *tỷ đồng* with a
comma as the decimal separator and a dot between thousands: 147.747.000.000 đ is
``147,747 tỷ đồng``. In English the separators swap (``147.747 billion VND``).

Every page, export and report formats through these functions, so a figure reads the same
everywhere.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import get_language

UNITS = {
    "dong": (1, {"vi": "đồng", "en": "VND"}),
    "nghin": (1_000, {"vi": "nghìn đồng", "en": "thousand VND"}),
    "trieu": (1_000_000, {"vi": "triệu đồng", "en": "million VND"}),
    "ty": (1_000_000_000, {"vi": "tỷ đồng", "en": "billion VND"}),
}


def _lang(lang: str | None) -> str:
    lang = (lang or get_language() or "vi")[:2]
    return "en" if lang == "en" else "vi"


def _separators(lang: str) -> tuple[str, str]:
    """(decimal separator, thousands separator)."""
    return (".", ",") if lang == "en" else (",", ".")


def format_number(value: int | float | Decimal | None, decimals: int = 0, lang: str | None = None) -> str:
    """``1234567.5`` → ``1.234.567,5`` (vi) / ``1,234,567.5`` (en). ``None`` → ``–``."""
    if value is None:
        return "–"
    lang = _lang(lang)
    dec_sep, thou_sep = _separators(lang)
    quant = Decimal(1).scaleb(-decimals) if decimals > 0 else Decimal(1)
    number = Decimal(str(value)).quantize(quant, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):.{max(decimals, 0)}f}"
    whole, _dot, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = thou_sep.join(groups)
    if decimals > 0:
        result += dec_sep + frac
    return sign + result


def format_money(
    amount_vnd: int | None,
    unit: str = "auto",
    decimals: int | None = None,
    lang: str | None = None,
    with_unit: bool = True,
) -> str:
    """Whole đồng → text. ``format_money(147_747_000_000, "ty")`` → ``147,747 tỷ đồng``.

    ``unit="auto"`` picks tỷ for ≥ 1 billion, triệu for ≥ 1 million, else đồng. Decimals default to
    3 for tỷ (the ministry's reports write ``147,747 tỷ``), 0 for triệu and đồng.
    """
    if amount_vnd is None:
        return "–"
    lang = _lang(lang)
    if unit == "auto":
        magnitude = abs(amount_vnd)
        unit = "ty" if magnitude >= 1_000_000_000 else "trieu" if magnitude >= 1_000_000 else "dong"
    divisor, names = UNITS[unit]
    if decimals is None:
        decimals = 3 if unit == "ty" else 0
    value = Decimal(int(amount_vnd)) / Decimal(divisor)
    text = format_number(value, decimals, lang)
    return f"{text} {names[lang]}" if with_unit else text


def format_percent(value: float | Decimal | None, decimals: int = 2, lang: str | None = None) -> str:
    """``12.33`` → ``12,33%``."""
    if value is None:
        return "–"
    return f"{format_number(value, decimals, lang)}%"


def format_date(value: datetime.date | datetime.datetime | None, lang: str | None = None) -> str:
    """``22/11/2026`` in both languages (dd/mm/yyyy is also the ministry's English usage)."""
    if value is None:
        return "–"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime.datetime | None, lang: str | None = None) -> str:
    if value is None:
        return "–"
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y %H:%M")


def parse_vnd(text: str | int | None) -> int | None:
    """Parse an amount typed by a person into whole đồng.

    Accepts ``1.500.000``, ``1 500 000``, ``1500000`` and ``1,500,000`` (thousands separators);
    refuses anything with a fractional đồng. Raises ``ValueError`` with the reason.
    """
    if text is None:
        return None
    if isinstance(text, int):
        return text
    cleaned = str(text).strip()
    for suffix in ("đồng", "đ", "VND", "vnd", "VNĐ"):
        if cleaned.endswith(suffix):
            cleaned = cleaned[: -len(suffix)].rstrip()
    return parse_whole_number(cleaned, any_grouping=True)


def parse_whole_number(text: str | int | None, *, any_grouping: bool = False) -> int | None:
    """A whole number typed by a person, grouped as the interface's language writes it: in
    Vietnamese ``1.500`` (or ``1 500``, ``1500``) is one thousand five hundred, in English
    ``1,500``. A separator must stand before each group of three digits, so ``3.5``, ``3 5`` and
    ``1.2.3`` are refused (``ValueError``), never read as 35 or 123; the language's decimal mark
    (``1,250`` in Vietnamese) is refused. ``any_grouping``: dots or commas (amounts of money, where
    ``1,500,000`` is typed from spreadsheets whatever the language)."""
    if text is None:
        return None
    if isinstance(text, int):
        return text
    cleaned = str(text).strip().replace("\u00a0", " ")
    if cleaned == "":
        return None
    negative = cleaned.startswith("-")
    digits = cleaned.lstrip("-+").strip()
    separators = {c for c in digits if not c.isdigit()}
    if any_grouping:
        allowed = {".", ",", " "}
    else:
        from khuyencong.core.text import english_wanted

        allowed = {",", " "} if english_wanted() else {".", " "}
    if len(separators) > 1 or not separators <= allowed:
        raise ValueError("not a whole number")
    if separators:
        parts = digits.split(separators.pop())
        if not (all(len(p) == 3 for p in parts[1:]) and 1 <= len(parts[0]) <= 3):
            raise ValueError("not a whole number")
        digits = "".join(parts)
    if not digits.isdigit():
        raise ValueError("not a number")
    value = int(digits)
    return -value if negative else value
