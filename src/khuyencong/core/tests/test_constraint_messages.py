"""Every database constraint speaks to the user: its own message, in Vietnamese, under a field."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from khuyencong.core.models import constraint_field


def all_constraints():
    for model in apps.get_models():
        if not model.__module__.startswith("khuyencong."):
            continue
        for constraint in model._meta.constraints:
            yield model, constraint


def referenced_fields(model, constraint) -> set[str]:
    if isinstance(constraint, models.UniqueConstraint):
        names = set(constraint.fields)
        if constraint.condition is not None:
            names |= set(constraint.condition.referenced_base_fields)
        return names
    return set(constraint.condition.referenced_base_fields)


def test_the_project_has_constraints_to_check():
    assert len(list(all_constraints())) >= 37


@pytest.mark.parametrize(
    ("model", "constraint"),
    list(all_constraints()),
    ids=lambda value: getattr(value, "name", getattr(value, "__name__", str(value))),
)
def test_every_constraint_has_its_own_translated_message_under_a_field(model, constraint):
    default = models.BaseConstraint.default_violation_error_message
    assert constraint.violation_error_message not in (None, default), constraint.name
    assert constraint.violation_error_code, constraint.name
    with translation.override("en"):
        english = str(constraint.get_violation_error_message())
    with translation.override("vi"):
        vietnamese = str(constraint.get_violation_error_message())
    assert vietnamese != english, f"{constraint.name}: no Vietnamese translation for “{english}”"
    assert constraint.name not in vietnamese
    field = constraint_field(model, constraint)
    assert field is not None, f"{constraint.name}: no field to show the message under"
    model._meta.get_field(field)
    assert field in referenced_fields(model, constraint), (constraint.name, field)
