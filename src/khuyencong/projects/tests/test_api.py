"""The projects API at /api/v1/: proposals, actions, ledger, decisions, reports and reviews over HTTP –
the same services, rules and scope as the pages."""

import datetime

import pytest
from django.db.models import Sum
from rest_framework.test import APIClient

from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import Content, Indicator, Programme
from khuyencong.projects.models import (
    ExpertAssignment,
    LedgerEntry,
    LedgerKind,
    Project,
    Status,
)
from khuyencong.projects.services import appraisal, transitions
from khuyencong.testing.appraisal import council_2027

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def fields_of(response) -> dict:
    body = response.json()
    assert "error" in body, body
    return body["error"].get("fields", {})


def proposal_payload(round_2027, tuyen_quang, beneficiary, **overrides) -> dict:
    content = Content.objects.get(code="dao-tao-nghe")
    indicator = Indicator.objects.filter(content=content).order_by("order").first()
    data = {
        "round": round_2027.pk,
        "plan_year": 2027,
        "source": "kcqg",
        "programme": Programme.objects.get(code="kcqg-2026-2030").pk,
        "content": content.pk,
        "kind": "ordinary",
        "name": "Đào tạo nghề đan lát cho lao động nông thôn",
        "objectives": "Đào tạo 40 lao động",
        "implementing_org": Organisation.objects.get(code="ttkc-08-2025").pk,
        "lead_province": tuyen_quang.pk,
        "start_date": "2027-03-01",
        "end_date": "2027-10-31",
        "budget_lines": [
            {
                "category": "training",
                "item": "Thuê giáo viên",
                "state_support": 150_000_000,
                "counterpart": 0,
            },
            {
                "category": "training",
                "item": "Nguyên vật liệu",
                "state_support": 50_000_000,
                "counterpart": 30_000_000,
            },
        ],
        "beneficiaries": [
            {"establishment": beneficiary.pk, "planned_support": 20_000_000, "role": "Học viên"}
        ],
        "planned_results": [{"indicator": indicator.pk, "target": "40"}],
    }
    data.update(overrides)
    return data


def to_review(people, project_id: int):
    """Submitted, appraised and forwarded by the DOIT through the API; experts 1 and 2 assigned."""
    doit = api(people["doit"])
    base = f"/api/v1/projects/{project_id}/actions"
    assert doit.post(f"{base}/submit/", {}, format="json").status_code == 200
    appraised = doit.post(
        f"{base}/doit_appraise/",
        {
            "appraised_on": TODAY.isoformat(),
            "body": "Hội đồng thẩm định Sở Công Thương",
            "recommendation": "approve",
            "recommended_amount": 240_000_000,
        },
        format="json",
    )
    assert appraised.status_code == 200, appraised.json()
    assert doit.post(f"{base}/forward/", {}, format="json").json()["status"] == "forwarded"
    council = council_2027(people)
    project = Project.objects.get(pk=project_id)
    appraisal.assign_experts(
        user=people["agency"],
        council=council,
        project=project,
        experts=[people["expert1"], people["expert2"]],
    )
    return council


def submit_review(people, expert: str, project_id: int, score=8, amount=240_000_000):
    assignment = ExpertAssignment.objects.get(project_id=project_id, expert=people[expert])
    criteria = assignment.council.criteria_set.criteria.all()
    appraisal.save_review(
        user=people[expert],
        assignment=assignment,
        scores={c.pk: {"value": score} for c in criteria},
        recommendation="approve",
        recommended_amount=amount,
        submit=True,
    )
    return assignment


def appraised_by_council(people, project_id: int) -> None:
    council = to_review(people, project_id)
    submit_review(people, "expert1", project_id)
    submit_review(people, "expert2", project_id)
    appraisal.session_conclude(
        user=people["agency"],
        council=council,
        held_on=TODAY,
        place="Hà Nội",
        present=list(council.members.all()[:2]),
        minutes="Biên bản phiên họp",
    )
    assert Project.objects.get(pk=project_id).status == Status.AGENCY_APPRAISED


# --- proposals --------------------------------------------------------------------------------------------


def test_the_provincial_officer_creates_a_proposal_with_its_parts(
    people, round_2027, tuyen_quang, beneficiary
):
    client = api(people["doit"])
    response = client.post(
        "/api/v1/projects/", proposal_payload(round_2027, tuyen_quang, beneficiary), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"].startswith("KCQG-2027-08-") and body["status"] == "draft" and body["version"] == 1
    assert [line["state_support"] for line in body["budget_lines"]] == [150_000_000, 50_000_000]
    assert [line["order"] for line in body["budget_lines"]] == [1, 2]
    assert body["beneficiaries"][0]["establishment"] == beneficiary.pk
    assert body["planned_results"][0]["target"] == "40.00"
    assert body["money"]["requested"] == 0  # nothing is requested before the proposal is filed

    project = Project.objects.get(pk=body["id"])
    assert project.lead_province_now == tuyen_quang
    assert sum(project.budget_lines.values_list("state_support", flat=True)) == 200_000_000
    assert list(project.events.values_list("kind", flat=True)) == ["created"]

    detail = client.get(f"/api/v1/projects/{project.pk}/").json()
    assert detail["lead_province_now_name"] == tuyen_quang.name
    assert set(detail["money"]) >= {"requested", "plan", "paid", "settled", "refunded", "still_to_pay"}

    # a full update (PUT) replaces the general information and the parts sent
    payload = proposal_payload(round_2027, tuyen_quang, beneficiary, name="Tên đầy đủ mới", version=1)
    payload["budget_lines"] = payload["budget_lines"][:1]
    replaced = client.put(f"/api/v1/projects/{project.pk}/", payload, format="json")
    assert replaced.status_code == 200, replaced.json()
    assert replaced.json()["version"] == 2 and replaced.json()["name"] == "Tên đầy đủ mới"
    assert list(project.budget_lines.values_list("state_support", flat=True)) == [150_000_000]


def test_a_proposal_in_another_province_is_refused_naming_the_field(people, round_2027, hanoi, beneficiary):
    response = api(people["doit"]).post(
        "/api/v1/projects/", proposal_payload(round_2027, hanoi, beneficiary), format="json"
    )
    assert response.status_code == 400
    assert "lead_province" in fields_of(response)
    assert not Project.objects.exists()


def test_another_provinces_centre_cannot_be_named_as_the_implementing_unit(
    client, people, round_2027, tuyen_quang, beneficiary
):
    """A province names its own bodies or national organisations; another province's centre (or the
    ministry) is refused on the implementing_org field – and is not offered on the page."""
    other_centre = Organisation.objects.filter(kind="extension_centre").exclude(province=tuyen_quang).first()
    ministry = Organisation.objects.filter(kind="ministry").first()
    for org in (other_centre, ministry):
        payload = proposal_payload(round_2027, tuyen_quang, beneficiary, implementing_org=org.pk)
        response = api(people["doit"]).post("/api/v1/projects/", payload, format="json")
        assert response.status_code == 400, org
        assert "implementing_org" in fields_of(response)
    assert not Project.objects.exists()
    client.force_login(people["doit"])
    form = client.get("/de-an/them/").context["form"]
    offered = set(form.fields["implementing_org"].queryset.values_list("pk", flat=True))
    assert other_centre.pk not in offered and ministry.pk not in offered
    assert Organisation.objects.get(code="ttkc-08-2025").pk in offered  # its own centre
    payload = proposal_payload(round_2027, tuyen_quang, beneficiary)
    assert api(people["doit"]).post("/api/v1/projects/", payload, format="json").status_code == 201


def test_a_role_that_does_not_file_cannot_create(people, round_2027, tuyen_quang, beneficiary):
    payload = proposal_payload(round_2027, tuyen_quang, beneficiary)
    for who in ("leader", "expert1"):
        assert api(people[who]).post("/api/v1/projects/", payload, format="json").status_code == 403
    assert not Project.objects.exists()


def test_update_with_a_stale_version_is_a_conflict(people, make_proposal):
    project = make_proposal()
    client = api(people["doit"])
    url = f"/api/v1/projects/{project.pk}/"
    first = client.patch(url, {"name": "Tên mới của đề án", "version": 1}, format="json")
    assert first.status_code == 200, first.json()
    assert first.json()["version"] == 2 and first.json()["name"] == "Tên mới của đề án"

    stale = client.patch(url, {"name": "Tên khác", "version": 1}, format="json")
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "conflict" and error["current_version"] == 2 and error["changed_fields"]
    missing = client.patch(url, {"name": "Tên khác"}, format="json")
    assert missing.status_code == 400 and "version" in fields_of(missing)
    project.refresh_from_db()
    assert project.name == "Tên mới của đề án" and project.version == 2


def test_bad_money_is_a_400_naming_the_field_and_changes_nothing(people, make_proposal):
    project = make_proposal()
    client = api(people["doit"])
    url = f"/api/v1/projects/{project.pk}/"
    line = {"category": "training", "item": "Chi phí lớp học", "counterpart": 0}
    for bad, message in (("hai trăm triệu", "Phải là một số nguyên hợp lệ."), (-5, "lớn hơn hoặc bằng 0")):
        response = client.patch(
            url, {"version": 1, "budget_lines": [{**line, "state_support": bad}]}, format="json"
        )
        assert response.status_code == 400
        errors = fields_of(response)["budget_lines"]["0"]
        assert list(errors) == ["state_support"] and message in errors["state_support"][0]
    # a row of a part is sent whole, even in a PATCH
    incomplete = client.patch(
        url, {"version": 1, "budget_lines": [{"category": "training", "state_support": 1}]}, format="json"
    )
    assert incomplete.status_code == 400 and "item" in fields_of(incomplete)["budget_lines"]["0"]
    project.refresh_from_db()
    assert project.version == 1
    assert list(project.budget_lines.values_list("state_support", flat=True)) == [250_000_000]


def test_a_part_sent_replaces_the_part(people, make_proposal, tuyen_quang, hanoi):
    project = make_proposal()
    response = api(people["doit"]).patch(
        f"/api/v1/projects/{project.pk}/",
        {
            "version": 1,
            "budget_lines": [{"category": "equipment", "item": "Máy đan", "state_support": 90_000_000}],
            "locations": [
                {"province": tuyen_quang.pk, "share_bp": 7000},
                {"province": hanoi.pk, "share_bp": 3000},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [(x["item"], x["counterpart"]) for x in body["budget_lines"]] == [("Máy đan", 0)]
    assert sorted(x["share_bp"] for x in body["locations"]) == [3000, 7000]
    assert len(body["planned_results"]) == 1  # not sent: unchanged

    foreign = Indicator.objects.filter(content__code="nang-luc-quan-ly").first()
    wrong = api(people["doit"]).patch(
        f"/api/v1/projects/{project.pk}/",
        {"version": 2, "planned_results": [{"indicator": foreign.pk, "target": 3}]},
        format="json",
    )
    assert wrong.status_code == 400 and list(fields_of(wrong)) == ["planned_results"]
    assert list(project.planned_results.values_list("target", flat=True)) == [60]


# --- actions and ledger ----------------------------------------------------------------------------------


def test_submit_through_the_actions_endpoint_writes_the_ledger(people, make_proposal):
    project = make_proposal()
    client = api(people["doit"])
    base = f"/api/v1/projects/{project.pk}"
    names = [a["name"] for a in client.get(f"{base}/actions/").json()]
    assert names == ["submit", "withdraw"]

    response = client.post(f"{base}/actions/submit/", {}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "submitted"
    assert body["money"]["requested"] == 250_000_000 and body["money"]["counterpart_requested"] == 120_000_000

    entries = client.get(f"{base}/ledger/").json()
    assert {(e["kind"], e["amount"]) for e in entries} == {
        ("requested", 250_000_000),
        ("counterpart_requested", 120_000_000),
    }
    assert (
        sum(e["amount"] for e in entries if e["kind"] == "requested")
        == (
            LedgerEntry.objects.filter(project=project, kind=LedgerKind.REQUESTED).aggregate(s=Sum("amount"))[
                "s"
            ]
        )
    )

    actions = {a["name"]: a for a in client.get(f"{base}/actions/").json()}
    assert "submit" not in actions and "doit_appraise" in actions
    assert {f["name"] for f in actions["doit_appraise"]["fields"] if f["required"]} == {
        "appraised_on",
        "body",
        "recommendation",
        "recommended_amount",
    }
    again = client.post(f"{base}/actions/submit/", {}, format="json")
    assert again.status_code == 403
    assert str(transitions.ACTIONS["submit"].label) in again.json()["error"]["message"]
    assert client.post(f"{base}/actions/launch_rocket/", {}, format="json").status_code == 404


def test_action_fields_and_service_rules_are_400s_naming_the_fields(people, make_proposal):
    project = make_proposal()
    client = api(people["doit"])
    url = f"/api/v1/projects/{project.pk}/actions"
    client.post(f"{url}/submit/", {}, format="json")
    empty = client.post(f"{url}/doit_appraise/", {}, format="json")
    assert empty.status_code == 400
    assert {"appraised_on", "body", "recommendation", "recommended_amount"} <= set(fields_of(empty))
    too_much = client.post(
        f"{url}/doit_appraise/",
        {
            "appraised_on": TODAY.isoformat(),
            "body": "Tổ thẩm định",
            "recommendation": "approve",
            "recommended_amount": "300.000.000",
        },
        format="json",
    )
    assert too_much.status_code == 400 and list(fields_of(too_much)) == ["recommended_amount"]
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_another_province_gets_404_a_reader_gets_403(people, make_proposal):
    project = make_proposal()
    base = f"/api/v1/projects/{project.pk}"
    hanoi = api(people["other_doit"])
    assert hanoi.get(f"{base}/").status_code == 404
    assert hanoi.get(f"{base}/actions/").status_code == 404
    assert hanoi.get(f"{base}/ledger/").status_code == 404
    assert hanoi.post(f"{base}/actions/submit/", {}, format="json").status_code == 404
    assert hanoi.patch(f"{base}/", {"name": "X", "version": 1}, format="json").status_code == 404
    assert hanoi.get("/api/v1/projects/").json()["count"] == 0

    leader = api(people["leader"])  # national read-only: sees the project, may not act on it
    assert leader.get(f"{base}/").status_code == 200
    assert leader.get(f"{base}/actions/").json() == []
    refused = leader.post(f"{base}/actions/submit/", {}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["message"]
    assert leader.patch(f"{base}/", {"name": "X", "version": 1}, format="json").status_code == 403
    project.refresh_from_db()
    assert project.status == Status.DRAFT and project.name != "X"


def test_anonymous_requests_are_refused(make_proposal):
    project = make_proposal()
    client = api()
    for url in (
        "/api/v1/projects/",
        f"/api/v1/projects/{project.pk}/",
        f"/api/v1/projects/{project.pk}/ledger/",
        "/api/v1/decisions/",
        "/api/v1/reviews/",
        "/api/v1/reports/consolidation/",
        "/api/v1/reports/plan/",
    ):
        response = client.get(url)
        assert response.status_code in (401, 403) and "error" in response.json(), url
    assert client.post(f"/api/v1/projects/{project.pk}/actions/submit/", {}, format="json").status_code in (
        401,
        403,
    )
    project.refresh_from_db()
    assert project.status == Status.DRAFT


# --- list filters -----------------------------------------------------------------------------------------


def test_list_filters(people, make_proposal, hanoi):
    training = make_proposal()
    management = make_proposal(
        content="nang-luc-quan-ly", name="Hội thảo nâng cao năng lực quản trị hợp tác xã", state=80_000_000
    )
    later = make_proposal(round=None, plan_year=2028, name="Đào tạo nghề gốm năm 2028")
    in_hanoi = make_proposal(
        user=people["other_doit"],
        lead_province=hanoi,
        name="Đào tạo nghề gốm Bát Tràng",
        round=None,
        # Hà Nội's own centre: a province does not name another province's centre
        implementing_org=Organisation.objects.filter(kind="extension_centre", province=hanoi).first(),
    )
    api(people["doit"]).post(f"/api/v1/projects/{training.pk}/actions/submit/", {}, format="json")
    client = api(people["agency"])

    def codes(**params):
        body = client.get("/api/v1/projects/", params).json()
        return {row["code"] for row in body["results"]}

    assert codes() == {p.code for p in (training, management, later, in_hanoi)}
    assert codes(plan_year=2028) == {later.code}
    assert codes(status="submitted") == {training.code}
    assert codes(status="draft") == {p.code for p in (management, later, in_hanoi)}
    assert codes(content=management.content_id) == {management.code}
    assert codes(province=hanoi.pk) == {in_hanoi.code}
    assert codes(q="hoi thao nang cao") == {management.code}  # accent-insensitive, like the list page
    assert codes(source="kcdp") == set()
    row = next(r for r in client.get("/api/v1/projects/").json()["results"] if r["code"] == training.code)
    assert row["requested"] == 250_000_000 and row["plan"] == 0 and row["status"] == "submitted"
    invalid = client.get("/api/v1/projects/", {"status": "flying"})
    assert invalid.status_code == 400 and "status" in fields_of(invalid)
    # the provincial officer lists only what its scope holds
    assert {r["code"] for r in api(people["doit"]).get("/api/v1/projects/").json()["results"]} == {
        training.code,
        management.code,
        later.code,
    }


# --- experts ----------------------------------------------------------------------------------------------


def test_an_expert_sees_only_the_proposals_assigned_and_others_scores_after_submitting(people, make_proposal):
    assigned = make_proposal()
    other = make_proposal(name="Đề án không giao cho chuyên gia")
    to_review(people, assigned.pk)

    expert = api(people["expert1"])
    listed = expert.get("/api/v1/projects/").json()
    assert [r["id"] for r in listed["results"]] == [assigned.pk]
    assert expert.get(f"/api/v1/projects/{assigned.pk}/").status_code == 200
    assert expert.get(f"/api/v1/projects/{other.pk}/").status_code == 404
    assert api(people["expert3"]).get("/api/v1/projects/").json()["count"] == 0

    mine = ExpertAssignment.objects.get(project=assigned, expert=people["expert1"])
    theirs = ExpertAssignment.objects.get(project=assigned, expert=people["expert2"])
    submit_review(people, "expert2", assigned.pk, score=6)  # the other expert submits first
    reviews = expert.get("/api/v1/reviews/").json()
    assert [(r["id"], r["mine"]) for r in reviews["results"]] == [(mine.pk, True)]
    assert expert.get(f"/api/v1/reviews/{theirs.pk}/").status_code == 404

    submit_review(people, "expert1", assigned.pk, score=8)
    reviews = {r["id"]: r for r in expert.get("/api/v1/reviews/").json()["results"]}
    assert set(reviews) == {mine.pk, theirs.pk}
    assert reviews[mine.pk]["score"] == "80.00" and reviews[theirs.pk]["score"] == "60.00"
    assert {s["value"] for s in reviews[theirs.pk]["scores"]} == {"6.00"}
    assert [r["id"] for r in expert.get("/api/v1/reviews/", {"mine": "true"}).json()["results"]] == [mine.pk]
    assert api(people["expert3"]).get("/api/v1/reviews/").json()["count"] == 0


# --- decisions and reports --------------------------------------------------------------------------------


def decision_payload(number: str, date: datetime.date, kind="allocation") -> dict:
    return {
        "kind": kind,
        "number": number,
        "date": date.isoformat(),
        "signer": "Thứ trưởng",
        "issuer": Organisation.objects.get(code="bo-cong-thuong").pk,
        "plan_year": 2027,
        "source": "kcqg",
        "title": "Phân bổ kế hoạch kinh phí KCQG năm 2027",
    }


def test_decisions_and_reports_add_up_to_the_ledger(people, make_proposal):
    approved = make_proposal()
    filed = make_proposal(name="Đề án chỉ mới nộp", state=100_000_000, counterpart=10_000_000)
    appraised_by_council(people, approved.pk)
    api(people["doit"]).post(f"/api/v1/projects/{filed.pk}/actions/submit/", {}, format="json")

    # a province cannot record a national decision
    refused = api(people["doit"]).post(
        "/api/v1/decisions/", decision_payload("99/QĐ-BCT", TODAY), format="json"
    )
    assert refused.status_code == 403

    agency = api(people["agency"])
    decided_on = TODAY - datetime.timedelta(days=10)
    created = agency.post("/api/v1/decisions/", decision_payload("101/QĐ-BCT", decided_on), format="json")
    assert created.status_code == 201, created.json()
    decision_id = created.json()["id"]
    too_much = agency.post(
        f"/api/v1/decisions/{decision_id}/lines/",
        {"project": approved.pk, "action": "approve", "amount": 300_000_000},
        format="json",
    )
    assert too_much.status_code == 400 and "amount" in fields_of(too_much)
    line = agency.post(
        f"/api/v1/decisions/{decision_id}/lines/",
        {"project": approved.pk, "action": "approve", "amount": 240_000_000},
        format="json",
    )
    assert line.status_code == 201, line.json()
    assert api(people["doit"]).post(f"/api/v1/decisions/{decision_id}/issue/").status_code == 403
    issued = agency.post(f"/api/v1/decisions/{decision_id}/issue/")
    assert issued.status_code == 200, issued.json()
    assert issued.json()["is_issued"] and issued.json()["total"] == 240_000_000
    assert [x["project"] for x in issued.json()["lines"]] == [approved.pk]
    detail = api(people["doit"]).get(f"/api/v1/decisions/{decision_id}/").json()
    assert detail["lines"][0]["change"] == 240_000_000
    assert api(people["doit"]).get(f"/api/v1/projects/{approved.pk}/").json()["status"] == "approved"

    report = agency.get("/api/v1/reports/consolidation/", {"plan_year": 2027, "source": "kcqg"})
    assert report.status_code == 200
    table = report.json()
    ledger = dict(
        LedgerEntry.objects.filter(plan_year=2027, source="kcqg")
        .values("kind")
        .annotate(s=Sum("amount"))
        .values_list("kind", "s")
    )
    assert ledger[LedgerKind.REQUESTED] == 350_000_000 and ledger[LedgerKind.ALLOCATED] == 240_000_000
    total = table["total"]
    for kind, amount in ledger.items():
        assert total["amounts"][kind] == amount, kind
    assert total["amounts"]["plan"] == 240_000_000 and total["proposals"] == 2
    [province] = table["provinces"]
    assert province["amounts"] == total["amounts"] and province["proposals"] == 2
    assert sum(row["amounts"]["requested"] for row in table["contents"]) == 350_000_000
    # another province's officer sees none of it
    hanoi_table = api(people["other_doit"]).get("/api/v1/reports/consolidation/", {"plan_year": 2027}).json()
    assert hanoi_table["total"]["amounts"]["requested"] == 0 and hanoi_table["provinces"] == []

    plan = agency.get("/api/v1/reports/plan/", {"plan_year": 2027, "source": "kcqg"}).json()
    assert plan["at"]["amount"] == 240_000_000 and plan["at"]["projects"] == 1
    assert [(v["number"], v["change"], v["plan"]) for v in plan["versions"]] == [
        ("101/QĐ-BCT", 240_000_000, 240_000_000)
    ]
    assert plan["executed"] == {"amount": 0, "projects": 0}
    before = agency.get(
        "/api/v1/reports/plan/",
        {"plan_year": 2027, "on": (decided_on - datetime.timedelta(days=1)).isoformat()},
    ).json()
    assert before["at"]["amount"] == 0
    bad = agency.get("/api/v1/reports/plan/", {"plan_year": "năm nay", "on": "31/02/2027"})
    assert bad.status_code == 400 and {"plan_year", "on"} <= set(fields_of(bad))


def test_the_schema_documents_the_projects_api(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/projects/",
        "/api/v1/projects/{id}/actions/",
        "/api/v1/projects/{id}/actions/{name}/",
        "/api/v1/projects/{id}/ledger/",
        "/api/v1/decisions/{id}/lines/",
        "/api/v1/decisions/{id}/issue/",
        "/api/v1/reports/consolidation/",
        "/api/v1/reports/plan/",
        "/api/v1/reviews/",
    ):
        assert path in paths, path
