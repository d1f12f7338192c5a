"""One set of bounds for dates and money, the same on model fields, forms and serializers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from khuyencong.core import fields
from khuyencong.core.bounds import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_VND,
    validate_money,
    validate_plausible_date,
)
from khuyencong.core.forms import DateField, MoneyField

D = datetime.date


@pytest.mark.parametrize("day", [EARLIEST_DATE, LATEST_DATE, D(2026, 2, 28)])
def test_plausible_dates_pass(day):
    validate_plausible_date(day)
    assert DateField().clean(day.isoformat()) == day


@pytest.mark.parametrize("day", [D(1, 1, 1), D(1899, 12, 31), D(2101, 1, 1), D(9999, 12, 31)])
def test_implausible_dates_are_refused_by_the_validator_and_the_form_field(day):
    with pytest.raises(ValidationError) as caught:
        validate_plausible_date(day)
    assert caught.value.code == "date_out_of_range"
    with pytest.raises(ValidationError):
        DateField().clean(day.isoformat())


def test_money_bounds():
    for amount in (0, MAX_VND, -MAX_VND):
        validate_money(amount)
    for amount in (MAX_VND + 1, -MAX_VND - 1):
        with pytest.raises(ValidationError):
            validate_money(amount)
    assert MoneyField().clean("1.000.000.000.000.000") == MAX_VND
    with pytest.raises(ValidationError):
        MoneyField().clean("1.000.000.000.000.001")


def test_the_model_fields_carry_the_bounds_without_changing_the_schema():
    date_field, money_field = fields.DateField(), fields.MoneyField()
    assert validate_plausible_date in date_field.validators
    assert validate_money in money_field.validators
    assert date_field.deconstruct()[1] == "django.db.models.DateField"
    assert money_field.deconstruct()[1] == "django.db.models.BigIntegerField"
    assert isinstance(date_field.formfield(), DateField)


def test_every_date_and_money_column_of_the_business_models_is_bounded():
    from django.apps import apps

    unbounded = []
    for model in apps.get_app_config("projects").get_models():
        for field in model._meta.concrete_fields:
            if type(field) is models.DateField or (
                type(field) is models.BigIntegerField and "VND" in str(field.verbose_name)
            ):
                unbounded.append(f"{model.__name__}.{field.name}")
    for label in ("establishments", "programmes", "orgs", "geo", "accounts"):
        for model in apps.get_app_config(label).get_models():
            unbounded += [
                f"{model.__name__}.{f.name}"
                for f in model._meta.concrete_fields
                if type(f) is models.DateField
            ]
    assert unbounded == []
