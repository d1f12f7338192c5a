"""The one set of bounds for what a person may type as a date or an amount of money.

Pages, the API, imports and the services all accept the same range, because the checks live on the
fields themselves: the model fields of :mod:`khuyencong.core.fields` carry these validators (so model
forms and DRF model serializers inherit them, and ``full_clean`` in the services applies them), and
the form fields of :mod:`khuyencong.core.forms` carry them for forms that are not model forms (the
project actions, which the API uses too).

* Dates: from 1 January 1900 (older establishments and documents are registered) to
  31 December 2100 (plans and deadlines never reach further). Year 1 or 9999 is a typing mistake.
* Money: whole đồng up to 10^15 (a million billion đồng, far above any project or the whole
  programme) in either direction – ledger movements may be negative. This keeps every sum inside a
  64-bit column.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = datetime.date(1900, 1, 1)
# the plan years a programme's proposals, rounds, councils and decisions may name
FIRST_PLAN_YEAR, LAST_PLAN_YEAR = 2010, 2100
LATEST_DATE = datetime.date(2100, 12, 31)
MAX_VND = 10**15


@deconstructible
class PlausibleDateValidator:
    message = _("Enter a date between %(earliest)s and %(latest)s.")
    code = "date_out_of_range"

    def __call__(self, value) -> None:
        if value is None:
            return
        day = value.date() if isinstance(value, datetime.datetime) else value
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"earliest": f"{EARLIEST_DATE:%d/%m/%Y}", "latest": f"{LATEST_DATE:%d/%m/%Y}"},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, PlausibleDateValidator)

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible
class MoneyBoundsValidator:
    message = _("An amount cannot exceed %(limit)s đồng.")
    code = "amount_out_of_range"

    def __call__(self, value) -> None:
        if value is None:
            return
        if abs(value) > MAX_VND:
            raise ValidationError(self.message, code=self.code, params={"limit": "1.000.000.000.000.000"})

    def __eq__(self, other) -> bool:
        return isinstance(other, MoneyBoundsValidator)

    def __hash__(self) -> int:
        return hash(type(self))


validate_plausible_date = PlausibleDateValidator()
validate_money = MoneyBoundsValidator()
