"""Base filter sets: ids and numbers read through the core parsers (a bad value is a field error –
an empty list on a page, a 400 from the API – never a database error), Bootstrap-styled widgets,
and access to the request (for scoped choices)."""

from __future__ import annotations

from copy import deepcopy

import django_filters
from django import forms
from django.db import models
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django_filters import fields as filter_fields
from django_filters import filterset
from django_filters.rest_framework import filterset as rest_filterset

from khuyencong.core.bounds import EARLIEST_DATE, LATEST_DATE
from khuyencong.core.forms import IdChoiceField, IdField
from khuyencong.core.parsing import ID_MAX


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


class IdFilter(django_filters.NumberFilter):
    """An id typed as a number (``?commune=123``)."""

    field_class = IdField


class IdChoiceFilterField(filter_fields.ModelChoiceField, IdChoiceField):
    """django-filter's choice field (with its "null" choice) over the core id choice field."""


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
