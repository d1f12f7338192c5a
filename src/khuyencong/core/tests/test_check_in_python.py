"""Check constraints answered in Python give the database's verdict (``core.models.check_in_python``)."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from khuyencong.core.models import check_in_python
from khuyencong.projects.models import Project, RegistrationRound

pytestmark = pytest.mark.django_db

DAYS = [None, datetime.date(2020, 1, 1), datetime.date(2020, 6, 1)]


def database_verdict(constraint: models.CheckConstraint, instance) -> bool:
    try:
        constraint.validate(type(instance), instance)
    except ValidationError:
        return False
    return True


def constraints_of(model) -> list[models.CheckConstraint]:
    return [c for c in model._meta.constraints if isinstance(c, models.CheckConstraint)]


def test_every_check_constraint_of_a_project_agrees_with_the_database():
    checked = 0
    for start, end, org, establishment in itertools.product(DAYS, DAYS, [None, 5], [None, 7]):
        project = Project(start_date=start, end_date=end, implementing_org_id=org)
        project.implementing_establishment_id = establishment
        for constraint in constraints_of(Project):
            python = check_in_python(constraint.condition, project, set())
            assert python is not None, constraint.name
            assert python == database_verdict(constraint, project), (constraint.name, start, end, org)
            checked += 1
    assert checked == len(DAYS) ** 2 * 4 * len(constraints_of(Project)) and checked > 0


def test_a_round_whose_deadline_is_before_its_opening_is_refused_without_the_database():
    for opens, deadline in itertools.product(DAYS, DAYS):
        round_ = RegistrationRound(opens_on=opens, deadline=deadline)
        for constraint in constraints_of(RegistrationRound):
            python = check_in_python(constraint.condition, round_, set())
            assert python == database_verdict(constraint, round_)
    late = RegistrationRound(opens_on=DAYS[2], deadline=DAYS[1])
    assert check_in_python(constraints_of(RegistrationRound)[0].condition, late, set()) is False


def test_an_excluded_field_or_an_unknown_form_is_left_to_the_database():
    project = Project(start_date=DAYS[2], end_date=DAYS[1])
    dates = next(c for c in constraints_of(Project) if c.name == "proj_dates")
    assert check_in_python(dates.condition, project, {"end_date"}) is None
    assert check_in_python(models.Q(end_date__year=2020), project, set()) is None
    assert check_in_python(models.Q(end_date__in=[DAYS[1]]), project, set()) is None


def test_the_forms_python_cannot_answer_like_the_database_are_left_to_it():
    project = Project(start_date=DAYS[1], end_date=DAYS[2], implementing_org_id=5)
    # ``Q(f=None)`` is ``IS NULL``, as Django makes it
    assert check_in_python(models.Q(implementing_org=None), project, set()) is False
    assert check_in_python(models.Q(implementing_establishment=None), project, set()) is True
    # a foreign key named by its column is the field: excluded under either name
    assert check_in_python(models.Q(implementing_org_id__isnull=False), project, set()) is True
    assert check_in_python(models.Q(implementing_org_id__isnull=False), project, {"implementing_org"}) is None
    # a comparison with None, or of another type, or ordering text: the database answers
    assert check_in_python(models.Q(end_date__gt=None), project, set()) is None
    assert check_in_python(models.Q(plan_year__gt="2019"), Project(plan_year=2020), set()) is None
    assert check_in_python(models.Q(name__gt="A"), Project(name="B"), set()) is None
