"""Form fields shared by the apps."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from khuyencong.core.bounds import validate_money, validate_plausible_date
from khuyencong.core.formatting import format_number, parse_vnd
from khuyencong.core.parsing import ID_MAX, parse_id


class DateField(forms.DateField):
    """A date within :mod:`khuyencong.core.bounds` – the same bounds as the model fields and the API."""

    default_validators = [validate_plausible_date]


class MoneyInput(forms.TextInput):
    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(
            {
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "form-control text-end",
                "data-money": "1",
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        if isinstance(value, int):
            return format_number(value, lang="vi")
        return value


class MoneyField(forms.Field):
    """Whole đồng, typed as people write them: 1.500.000 – 1 500 000 – 1500000."""

    widget = MoneyInput
    default_validators = [validate_money]  # the same bound as the model fields and the API
    default_error_messages = {
        "invalid": _("Enter a whole number of đồng, e.g. 1.500.000."),
        "negative": _("The amount cannot be negative."),
    }

    def __init__(self, *, min_value: int | None = 0, **kwargs):
        self.min_value = min_value
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            amount = parse_vnd(value)
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if amount is not None and self.min_value is not None and amount < self.min_value:
            raise ValidationError(self.error_messages["negative"], code="negative")
        return amount


class IdField(forms.IntegerField):
    """A record id typed into a request (``?commune=``): a whole number a database id can hold;
    anything else – ``abc``, ``1e3``, a number beyond the column – is a field error."""

    default_error_messages = {"invalid": _("Enter a valid record number.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdChoiceField(forms.ModelChoiceField):
    """A model choice by id that refuses what cannot be an id before asking the database, so that a
    huge or non-numeric value is "not one of the choices" on every database."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        meta = self.queryset.model._meta
        key_field = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        if (
            isinstance(key_field, models.IntegerField)
            and not isinstance(value, self.queryset.model)
            and parse_id(value) is None
        ):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several model choices by id, refusing what cannot be an id (``abc``, a number beyond the
    column) as "not a valid value" before the database is asked: on SQLite a number beyond 64 bits
    in ``pk__in`` is an error, not an empty answer.

    ``max_choices``: more ids than this are refused before the database is asked (a query has a
    limit on its parameters); ``unique``: an id given twice is refused rather than silently merged
    (an API client that sends it has a mistake to learn about)."""

    default_error_messages = {
        "too_many": _("Choose at most %(max)s at once."),
        "repeated": _("%(pk)s is given more than once."),
    }

    def __init__(self, *args, max_choices: int | None = None, unique: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_choices, self.unique = max_choices, unique

    def clean(self, value):
        if isinstance(value, list | tuple):
            if self.max_choices is not None and len(value) > self.max_choices:
                raise ValidationError(
                    self.error_messages["too_many"], code="too_many", params={"max": self.max_choices}
                )
            if self.unique:
                seen: set[int] = set()
                for number in filter(None, map(parse_id, value)):
                    if number in seen:
                        raise ValidationError(
                            self.error_messages["repeated"], code="repeated", params={"pk": number}
                        )
                    seen.add(number)
        return super().clean(value)

    def _check_values(self, value):
        meta = self.queryset.model._meta
        key_field = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        if isinstance(key_field, models.IntegerField):
            try:
                values = frozenset(value)
            except TypeError:
                raise ValidationError(self.error_messages["invalid_list"], code="invalid_list") from None
            for item in values:
                if not isinstance(item, self.queryset.model) and parse_id(item) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                    )
        return super()._check_values(value)


def style_form(form) -> None:
    """Bootstrap classes on every widget, and ``is-invalid`` on the fields with errors once the form
    has been validated. Validating here would run before a form's ``__init__`` has set its
    querysets, so the error classes are added after ``full_clean`` instead."""
    for field in form.fields.values():
        widget = field.widget
        base = (
            "form-check-input"
            if isinstance(widget, forms.CheckboxInput)
            else "form-select"
            if isinstance(widget, forms.Select | forms.SelectMultiple)
            else "form-control"
        )
        classes = widget.attrs.get("class", "")
        if base not in classes:
            widget.attrs["class"] = f"{classes} {base}".strip()
    if not getattr(form, "_kc_styled", False):
        form._kc_styled = True
        clean = form.full_clean

        def full_clean() -> None:
            clean()
            for name in form._errors or {}:
                if name in form.fields:
                    widget = form.fields[name].widget
                    if "is-invalid" not in widget.attrs.get("class", ""):
                        widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

        form.full_clean = full_clean


class SearchSelect(forms.Select):
    """A ``<select>`` that renders only the chosen option: the choices come from a search box
    (``search_url`` answers ``?q=`` with ``<option>``s). Validation still uses the field's full
    queryset, so only records in the user's scope can be chosen."""

    template_name = "includes/search_select.html"

    def __init__(self, search_url: str, attrs=None):
        super().__init__(attrs)
        self.search_url = search_url

    def optgroups(self, name, value, attrs=None):
        selected = [v for v in value if v not in (None, "")]
        options = [self.create_option(name, "", "---------", not selected, 0)]
        model_field = getattr(self, "model_field", None)
        if selected and model_field is not None:
            for index, obj in enumerate(model_field.queryset.filter(pk__in=selected), start=1):
                options.append(
                    self.create_option(name, str(obj.pk), model_field.label_from_instance(obj), True, index)
                )
        return [(None, options, 0)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = self.search_url
        return context


def search_select(field: forms.ModelChoiceField, search_url: str) -> None:
    """Give a model choice field the search-select widget."""
    widget = SearchSelect(search_url, attrs=field.widget.attrs)
    widget.model_field = field
    field.widget = widget
