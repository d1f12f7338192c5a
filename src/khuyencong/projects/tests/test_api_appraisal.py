"""Expert appraisal through /api/v1/: the score sheet, the conflict of interest and the councils –
the same services, blind-review scope and messages as the pages."""

import datetime

import pytest

from khuyencong.projects.models import ExpertAssignment, Status
from khuyencong.projects.tests.test_api import api, fields_of, submit_review, to_review

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def sheet(assignment, value="8", **extra) -> dict:
    criteria = assignment.council.criteria_set.criteria.all()
    return {"scores": [{"criterion": c.pk, "value": value} for c in criteria], **extra}


def test_an_expert_reads_saves_and_submits_their_score_sheet(people, make_proposal):
    project = make_proposal()
    to_review(people, project.pk)
    mine = ExpertAssignment.objects.get(project=project, expert=people["expert1"])
    expert = api(people["expert1"])

    review = expert.get(f"/api/v1/reviews/{mine.pk}/").json()
    criteria = review["criteria"]
    assert len(criteria) == mine.council.criteria_set.criteria.count() > 1
    assert review["requested"] == 250_000_000 and review["scores"] == [] and review["submitted_at"] is None

    # saved, not submitted: a partial sheet is fine
    first = criteria[0]["id"]
    saved = expert.post(
        f"/api/v1/reviews/{mine.pk}/scores/",
        {"scores": [{"criterion": first, "value": "7.5", "comment": "Tốt"}]},
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    assert [(s["criterion"], s["value"]) for s in saved.json()["scores"]] == [(first, "7.50")]
    assert saved.json()["submitted_at"] is None

    # submitting needs every criterion, the recommendation and the amount – each named in Vietnamese
    incomplete = expert.post(
        f"/api/v1/reviews/{mine.pk}/scores/",
        {"scores": [{"criterion": first, "value": "7.5"}], "submit": True},
        format="json",
    )
    assert incomplete.status_code == 400
    errors = fields_of(incomplete)
    assert f"score_{criteria[1]['id']}" in errors
    assert errors["recommendation"] == ["Hãy nêu đề nghị của bạn."]
    assert "recommended_amount" in errors

    too_much = expert.post(
        f"/api/v1/reviews/{mine.pk}/scores/",
        sheet(mine, recommendation="approve", recommended_amount=300_000_000, submit=True),
        format="json",
    )
    assert too_much.status_code == 400 and "recommended_amount" in fields_of(too_much)
    out_of_range = expert.post(f"/api/v1/reviews/{mine.pk}/scores/", sheet(mine, value="1000"), format="json")
    assert out_of_range.status_code == 400
    foreign = expert.post(
        f"/api/v1/reviews/{mine.pk}/scores/", {"scores": [{"criterion": 999999, "value": 1}]}, format="json"
    )
    assert foreign.status_code == 400 and "scores" in fields_of(foreign)
    bad_choice = expert.post(f"/api/v1/reviews/{mine.pk}/scores/", {"recommendation": "maybe"}, format="json")
    assert bad_choice.status_code == 400 and "recommendation" in fields_of(bad_choice)

    submitted = expert.post(
        f"/api/v1/reviews/{mine.pk}/scores/",
        sheet(mine, recommendation="approve", recommended_amount=240_000_000, comment="Khả thi", submit=True),
        format="json",
    )
    assert submitted.status_code == 200, submitted.json()
    body = submitted.json()
    assert body["submitted_at"] and body["score"] == "80.00" and body["recommended_amount"] == 240_000_000
    mine.refresh_from_db()
    assert mine.submitted_at is not None and mine.comment == "Khả thi"

    # locked once submitted
    again = expert.post(f"/api/v1/reviews/{mine.pk}/scores/", sheet(mine, value="9"), format="json")
    assert again.status_code == 400 and "non_field_errors" in fields_of(again)


def test_blind_review_through_the_api(people, make_proposal):
    project = make_proposal()
    to_review(people, project.pk)
    mine = ExpertAssignment.objects.get(project=project, expert=people["expert1"])
    theirs = ExpertAssignment.objects.get(project=project, expert=people["expert2"])
    submit_review(people, "expert2", project.pk, score=6)

    expert = api(people["expert1"])
    # not submitted yet: the other expert's review is not there, nor can it be written to
    assert expert.get(f"/api/v1/reviews/{theirs.pk}/").status_code == 404
    assert expert.post(f"/api/v1/reviews/{theirs.pk}/scores/", {}, format="json").status_code == 404
    assert (
        expert.post(
            f"/api/v1/reviews/{theirs.pk}/conflict/", {"conflict_reason": "x"}, format="json"
        ).status_code
        == 404
    )
    # an expert not on the proposal, the province, another province and the leader see no review
    for who in ("expert3", "doit", "other_doit", "leader"):
        client = api(people[who])
        assert client.get("/api/v1/reviews/").json()["count"] == 0, who
        assert client.get(f"/api/v1/reviews/{mine.pk}/").status_code == 404, who
        assert client.post(f"/api/v1/reviews/{mine.pk}/scores/", {}, format="json").status_code == 404, who
    # the agency reads every review but cannot score in an expert's place (403)
    agency = api(people["agency"])
    assert agency.get(f"/api/v1/reviews/{theirs.pk}/").status_code == 200
    assert agency.post(f"/api/v1/reviews/{mine.pk}/scores/", sheet(mine), format="json").status_code == 403
    # once submitted, the other's review may be read – not written (403)
    submit_review(people, "expert1", project.pk)
    assert expert.get(f"/api/v1/reviews/{theirs.pk}/").status_code == 200
    assert (
        expert.post(f"/api/v1/reviews/{theirs.pk}/scores/", sheet(theirs), format="json").status_code == 403
    )
    # ids that cannot be reviews
    assert expert.post("/api/v1/reviews/abc/scores/", {}, format="json").status_code == 404
    assert api().post(f"/api/v1/reviews/{mine.pk}/scores/", {}, format="json").status_code in (401, 403)


def test_an_expert_declares_a_conflict_of_interest(people, make_proposal):
    project = make_proposal()
    to_review(people, project.pk)
    mine = ExpertAssignment.objects.get(project=project, expert=people["expert1"])
    expert = api(people["expert1"])
    expert.post(f"/api/v1/reviews/{mine.pk}/scores/", sheet(mine), format="json")

    empty = expert.post(f"/api/v1/reviews/{mine.pk}/conflict/", {"conflict_reason": "  "}, format="json")
    assert empty.status_code == 400
    assert fields_of(empty) == {"conflict_reason": ["Hãy nêu rõ xung đột lợi ích."]}
    declared = expert.post(
        f"/api/v1/reviews/{mine.pk}/conflict/", {"conflict_reason": "Người thân của chủ cơ sở"}, format="json"
    )
    assert declared.status_code == 200, declared.json()
    assert declared.json()["conflict_declared"] is True and declared.json()["scores"] == []
    project.refresh_from_db()
    assert project.status == Status.UNDER_REVIEW
    # recused: no more scoring
    assert expert.post(f"/api/v1/reviews/{mine.pk}/scores/", sheet(mine), format="json").status_code == 400
