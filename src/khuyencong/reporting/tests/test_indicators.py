"""Indicator results: the targets of approved projects, and approved reports – added up for a flow,
the last value for a running total (``Indicator.cumulative``), cut at the report date."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from khuyencong.core.permissions import get_scope
from khuyencong.projects.models import ResultReport
from khuyencong.projects.tests.test_cycle import approved_under_contract, through_appraisal
from khuyencong.reporting.engine import aggregate

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.mark.parametrize("cumulative, expected", [(True, Decimal(45)), (False, Decimal(65))])
def test_planned_and_actual_results(people, make_proposal, cumulative, expected):
    approved = through_appraisal(people, make_proposal(state=200_000_000), recommended=200_000_000)
    approved = approved_under_contract(people, approved, 200_000_000, "801/QĐ-BCT", "HĐ-08/2027")
    make_proposal(state=100_000_000)  # a draft: its target is not part of any plan
    planned = approved.planned_results.get()
    indicator = planned.indicator
    indicator.cumulative = cumulative
    indicator.save()
    first, second = TODAY - datetime.timedelta(days=60), TODAY - datetime.timedelta(days=20)
    for value, day, state in ((20, first, "approved"), (45, second, "approved"), (50, TODAY, "submitted")):
        ResultReport.objects.create(
            project=approved, indicator=indicator, value=value, period_end=day, state=state
        )
    scope = get_scope(people["agency"])
    table = aggregate(
        scope, ["indicator_planned", "indicator_actual"], by=["indicator"], filters={"plan_year": 2027}
    )
    assert [(r.key, r.value("indicator_planned"), r.value("indicator_actual")) for r in table.rows] == [
        (indicator.pk, Decimal(60), expected)
    ]
    earlier = aggregate(scope, ["indicator_actual"], filters={"plan_year": 2027}, on=first).total
    assert earlier.value("indicator_actual") == Decimal(20)
    assert aggregate(
        get_scope(people["other_doit"]), ["indicator_actual"], filters={"plan_year": 2027}
    ).total.value("indicator_actual") == Decimal(0)


@pytest.mark.parametrize("cumulative, expected", [(True, Decimal(45)), (False, Decimal(65))])
def test_project_page_shows_the_engines_achieved_result(client, people, make_proposal, cumulative, expected):
    """The project page's "achieved" column is the engine's figure: the last value of a running
    total, the sum of a flow, approved reports only."""
    from django.urls import reverse

    approved = through_appraisal(people, make_proposal(state=200_000_000), recommended=200_000_000)
    approved = approved_under_contract(people, approved, 200_000_000, "802/QĐ-BCT", "HĐ-09/2027")
    planned = approved.planned_results.get()
    planned.indicator.cumulative = cumulative
    planned.indicator.save()
    for value, days, state in ((20, 60, "approved"), (45, 20, "approved"), (50, 0, "submitted")):
        ResultReport.objects.create(
            project=approved,
            indicator=planned.indicator,
            value=value,
            period_end=TODAY - datetime.timedelta(days=days),
            state=state,
        )
    client.force_login(people["agency"])
    page = client.get(reverse("projects:detail", args=[approved.pk]))
    assert page.status_code == 200
    assert [(r.indicator_id, actual) for r, actual in page.context["results"]] == [
        (planned.indicator_id, expected)
    ]
