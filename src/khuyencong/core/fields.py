"""Model fields shared by the apps."""

from django.db import models


class WebsiteField(models.URLField):
    """A URL field whose form assumes https:// when the user types only a host name."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)
