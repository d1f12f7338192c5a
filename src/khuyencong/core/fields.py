"""Model fields shared by the apps."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from khuyencong.core.bounds import FIRST_PLAN_YEAR, LAST_PLAN_YEAR, validate_money, validate_plausible_date


class WebsiteField(models.URLField):
    """A URL field whose form assumes https:// when the user types only a host name."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)


class DateField(models.DateField):
    """A date a person types: within :mod:`khuyencong.core.bounds` (model forms, DRF model
    serializers and ``full_clean`` all apply it).

    The bounds are a validator, not part of the schema: the field deconstructs as Django's own, so
    the migrations do not change."""

    default_validators = [validate_plausible_date]

    def formfield(self, **kwargs):
        from khuyencong.core.forms import DateField as DateFormField

        kwargs.setdefault("form_class", DateFormField)
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateField", args, kwargs


class MoneyField(models.BigIntegerField):
    """Whole đồng, within ± :data:`khuyencong.core.bounds.MAX_VND` (deconstructs as a
    ``BigIntegerField``: the bound is a validator, not part of the schema)."""

    default_validators = [validate_money]

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.BigIntegerField", args, kwargs


class PlanYearField(models.PositiveSmallIntegerField):
    """A plan year, from :data:`~khuyencong.core.bounds.FIRST_PLAN_YEAR` to
    :data:`~khuyencong.core.bounds.LAST_PLAN_YEAR`: the page's form, the API and ``full_clean``
    give the same message for −1, 1 and 9999 (deconstructs as a ``PositiveSmallIntegerField``)."""

    default_validators = [MinValueValidator(FIRST_PLAN_YEAR), MaxValueValidator(LAST_PLAN_YEAR)]

    def formfield(self, **kwargs):
        return super().formfield(**{"min_value": FIRST_PLAN_YEAR, "max_value": LAST_PLAN_YEAR, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.PositiveSmallIntegerField", args, kwargs
