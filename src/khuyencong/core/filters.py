"""Base filter set: Bootstrap-styled widgets and access to the request (for scoped choices)."""

from __future__ import annotations

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class FastSelect(forms.Select):
    """The same ``<select>`` as Django's, written in Python instead of one template per option: a
    list's filter form has hundreds of options (provinces, sectors), which the template engine
    took longer to write than the list's query took to run."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        marked = False

        def options(choices):
            nonlocal marked
            for option_value, label in choices:
                text = "" if option_value is None else str(option_value)
                selected = text in chosen and not marked
                marked = marked or selected
                yield text, " selected" if selected else "", label

        groups = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # a group of options
                body = format_html_join("", '<option value="{}"{}>{}</option>', options(label))
                groups.append(format_html('<optgroup label="{}">{}</optgroup>', option_value, body))
            else:
                groups.append(
                    format_html_join("", '<option value="{}"{}>{}</option>', options([(option_value, label)]))
                )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final_attrs),
            format_html_join("", "{}", ((g,) for g in groups)),
        )


class ListChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a model select read with one ordinary query – not ``QuerySet.iterator()``,
    which on PostgreSQL opens a server-side cursor (DECLARE, FETCH, CLOSE: three round trips for a
    list of twenty sectors)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class BaseFilterSet(django_filters.FilterSet):
    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        for field in self.form.fields.values():
            if (
                isinstance(field, forms.ModelChoiceField)
                and field.iterator is forms.models.ModelChoiceIterator
            ):
                field.iterator = ListChoiceIterator
                field.widget.choices = field.choices
            widget = field.widget
            if isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select form-select-sm")
                if type(widget) is forms.Select:  # a plain select: the same HTML, written faster
                    widget.__class__ = FastSelect
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")
