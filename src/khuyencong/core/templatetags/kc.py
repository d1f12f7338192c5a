"""Template filters and tags available in every template (registered as a builtin)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from khuyencong.core import formatting
from khuyencong.core.permissions import get_scope

register = template.Library()


@register.filter
def money(value, unit: str = "auto"):
    """``{{ amount|money:"ty" }}`` → ``147,747 tỷ đồng``."""
    return formatting.format_money(value, unit)


@register.filter
def money_bare(value, unit: str = "trieu"):
    """The number only, for table cells under a unit heading."""
    return formatting.format_money(value, unit, with_unit=False)


@register.filter
def row_count(paginator):
    """A paginator's count as its list shows it: exact, or “about …” (:mod:`khuyencong.core.counting`)."""
    tally = getattr(paginator, "tally", None)
    return str(tally) if tally is not None else formatting.format_number(paginator.count)


@register.filter
def number(value, decimals: int = 0):
    return formatting.format_number(value, int(decimals))


@register.filter
def percent(value, decimals: int = 2):
    return formatting.format_percent(value, int(decimals))


@register.filter
def localised(obj, field: str):
    """``{{ content|localised:"name" }}``: :func:`khuyencong.core.text.localised`."""
    from khuyencong.core.text import localised as in_language

    return in_language(obj, field)


@register.filter
def vndate(value):
    return formatting.format_date(value)


@register.filter
def vndatetime(value):
    return formatting.format_datetime(value)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for sorting and paging links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The main menu of the signed-in user (:func:`khuyencong.core.navigation.menu_html`)."""
    from khuyencong.core.navigation import menu_html

    return menu_html(context.get("scope") or get_scope(None), context.get("active_menu"))


@register.simple_tag
def history_url(obj):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(type(obj))
    return reverse("core:object_history", args=[ct.app_label, ct.model, obj.pk])


@register.inclusion_tag("includes/history_button.html", takes_context=True)
def history_button(context, obj):
    """The “History of changes” button – rendered only for users who may open that page."""
    from khuyencong.core.history import may_view_history

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    allowed = may_view_history(user, obj)
    return {"url": history_url(obj) if allowed else None}


@register.inclusion_tag("includes/provenance.html", takes_context=True)
def provenance(context, obj):
    """“Imported from the file …” – the files that wrote the record, as far as the viewer may know."""
    from khuyencong.core.provenance import provenance_of

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"origins": provenance_of(obj, user) if user is not None else []}


@register.filter
def has_role(user, roles: str) -> bool:
    return get_scope(user).has_role(*[r.strip() for r in roles.split(",")])


@register.simple_tag
def cell(column, obj):
    """One table cell, formatted as the column declares."""
    return column.display(obj)


@register.simple_tag
def table_rows(columns, objects, empty_text: str):
    """The body of a list's table, cell by cell as the columns declare: one tag and plain string
    joins, not a template node and a ``format_html`` per cell (500 cells on a page)."""
    from django.utils.html import escape, format_html
    from django.utils.safestring import SafeString

    pairs = [
        (c, escape(f"{'text-end text-nowrap ' if c.align_right else ''}{c.css}".strip())) for c in columns
    ]
    rows = [
        "<tr>" + "".join(f'<td class="{css}">{c.html(obj)}</td>' for c, css in pairs) + "</tr>"
        for obj in objects
    ]
    if not rows:
        return format_html(
            '<tr><td colspan="{}" class="text-secondary py-4 text-center">{}</td></tr>',
            len(columns),
            empty_text,
        )
    return SafeString("\n".join(rows))  # every cell escaped by Column.html()


@register.filter
def money_cell(row, key: str):
    """A consolidation row's amount for ``key`` in million đồng (without the unit)."""
    return formatting.format_money(row.value(key), "trieu", with_unit=False)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def percent_of(part, whole):
    if not whole:
        return "–"
    return formatting.format_percent(part * 100 / whole)
