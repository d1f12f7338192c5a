"""Serializer fields shared by the API, with messages in the user's language."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ObjectField(serializers.DictField):
    """A JSON object (names → values) sent to the API; anything else is refused in words a user
    reads (DRF's own message is English only)."""

    default_error_messages = {
        "not_a_dict": _("Expected a JSON object of names and values, not %(input_type)s.")
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_a_dict", input_type=type(data).__name__)
        return super().to_internal_value(data)
