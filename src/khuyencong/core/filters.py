"""Base filter sets: ids and numbers read through the core parsers (a bad value is a field error –
an empty list on a page, a 400 from the API – never a database error), Bootstrap-styled widgets,
and access to the request (for scoped choices)."""

from __future__ import annotations

import functools
from copy import deepcopy
from types import SimpleNamespace

import django_filters
from django import forms
from django.db import models
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django_filters import fields as filter_fields
from django_filters import filterset
from django_filters.rest_framework import filterset as rest_filterset

from khuyencong.core.bounds import EARLIEST_DATE, LATEST_DATE
from khuyencong.core.forms import IdChoiceField, IdField
from khuyencong.core.parsing import ID_MAX


@functools.lru_cache(maxsize=256)
def _options_html(choices: tuple[tuple[str, str], ...]) -> str:
    """The ``<option>`` elements of ``choices`` (value, label), none selected. Memoised by the
    choices themselves, read afresh on every request: a filter form shows the same hundred
    provinces and sectors page after page, and a changed name is a different key."""
    return format_html_join("", '<option value="{}">{}</option>', choices)


def options_html(choices, chosen: set[str]) -> str:
    """:func:`_options_html` with the first option whose value is in ``chosen`` selected."""
    pairs = tuple(("" if value is None else str(value), str(label)) for value, label in choices)
    html = _options_html(pairs)
    for value, _label in pairs:
        if value in chosen:
            option = format_html('<option value="{}">', value)
            return SafeString(html.replace(option, option[:-1] + " selected>", 1))  # of escaped parts
    return html


class FastSelect(forms.Select):
    """The same ``<select>`` as Django's, written in Python instead of one template per option: a
    list's filter form has hundreds of options (provinces, sectors), which the template engine
    took longer to write than the list's query took to run."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        formatted = self.format_value(value)  # a list; one string for a yes/no select
        chosen = {formatted} if isinstance(formatted, str) else {str(v) for v in formatted}
        groups, flat = [], []

        def flush():
            if flat:
                groups.append(options_html(flat, chosen))
                if any(str(v) in chosen for v, _label in flat):
                    chosen.clear()  # one selected option, as a single select allows
                flat.clear()

        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # a group of options
                flush()
                body = options_html(label, chosen)
                if any(str(v) in chosen for v, _label in label):
                    chosen.clear()
                groups.append(format_html('<optgroup label="{}">{}</optgroup>', option_value, body))
            else:
                flat.append((option_value, label))
        flush()
        body = SafeString("".join(groups))  # each part built by format_html
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), body)


class FastNullBooleanSelect(FastSelect, forms.NullBooleanSelect):
    """Django's yes/no/unknown select (``?women_owned=true``), written like :class:`FastSelect`."""


class ListChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a model select read with one ordinary query – not ``QuerySet.iterator()``,
    which on PostgreSQL opens a server-side cursor (DECLARE, FETCH, CLOSE: three round trips for a
    list of twenty sectors).

    A field that names its ``row_fields`` (what its labels read) gets plain rows instead of model
    instances: a list page's filter form reads a hundred provinces and sectors on every view, and
    building a model instance per option cost more than the query."""

    def __iter__(self):
        if getattr(self.field, "null_label", None) is not None:  # django-filter's "none" choice
            yield (self.field.null_value, self.field.null_label)
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        row_fields = getattr(self.field, "row_fields", None)
        if not row_fields:
            for obj in self.queryset.all():
                yield self.choice(obj)
            return
        names = ("pk", *row_fields)
        rows = tuple(self.queryset.values_list(*names))
        yield from _row_choices(self.field, names, rows)


_ROW_CHOICES: dict[tuple, tuple] = {}


def _row_choices(field, names: tuple[str, ...], rows: tuple) -> tuple:
    """The choices of ``rows`` for ``field`` – memoised by the rows themselves (read afresh on every
    request), the field's label function and the language."""
    label = field.label_from_instance
    key = (getattr(label, "__func__", label), names, rows, get_language())
    choices = _ROW_CHOICES.get(key)
    if choices is None:
        if len(_ROW_CHOICES) >= 64:
            _ROW_CHOICES.clear()
        choices = []
        for values in rows:
            row = SimpleNamespace(**dict(zip(names, values, strict=True)))
            choices.append((forms.models.ModelChoiceIteratorValue(row.pk, row), label(row)))
        choices = _ROW_CHOICES[key] = tuple(choices)
    return choices


class IdFilter(django_filters.NumberFilter):
    """An id typed as a number (``?commune=123``)."""

    field_class = IdField


class IdChoiceFilterField(filter_fields.ModelChoiceField, IdChoiceField):
    """django-filter's choice field (with its "null" choice) over the core id choice field.

    ``row_fields`` and ``row_label`` (a function of a row with those attributes) let the filter
    form list its options from plain rows (:class:`ListChoiceIterator`)."""

    def __init__(self, *args, row_fields: tuple[str, ...] = (), row_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if row_fields:
            self.row_fields = row_fields
        if row_label is not None:
            self.label_from_instance = row_label


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A record chosen by id (``?province=12``), refusing what cannot be an id before the database."""

    field_class = IdChoiceFilterField


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (``?plan_year=2027``) within what a database integer holds."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -ID_MAX)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class YearFilter(IntegerFilter):
    """A year (``?year=2020``, ``?plan_year=2027``) within the dates the product accepts anywhere
    (:mod:`khuyencong.core.bounds`): year 0 or 10000 is a field error, not a database error."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", EARLIEST_DATE.year)
        kwargs.setdefault("max_value", LATEST_DATE.year)
        super().__init__(*args, **kwargs)


def _safe_defaults(defaults: dict) -> dict:
    """The filters django-filter generates for model fields, with ids and integers parsed safely."""
    safe = deepcopy(defaults)
    for field_class in (
        models.AutoField,
        models.SmallIntegerField,
        models.IntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
    ):
        safe[field_class] = {"filter_class": IntegerFilter}
    for field_class in (models.ForeignKey, models.OneToOneField):
        safe[field_class] = {**safe[field_class], "filter_class": IdChoiceFilter}
    return safe


class SafeFilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = _safe_defaults(filterset.FILTER_FOR_DBFIELD_DEFAULTS)


class SafeAPIFilterSet(rest_filterset.FilterSet):
    """The API's generated filter sets (``filterset_fields``)."""

    FILTER_DEFAULTS = _safe_defaults(rest_filterset.FILTER_FOR_DBFIELD_DEFAULTS)


class BaseFilterSet(SafeFilterSet):
    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        for field in self.form.fields.values():
            if (  # Django's or django-filter's iterator (a subclass), not a custom one
                isinstance(field, forms.ModelChoiceField)
                and field.iterator in (forms.models.ModelChoiceIterator, filter_fields.ModelChoiceIterator)
            ):
                field.iterator = ListChoiceIterator
                field.widget.choices = field.choices
            widget = field.widget
            if isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select form-select-sm")
                if type(widget) is forms.Select:  # a plain select: the same HTML, written faster
                    widget.__class__ = FastSelect
                elif type(widget) is forms.NullBooleanSelect:
                    widget.__class__ = FastNullBooleanSelect
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")
