"""Links to records, built without resolving the URL configuration for every row.

A list page links each of its fifty rows to the record's page; ``reverse()`` walks the URL
patterns each time. :func:`record_url` reverses a view once with placeholder ids, keeps the result
as a template, and fills in the ids – the same URL ``reverse()`` gives (tested), for views whose
arguments are whole-number ids.
"""

from __future__ import annotations

from django.urls import get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = 987_654_321_000  # an id no table reaches; its digits appear nowhere else in a URL
_templates: dict[tuple, str] = {}


def record_url(viewname: str, *ids: int) -> str:
    """``reverse(viewname, args=ids)`` for integer ids."""
    key = (viewname, len(ids), get_script_prefix(), get_urlconf())
    template = _templates.get(key)
    if template is None:
        placeholders = [_PLACEHOLDER + i for i in range(len(ids))]
        template = reverse(viewname, args=placeholders).replace("{", "{{").replace("}", "}}")
        for index, placeholder in enumerate(placeholders):
            template = template.replace(str(placeholder), f"{{{index}}}")
        _templates[key] = template
    return template.format(*(int(i) for i in ids))


def clear(**kwargs) -> None:
    """Forget the templates (the URL configuration changed, e.g. a test's ``ROOT_URLCONF``)."""
    _templates.clear()
