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

    assert [r["id"] for r in expert.get("/api/v1/reviews/", {"pending": "true"}).json()["results"]] == [
        mine.pk
    ]
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
    assert expert.get("/api/v1/reviews/", {"pending": "true"}).json()["count"] == 0
    assert [
        r["id"]
        for r in expert.get("/api/v1/reviews/", {"pending": "false", "mine": "true"}).json()["results"]
    ] == [mine.pk]

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
    assert declared.json()["conflict_reason"] == "Người thân của chủ cơ sở"
    # whoever may read the review reads why (as its history page shows it); the province may not
    seen = api(people["agency"]).get(f"/api/v1/reviews/{mine.pk}/").json()
    assert seen["conflict_declared"] is True and seen["conflict_reason"] == "Người thân của chủ cơ sở"
    assert api(people["doit"]).get(f"/api/v1/reviews/{mine.pk}/").status_code == 404
    project.refresh_from_db()
    assert project.status == Status.UNDER_REVIEW
    # recused: no more scoring
    assert expert.post(f"/api/v1/reviews/{mine.pk}/scores/", sheet(mine), format="json").status_code == 400


# --- councils -----------------------------------------------------------------------------------------


def council_payload(people, **overrides) -> dict:
    from khuyencong.projects.models import CriteriaSet

    data = {
        "plan_year": 2027,
        "source": "kcqg",
        "name": "Hội đồng thẩm định KCQG 2027 (API)",
        "decision_number": "15/QĐ-ĐMST",
        "criteria_set": CriteriaSet.objects.get(code="mac-dinh-2021").pk,
        "quorum": 2,
        "chair": people["expert1"].pk,
        "members": [people["expert2"].pk, people["expert3"].pk],
    }
    data.update(overrides)
    return data


def test_the_agency_forms_a_council_assigns_experts_and_records_the_session(people, make_proposal):
    from khuyencong.projects.models import Council

    project = make_proposal()
    doit = api(people["doit"])
    base = f"/api/v1/projects/{project.pk}/actions"
    doit.post(f"{base}/submit/", {}, format="json")
    doit.post(
        f"{base}/doit_appraise/",
        {
            "appraised_on": TODAY.isoformat(),
            "body": "Hội đồng Sở",
            "recommendation": "approve",
            "recommended_amount": 240_000_000,
        },
        format="json",
    )
    assert doit.post(f"{base}/forward/", {}, format="json").json()["status"] == "forwarded"

    agency = api(people["agency"])
    # the rules of the page's form and of the service, by field, in Vietnamese
    too_big = agency.post("/api/v1/councils/", council_payload(people, quorum=9), format="json")
    assert too_big.status_code == 400
    assert fields_of(too_big) == {
        "quorum": ["Số thành viên tối thiểu không thể lớn hơn số thành viên hội đồng."]
    }
    not_expert = agency.post(
        "/api/v1/councils/", council_payload(people, members=[people["doit"].pk]), format="json"
    )
    assert not_expert.status_code == 400 and "members" in fields_of(not_expert)
    assert agency.post("/api/v1/councils/", {"members": {"a": 1}}, format="json").status_code == 400

    created = agency.post("/api/v1/councils/", council_payload(people), format="json")
    assert created.status_code == 201, created.json()
    council = Council.objects.get(pk=created.json()["id"])
    assert [(m["user"], m["role"]) for m in created.json()["members"]] == [
        (people["expert1"].pk, "chair"),
        (people["expert2"].pk, "member"),
        (people["expert3"].pk, "member"),
    ]
    assert len(created.json()["criteria"]) == council.criteria_set.criteria.count()

    # who reads it: the agency, the leader, its members; not a province (404) nor an outsider
    assert api(people["leader"]).get(f"/api/v1/councils/{council.pk}/").status_code == 200
    assert api(people["expert3"]).get("/api/v1/councils/").json()["count"] == 1
    for who in ("doit", "other_doit", "unit"):
        assert api(people[who]).get(f"/api/v1/councils/{council.pk}/").status_code == 404, who
        assert api(people[who]).get("/api/v1/councils/").json()["count"] == 0, who
    # who acts: only the agency (a member reads but may not act: 403; a province: 404 / 403 on create)
    member = api(people["expert1"])
    assign = {"project": project.pk, "experts": [people["expert1"].pk, people["expert2"].pk]}
    assert member.post(f"/api/v1/councils/{council.pk}/assign/", assign, format="json").status_code == 403
    assert doit.post(f"/api/v1/councils/{council.pk}/assign/", assign, format="json").status_code == 404
    assert doit.post("/api/v1/councils/", council_payload(people), format="json").status_code == 403
    assert member.post("/api/v1/councils/", council_payload(people), format="json").status_code == 403

    outsider = agency.post(
        f"/api/v1/councils/{council.pk}/assign/",
        {"project": project.pk, "experts": [people["doit"].pk]},
        format="json",
    )
    assert outsider.status_code == 400 and "experts" in fields_of(outsider)
    assigned = agency.post(f"/api/v1/councils/{council.pk}/assign/", assign, format="json")
    assert assigned.status_code == 201, assigned.json()
    assert sorted(r["expert"] for r in assigned.json()) == sorted(assign["experts"])
    project.refresh_from_db()
    assert project.status == Status.UNDER_REVIEW
    assert agency.get(f"/api/v1/councils/{council.pk}/").json()["under_review"] == 1

    for expert in ("expert1", "expert2"):
        submit_review(people, expert, project.pk, score=8 if expert == "expert1" else 6)
    members = list(council.members.values_list("pk", flat=True))
    no_quorum = agency.post(
        f"/api/v1/councils/{council.pk}/sessions/",
        {"held_on": TODAY.isoformat(), "present": members[:1], "minutes": "Biên bản"},
        format="json",
    )
    assert no_quorum.status_code == 400 and "present" in fields_of(no_quorum)
    future = agency.post(
        f"/api/v1/councils/{council.pk}/sessions/",
        {
            "held_on": (TODAY + datetime.timedelta(days=3)).isoformat(),
            "present": members,
            "minutes": "Biên bản",
        },
        format="json",
    )
    assert future.status_code == 400 and "held_on" in fields_of(future)
    held = agency.post(
        f"/api/v1/councils/{council.pk}/sessions/",
        {
            "held_on": TODAY.isoformat(),
            "place": "Hà Nội",
            "present": members,
            "minutes": "Biên bản phiên họp",
        },
        format="json",
    )
    assert held.status_code == 201, held.json()
    [session] = held.json()["sessions"]
    [result] = session["results"]
    # (80 + 60) / 2 = 70; both recommend 240,000,000 (whole thousands)
    assert result["project"] == project.pk and result["average_score"] == "70.00" and result["rank"] == 1
    assert result["recommended_amount"] == 240_000_000
    project.refresh_from_db()
    assert project.status == Status.AGENCY_APPRAISED
