"""Small helpers to render form fields in hand-written layouts."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def split(value: str) -> list[str]:
    return value.split()


@register.filter
def field(form, name: str):
    return form[name]


@register.simple_tag
def field_with(bound_field, **attrs):
    """Render a field with extra attributes; ``hx_get`` becomes ``hx-get``."""
    extra = {key.replace("_", "-"): value for key, value in attrs.items() if value is not None}
    existing = bound_field.field.widget.attrs.get("class", "")
    if bound_field.errors:
        extra["class"] = f"{existing} is-invalid".strip()
    return bound_field.as_widget(attrs=extra)
