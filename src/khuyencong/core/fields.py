"""Model fields shared by the apps."""

from django.db import models


class WebsiteField(models.URLField):
    """A URL field whose form assumes https:// when the user types only a host name."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)


class MoneyField(models.BigIntegerField):
    """An amount of money in whole đồng (VND).

    Stored as a plain ``bigint`` (it deconstructs as :class:`~django.db.models.BigIntegerField`, so
    declaring a field as money needs no migration); the type tells readers such as the history
    presenter (:mod:`khuyencong.core.history`) to show the value as money.
    """

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.BigIntegerField", args, kwargs
