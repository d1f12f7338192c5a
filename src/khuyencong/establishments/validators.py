"""Validation of Vietnamese identifiers."""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.vn import mst


def normalise_tax_code(value: str | None) -> str | None:
    """A tax code in its canonical form (``0100233488`` or ``0314409058-002``), or a ValidationError.

    Accepts spaces, dots and dashes as typed; checks the length (10 or 13 digits) and the check digit
    (the 10th) with python-stdnum's ``stdnum.vn.mst``.
    """
    if value is None or not str(value).strip():
        return None
    return _canonical(str(value).strip())


@functools.lru_cache(maxsize=8192)
def _canonical(raw: str) -> str:
    """The checks of :func:`normalise_tax_code`; a code is checked once however often it is asked
    for (an import asks for each row's three times). Only answers are remembered, not refusals."""
    compact = mst.compact(raw)
    if not compact.isdigit():
        raise ValidationError(
            _("A tax code has only digits (and a dash before a branch number)."), code="format"
        )
    if len(compact) not in (10, 13):
        raise ValidationError(
            _("A tax code has 10 digits, or 13 for a branch; “%(value)s” has %(n)s."),
            code="length",
            params={"value": raw, "n": len(compact)},
        )
    try:
        mst.validate(compact)
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationError(
            _("“%(value)s” is not a valid tax code: its check digit (the 10th) does not match."),
            code="checksum",
            params={"value": raw},
        ) from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(
            _("“%(value)s” is not a valid tax code."), code="invalid", params={"value": raw}
        ) from exc
    return mst.format(compact)


def tax_code_for(serial: int) -> str:
    """A well-formed tax code with the right check digit for a 9-digit serial (demo and test data)."""
    base = f"{serial:09d}"
    return base + mst.calc_check_digit(base)
