"""Errors that services raise and every entry point (page, API, import) turns into a clear answer."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """Someone else changed the record since it was read (optimistic locking): 409 in the API, a
    message above the kept form on pages."""

    default_message = _(
        "Someone else saved this record after you opened it. Your changes were not saved; "
        "review the current values and save again."
    )

    def __init__(self, message=None, *, current_version: int | None = None, changed_fields=None):
        self.message = message or self.default_message
        self.current_version = current_version
        self.changed_fields = changed_fields or []
        super().__init__(str(self.message))
