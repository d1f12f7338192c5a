"""History pages pass through the viewer's scope: a project's history never shows a part of it (an
expert's blind review, its scores) that the viewer cannot open – for every role, through HTTP."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from khuyencong.core.models import ObjectChange
from khuyencong.projects.models import BudgetLine, Council, ExpertAssignment, Project
from khuyencong.projects.services import appraisal, transitions
from khuyencong.projects.services.ledger import money_of
from khuyencong.testing.appraisal import council_2027
from khuyencong.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

SECRET_COMMENT = "Nhận xét kín: thiết bị đội giá"
SECRET_AMOUNT = "123.456.000"  # the first expert's recommendation, as the page would format it
DRAFT_COMMENT = "Bản nháp của chuyên gia thứ hai"


def history_url(obj):
    ct = ContentType.objects.get_for_model(type(obj))
    return reverse("core:object_history", args=[ct.app_label, ct.model, obj.pk])


@pytest.fixture
def blind_review(people, make_proposal, tuyen_quang):
    """A proposal under expert review: expert 1 has submitted, expert 2 has only saved a draft."""
    people["expert1"].full_name = "Chuyên gia Đoàn Kín Đáo"
    people["expert1"].save()
    project = make_proposal()
    transitions.project_submit(user=people["doit"], project=project)
    transitions.project_doit_appraise(
        user=people["doit"],
        project=project,
        appraised_on=datetime.date.today(),
        body="Hội đồng thẩm định Sở Công Thương",
        recommendation="approve",
        recommended_amount=money_of(project).requested,
    )
    transitions.project_forward(user=people["doit"], project=project)
    council = council_2027(people)
    appraisal.assign_experts(
        user=people["agency"],
        council=council,
        project=project,
        experts=[people["expert1"], people["expert2"]],
    )
    first = ExpertAssignment.objects.get(project=project, expert=people["expert1"])
    second = ExpertAssignment.objects.get(project=project, expert=people["expert2"])
    criteria = list(council.criteria_set.criteria.all())
    appraisal.save_review(
        user=people["expert1"],
        assignment=first,
        scores={c.pk: {"value": 7} for c in criteria},
        recommendation="approve_with_changes",
        recommended_amount=123_456_000,
        comment=SECRET_COMMENT,
        submit=True,
    )
    appraisal.save_review(
        user=people["expert2"],
        assignment=second,
        scores={criteria[0].pk: {"value": 5}},
        comment=DRAFT_COMMENT,
    )
    people["provincial_leader"] = user_with_role("leader", province=tuyen_quang, username="p_leader_tq")
    people["public"] = user_with_role("public", username="p_public")
    project.refresh_from_db()
    return project, first, second


def shown_records(response):
    """(model, id) of every change listed on a history page."""
    return {(row.change.content_type.model_class(), row.change.object_id) for row in response.context["rows"]}


def test_no_history_page_shows_a_record_outside_the_viewers_scope(client, people, blind_review):
    project, first, second = blind_review
    pages = [project, first, second, Council.objects.get()]
    for who, user in people.items():
        client.force_login(user)
        for obj in pages:
            response = client.get(history_url(obj))
            visible = type(obj).objects.restrict(user).filter(pk=obj.pk).exists()
            if who == "public":
                assert response.status_code == 403
                continue
            assert response.status_code == (200 if visible else 404), (who, obj)
            if response.status_code != 200:
                continue
            for model, pk in shown_records(response):
                if (model, pk) == (type(obj), obj.pk) or model.audit_scope_from_parent:
                    continue
                assert model.objects.restrict(user).filter(pk=pk).exists(), (who, obj, model, pk)


@pytest.mark.parametrize("who", ["doit", "provincial_leader", "leader", "expert2"])
def test_the_blind_review_stays_out_of_the_project_history(client, people, blind_review, who):
    project, first, _second = blind_review
    client.force_login(people[who])
    response = client.get(history_url(project))
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET_COMMENT not in html and SECRET_AMOUNT not in html and "123456000" not in html
    assert people["expert1"].get_full_name() not in html  # the blind review names no expert
    assert people["expert1"].username not in html
    assert (ExpertAssignment, first.pk) not in shown_records(response)
    if who != "expert2":  # the second expert sees their own assignment's changes, nobody else's
        assert "Phân công chuyên gia" not in html
    # the review itself answers 404 to them, and so does its history
    assert client.get(reverse("projects:review", args=[first.pk])).status_code == 404
    assert client.get(history_url(first)).status_code == 404


def test_the_unsubmitted_expert_sees_their_own_draft_only(client, people, blind_review):
    project, _first, _second = blind_review
    client.force_login(people["expert2"])
    html = client.get(history_url(project)).content.decode()
    assert DRAFT_COMMENT in html and SECRET_COMMENT not in html
    client.force_login(people["expert1"])  # submitted: may now read the other reviews, as on its pages
    html = client.get(history_url(project)).content.decode()
    assert SECRET_COMMENT in html and DRAFT_COMMENT in html


def test_the_agency_reads_the_reviews_formatted(client, people, blind_review):
    project, _first, _second = blind_review
    client.force_login(people["agency"])
    response = client.get(history_url(project))
    html = response.content.decode()
    assert SECRET_COMMENT in html and f"{SECRET_AMOUNT} đồng" in html
    assert "phê duyệt có điều chỉnh" in html and "approve_with_changes" not in html
    assert "under_review" not in html and "chuyên gia đang thẩm định" in html
    assert people["doit"].get_full_name() in html  # who acted, by name, not login
    assert ">p_doit<" not in html


def test_the_province_sees_experts_only_as_a_role(client, people, blind_review):
    project, _first, _second = blind_review
    client.force_login(people["doit"])
    rows = client.get(history_url(project)).context["rows"]
    experts = {people["expert1"].pk, people["expert2"].pk}
    assert {row.who for row in rows if row.change.user_id in experts} == {"Chuyên gia thẩm định"}
    client.force_login(people["agency"])
    rows = client.get(history_url(project)).context["rows"]
    assert people["expert1"].get_full_name() in {row.who for row in rows}


def test_deleted_parts_are_shown_only_when_their_scope_is_their_parents(client, people, blind_review):
    project, _first, second = blind_review
    line = BudgetLine.objects.filter(project=project).first()
    line_pk = line.pk
    line.delete()
    second_pk = second.pk
    second.delete()  # e.g. withdrawn by the agency: it can no longer be checked row by row
    client.force_login(people["doit"])
    records = shown_records(client.get(history_url(project)))
    assert (BudgetLine, line_pk) in records  # a budget line is seen exactly as its project is
    assert (ExpertAssignment, second_pk) not in records
    client.force_login(people["expert2"])
    assert client.get(history_url(project)).status_code == 404  # no longer assigned
    client.force_login(people["agency"])
    assert (ExpertAssignment, second_pk) in shown_records(client.get(history_url(project)))
    assert ObjectChange.objects.filter(object_id=second_pk, action="delete").exists()


def test_public_account_sees_no_history_link(client, people, blind_review, tuyen_quang):
    people_public = user_with_role("public", username="p_public2")
    unit_page = tuyen_quang.get_absolute_url()
    client.force_login(people_public)
    response = client.get(unit_page)
    assert response.status_code == 200
    assert 'data-testid="history-link"' not in response.content.decode()
    assert client.get(history_url(tuyen_quang)).status_code == 403
    client.force_login(people["doit"])
    assert 'data-testid="history-link"' in client.get(unit_page).content.decode()
    project = Project.objects.get(pk=blind_review[0].pk)
    assert 'data-testid="history-link"' in client.get(project.get_absolute_url()).content.decode()


def test_on_the_demo_data_no_history_page_shows_a_part_outside_the_scope(client):
    """Every demo account, the history of records of every kind that has parts (projects,
    decisions, councils, assignments, establishments, accounts …): each listed part is one the
    account may open; a record it may not open answers 404 (403 for the public account)."""
    from django.core.management import call_command

    from khuyencong.accounts.models import User

    call_command("load_demo", verbosity=0)
    # for every kind of part of every kind of record, two records that have such parts
    pairs = ObjectChange.objects.filter(parent_content_type__isnull=False).values_list(
        "parent_content_type", "content_type", "parent_object_id"
    )
    chosen: dict[tuple[int, int], list[int]] = {}
    for parent_ct, part_ct, pk in sorted(set(pairs)):
        if len(chosen.setdefault((parent_ct, part_ct), [])) < 2:
            chosen[(parent_ct, part_ct)].append(pk)
    objects = {}
    for (parent_ct, _part_ct), pks in chosen.items():
        model = ContentType.objects.get_for_id(parent_ct).model_class()
        for obj in model._default_manager.filter(pk__in=pks):
            objects[(model, obj.pk)] = obj
    objects = list(objects.values())
    kinds = {type(o)._meta.model_name for o in objects}
    assert {"project", "decision", "council", "expertassignment", "user"} <= kinds
    for user in User.objects.filter(username__in=DEMO_ACCOUNTS):
        client.force_login(user)
        for obj in objects:
            response = client.get(history_url(obj))
            if user.username == "congchung":
                assert response.status_code == 403
                continue
            visible = type(obj)._default_manager.restrict(user).filter(pk=obj.pk).exists()
            assert response.status_code == (200 if visible else 404), (user.username, obj)
            if not visible:
                continue
            for model, pk in shown_records(response):
                if (model, pk) == (type(obj), obj.pk) or model.audit_scope_from_parent:
                    continue
                assert model._default_manager.restrict(user).filter(pk=pk).exists(), (
                    user.username,
                    obj,
                    model,
                )


DEMO_ACCOUNTS = [
    "quantri",
    "cuc_canbo",
    "chuyengia",
    "tuyenquang_so",
    "dvth_hoinongdan",
    "lanhdao_bo",
    "lanhdao_tinh",
    "congchung",
]


@pytest.mark.parametrize("who", ["doit", "provincial_leader", "leader", "expert2"])
def test_the_timeline_names_no_expert_to_those_the_review_is_blind_for(client, people, blind_review, who):
    """The project page's timeline and ``/timeline/`` follow the history's rule: the event of a
    submitted review names “an appraisal expert”, not the person."""
    project, _first, _second = blind_review
    expert = people["expert1"].get_full_name()
    client.force_login(people[who])
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "expert review submitted" not in html  # (Vietnamese page)
    assert expert not in html and people["expert1"].username not in html
    events = client.get(f"/api/v1/projects/{project.pk}/timeline/").json()
    submitted = [e for e in events if e["kind"] == "review_submitted"]
    assert submitted and all(e["user_name"] == "Chuyên gia thẩm định" for e in submitted)
    assert expert not in str(events)
    client.force_login(people["agency"])  # the agency reads every review, and so the name
    events = client.get(f"/api/v1/projects/{project.pk}/timeline/").json()
    assert [e["user_name"] for e in events if e["kind"] == "review_submitted"] == [expert]


@pytest.mark.parametrize("who", ["leader", "provincial_leader", "doit"])
def test_read_only_leaders_do_not_read_the_reviews(client, people, blind_review, who):
    """The agency runs the appraisal and reads every review; a leader – national or provincial –
    sees the council's result, not an expert's name, scores or comment (pages and API alike)."""
    project, first, second = blind_review
    client.force_login(people[who])
    assert client.get("/api/v1/reviews/").json()["count"] == 0
    for assignment in (first, second):
        assert client.get(f"/api/v1/reviews/{assignment.pk}/").status_code == 404
        assert client.get(reverse("projects:review", args=[assignment.pk])).status_code == 404
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert people["expert1"].get_full_name() not in html and SECRET_COMMENT not in html
    client.force_login(people["agency"])
    assert client.get("/api/v1/reviews/").json()["count"] == 2
