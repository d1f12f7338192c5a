"""The one province picker: the provinces of one geography (today's 34 by default) in Vietnamese
alphabetical order, the other geography (the 63 provinces before 01/07/2025) one click away."""

from __future__ import annotations

import functools

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from khuyencong.core.filters import FastSelect, IdChoiceFilter, IdChoiceFilterField, options_html
from khuyencong.core.forms import IdChoiceField
from khuyencong.core.text import sort_key
from khuyencong.geo.models import AdministrativeUnit, Level

CURRENT = "34"
FORMER = "63"


def is_former(unit: AdministrativeUnit) -> bool:
    """A province of the geography that ended on 30/06/2025."""
    return unit.valid_until is not None


@functools.lru_cache(maxsize=64)
def _by_geography(choices: tuple[tuple[str, str, bool], ...]) -> dict[str, tuple[tuple[str, str], ...]]:
    """The options (value, label, former?) of each geography in Vietnamese alphabetical order –
    memoised by the options themselves (the same provinces on every list page)."""
    by_geography: dict[str, list[tuple[str, str]]] = {CURRENT: [], FORMER: []}
    for value, label, former in choices:
        by_geography[FORMER if former else CURRENT].append((value, label))
    return {
        geography: tuple(sorted(options, key=lambda option: sort_key(option[1])))
        for geography, options in by_geography.items()
    }


class ProvinceSelect(FastSelect):
    """A ``<select>`` of one geography's provinces; the other geography's wait in a ``<template>``
    and a button next to the list swaps them in (``kc/provinces.js``). Written in Python like every
    list's selects (:class:`~khuyencong.core.filters.FastSelect`): it is on every list page."""

    geography = CURRENT

    def _split(self, value) -> tuple[str, list, list, list]:
        selected = {str(v) for v in value if v not in (None, "")}
        empty, choices = [], []
        for choice_value, label in self.choices:
            unit = getattr(choice_value, "instance", None)
            if unit is None:
                empty.append((choice_value, label))
            else:
                choices.append((str(choice_value), str(label), is_former(unit)))
        by_geography = _by_geography(tuple(choices))
        shown = self.geography
        other = FORMER if shown == CURRENT else CURRENT
        if not by_geography[shown] or selected & {v for v, _label in by_geography[other]}:
            shown, other = other, shown
        return shown, empty, list(by_geography[shown]), list(by_geography[other])

    def render(self, name, value, attrs=None, renderer=None):
        shown, empty, options, other = self._split(self.format_value(value))
        select = FastSelect(attrs=self.attrs, choices=empty + options).render(name, value, attrs)
        if not other:
            return select
        labels = {
            CURRENT: ("34", _("Show today's 34 provinces (from 01/07/2025)")),
            FORMER: ("63", _("Show the 63 provinces before 01/07/2025")),
        }
        hidden = FORMER if shown == CURRENT else CURRENT
        return format_html(
            '<div class="input-group input-group-sm flex-nowrap kc-province-picker" data-province-picker'
            ' data-geography="{}">{}<button type="button" class="btn btn-outline-secondary"'
            ' data-province-toggle title="{}" aria-label="{}" data-other-text="{}" data-other-title="{}">'
            '<i class="bi bi-clock-history me-1" aria-hidden="true"></i><span>{}</span></button>'
            "<template>{}</template></div>",
            shown,
            select,
            labels[hidden][1],
            labels[hidden][1],
            labels[shown][0],
            labels[shown][1],
            labels[hidden][0],
            options_html(other, set()),
        )


def province_label(unit: AdministrativeUnit) -> str:
    return unit.name


class ProvinceFieldMixin:
    widget = ProvinceSelect
    row_fields = ("name", "valid_until")  # what the label and the geography read (filter forms)

    def __init__(self, queryset=None, *args, geography: str = CURRENT, **kwargs):
        if queryset is None:
            queryset = AdministrativeUnit.objects.filter(level=Level.PROVINCE)
        super().__init__(queryset, *args, **kwargs)
        self.widget.geography = geography

    def label_from_instance(self, obj) -> str:
        return province_label(obj)


class ProvinceField(ProvinceFieldMixin, IdChoiceField):
    """A province: today's by default, a former one on request."""


class _ProvinceFilterField(ProvinceFieldMixin, IdChoiceFilterField):
    pass


class ProvinceFilter(IdChoiceFilter):
    """The province filter of every list."""

    field_class = _ProvinceFilterField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Province"))
        kwargs.setdefault("queryset", AdministrativeUnit.objects.filter(level=Level.PROVINCE))
        super().__init__(*args, **kwargs)


class ProvinceMapForm(forms.Form):
    """The choices of the province map page (all optional; an unknown value is named in an error
    and the default is shown)."""

    measure = forms.ChoiceField(label=_("Figure"), required=False)
    geo = forms.ChoiceField(
        label=_("Geography"),
        required=False,
        choices=[
            (CURRENT, _("34 provinces (from 01/07/2025)")),
            (FORMER, _("63 provinces (until 30/06/2025)")),
        ],
    )
    scale = forms.ChoiceField(
        label=_("Colour scale"),
        required=False,
        choices=[("continuous", _("continuous")), ("piecewise", _("five classes"))],
    )

    def __init__(self, *args, measures=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [(m.key, m.label) for m in measures]
