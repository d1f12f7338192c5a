"""Ids and numbers from a request, parsed in one place.

Whatever a client sends – a query-string id, a form's choice, a posted score – is text that may be
anything: ``abc``, ``NaN``, ``1e400``, ``²`` or an integer larger than any database column holds.
Views, forms, filters and the API read ids and numbers through these helpers, so bad input becomes
"not a valid value" – a field error on a page, a 400 from the API, an empty result for a lookup –
and never an exception from the database (a 500).

>>> parse_id("42"), parse_id(" 7 "), parse_id(42)
(42, 7, 42)
>>> [parse_id(v) for v in ("abc", "0", "-1", "1.5", "²", "100000000000000000000", None, True)]
[None, None, None, None, None, None, None, None]
>>> parse_ids(["3", "x", "3", "1"])
[3, 1]
>>> parse_decimal("7,5"), parse_decimal("8"), parse_decimal(9)
(Decimal('7.5'), Decimal('8'), Decimal('9'))
>>> [parse_decimal(v) for v in ("abc", "NaN", "Infinity", "1e400", "", None)]
[None, None, None, None, None, None]
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

# The largest value a database id column (BigAutoField: bigint on PostgreSQL, INTEGER on SQLite)
# holds. Every id of the project is positive.
ID_MAX = 2**63 - 1
# A number typed by a person (a score, a share, a count) never needs more digits than this; longer
# text is refused before Decimal works on it.
MAX_NUMBER_LENGTH = 40


def parse_id(value) -> int | None:
    """The record id in ``value`` (text or int), or ``None`` when it cannot be one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 19:
            return None
        number = int(text)
    return number if 1 <= number <= ID_MAX else None


def parse_ids(values: Iterable) -> list[int]:
    """The valid ids among ``values`` (e.g. a form's ``getlist``), in order, without repeats."""
    ids: dict[int, None] = {}
    for value in values:
        number = parse_id(value)
        if number is not None:
            ids[number] = None
    return list(ids)


def parse_decimal(value) -> Decimal | None:
    """A finite decimal number from ``value`` (a comma is read as the decimal point), or ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    else:
        text = str(value).strip().replace(",", ".")
        if not text or len(text) > MAX_NUMBER_LENGTH:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    if not number.is_finite() or abs(number.adjusted()) > MAX_NUMBER_LENGTH:
        return None
    return number
