"""Forms of the report's actions (their fields) and of opening a report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReasonForm(forms.Form):
    """Return or unlock: the reason is required and goes on the report's timeline."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say why.")},
    )


class NoFieldsForm(forms.Form):
    """Submit, accept, approve: a confirmation only."""
