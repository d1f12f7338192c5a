"""The one place ids and numbers from a request are parsed."""

import doctest
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from khuyencong.core import parsing
from khuyencong.core.forms import IdChoiceField, IdField, IdMultipleChoiceField
from khuyencong.core.parsing import ID_MAX, parse_decimal, parse_id


def test_the_examples_in_the_module_hold():
    result = doctest.testmod(parsing)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        (str(ID_MAX), ID_MAX),
        (str(ID_MAX + 1), None),
        ("0", None),
        ("-5", None),
        ("12abc", None),
        ("١٢", None),  # Arabic-Indic digits are digits to Python, not to the database
        ("", None),
        (" ", None),
        (3.0, None),
    ],
)
def test_parse_id(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("7.25", Decimal("7.25")), ("-1", Decimal("-1")), ("snan", None), ("inf", None), ("1" * 41, None)],
)
def test_parse_decimal(value, expected):
    assert parse_decimal(value) == expected


def test_id_field_refuses_what_cannot_be_an_id():
    field = IdField(required=False)
    assert field.clean("12") == 12
    assert field.clean("") is None
    for value in ("abc", "1e3", str(ID_MAX + 1), "0"):
        with pytest.raises(ValidationError):
            field.clean(value)


@pytest.mark.django_db
def test_id_choice_field_refuses_before_asking_the_database(django_assert_num_queries):
    from khuyencong.geo.models import AdministrativeUnit

    field = IdChoiceField(queryset=AdministrativeUnit.objects.all())
    for value in ("abc", "100000000000000000000", "-1"):
        with django_assert_num_queries(0), pytest.raises(ValidationError):
            field.clean(value)
    unit = AdministrativeUnit.objects.first()
    assert field.clean(str(unit.pk)) == unit


@pytest.mark.django_db
def test_id_multiple_choice_field_refuses_before_asking_the_database(django_assert_num_queries):
    """Found by the API fuzzer: a council's members ``-6985440760803078699512496128`` ended in a 500
    on SQLite (``pk__in`` beyond 64 bits)."""
    from khuyencong.geo.models import AdministrativeUnit

    field = IdMultipleChoiceField(queryset=AdministrativeUnit.objects.all())
    for value in (["abc"], ["1", "-6985440760803078699512496128"], ["100000000000000000000"]):
        with django_assert_num_queries(0), pytest.raises(ValidationError) as refused:
            field.clean(value)
        assert refused.value.code == "invalid_pk_value"
    units = list(AdministrativeUnit.objects.order_by("pk")[:2])
    assert list(field.clean([str(u.pk) for u in units]).order_by("pk")) == units
