"""Test helper: the agency's 2027 appraisal council (the one the tests' proposals go to), formed
through the service once and reused."""

from __future__ import annotations


def council_2027(people: dict):
    """The KCQG 2027 council with ``expert1`` (chair), ``expert2`` and ``expert3`` as members."""
    from khuyencong.projects.models import Council, CriteriaSet
    from khuyencong.projects.services import appraisal

    return Council.objects.filter(plan_year=2027).first() or appraisal.council_create(
        user=people["agency"],
        data={
            "plan_year": 2027,
            "source": "kcqg",
            "name": "Hội đồng thẩm định KCQG 2027",
            "decision_number": "12/QĐ-ĐMST",
            "criteria_set": CriteriaSet.objects.get(code="mac-dinh-2021"),
            "quorum": 2,
        },
        members=[(people["expert1"], "chair"), (people["expert2"], "member"), (people["expert3"], "member")],
    )
