"""Registration rounds through /api/v1/rounds/: opening a round and a province's own deadline – the
same forms, services, scope and messages as the rounds pages."""

import datetime

import pytest

from khuyencong.core.models import ObjectChange
from khuyencong.projects.models import ProvinceDeadline, RegistrationRound
from khuyencong.projects.tests.test_api import api, fields_of

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def round_body(**overrides) -> dict:
    data = {
        "plan_year": 2028,
        "source": "kcqg",
        "province": None,
        "name": "Đăng ký KCQG năm 2028",
        "opens_on": TODAY.isoformat(),
        "deadline": (TODAY + datetime.timedelta(days=60)).isoformat(),
    }
    data.update(overrides)
    return data


def test_the_agency_opens_a_national_round_and_a_doit_its_provincial_one(people, tuyen_quang, hanoi):
    agency = api(people["agency"])
    backwards = agency.post(
        "/api/v1/rounds/",
        round_body(deadline=(TODAY - datetime.timedelta(days=1)).isoformat()),
        format="json",
    )
    assert backwards.status_code == 400
    assert fields_of(backwards) == {"deadline": ["Hạn chót không được trước ngày mở đăng ký."]}
    assert agency.post("/api/v1/rounds/", {"plan_year": "x"}, format="json").status_code == 400
    created = agency.post("/api/v1/rounds/", round_body(), format="json")
    assert created.status_code == 201, created.json()
    national = RegistrationRound.objects.get(pk=created.json()["id"])
    assert national.province_id is None and created.json()["province_deadlines"] == []
    assert ObjectChange.objects.filter(object_id=national.pk, action="create").exists()

    doit = api(people["doit"])
    # a DOIT opens only its province's KCĐP round: another province is not a choice (400, named)
    elsewhere = doit.post(
        "/api/v1/rounds/", round_body(source="kcdp", province=hanoi.pk, name="KCĐP Hà Nội"), format="json"
    )
    assert elsewhere.status_code == 400 and "province" in fields_of(elsewhere)
    own = doit.post(
        "/api/v1/rounds/",
        round_body(source="kcdp", province=tuyen_quang.pk, name="KCĐP Tuyên Quang"),
        format="json",
    )
    assert own.status_code == 201, own.json()
    assert own.json()["province"] == tuyen_quang.pk
    # roles that open no round: 403
    for who in ("expert1", "leader"):
        assert api(people[who]).post("/api/v1/rounds/", round_body(), format="json").status_code == 403, who
    assert api().post("/api/v1/rounds/", round_body(), format="json").status_code in (401, 403)


def test_a_doit_sets_its_own_deadline_in_the_national_round(
    people, round_2027, tuyen_quang, hanoi, make_proposal
):
    doit = api(people["doit"])
    later = (round_2027.deadline + datetime.timedelta(days=10)).isoformat()
    set_own = doit.post(f"/api/v1/rounds/{round_2027.pk}/deadline/", {"deadline": later}, format="json")
    assert set_own.status_code == 200, set_own.json()
    assert set_own.json()["province_deadlines"] == [
        {"province": tuyen_quang.pk, "province_name": tuyen_quang.name, "deadline": later}
    ]
    assert ProvinceDeadline.objects.get(round=round_2027).province == tuyen_quang
    # another province's deadline: 403; before the round opens: 400 naming the field
    assert (
        doit.post(
            f"/api/v1/rounds/{round_2027.pk}/deadline/",
            {"deadline": later, "province": hanoi.pk},
            format="json",
        ).status_code
        == 403
    )
    early = doit.post(
        f"/api/v1/rounds/{round_2027.pk}/deadline/",
        {"deadline": (round_2027.opens_on - datetime.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert early.status_code == 400 and "deadline" in fields_of(early)
    assert doit.post("/api/v1/rounds/999999/deadline/", {"deadline": later}, format="json").status_code == 404
    # the agency names the province; without one it is asked for it; a unit that is no province: 400
    agency = api(people["agency"])
    assert (
        agency.post(
            f"/api/v1/rounds/{round_2027.pk}/deadline/", {"deadline": later}, format="json"
        ).status_code
        == 400
    )
    assert (
        agency.post(
            f"/api/v1/rounds/{round_2027.pk}/deadline/",
            {"deadline": later, "province": 999999},
            format="json",
        ).status_code
        == 400
    )
    assert (
        agency.post(
            f"/api/v1/rounds/{round_2027.pk}/deadline/",
            {"deadline": later, "province": hanoi.pk},
            format="json",
        ).status_code
        == 200
    )
    # a provincial round has no per-province deadline
    provincial = RegistrationRound.objects.create(
        plan_year=2027,
        source="kcdp",
        province=tuyen_quang,
        name="KCĐP",
        opens_on=TODAY,
        deadline=TODAY + datetime.timedelta(days=5),
    )
    refused = doit.post(f"/api/v1/rounds/{provincial.pk}/deadline/", {"deadline": later}, format="json")
    assert refused.status_code == 400 and "non_field_errors" in fields_of(refused)
    # an expert may not (403), with or without a province
    assert (
        api(people["expert1"])
        .post(f"/api/v1/rounds/{round_2027.pk}/deadline/", {"deadline": later}, format="json")
        .status_code
        == 403
    )
    assert (
        api(people["expert1"])
        .post(
            f"/api/v1/rounds/{round_2027.pk}/deadline/",
            {"deadline": later, "province": hanoi.pk},
            format="json",
        )
        .status_code
        == 403
    )
    # the round's proposals, as its page lists them
    proposal = make_proposal()
    listed = doit.get("/api/v1/projects/", {"round": round_2027.pk}).json()
    assert [r["id"] for r in listed["results"]] == [proposal.pk]
    assert doit.get("/api/v1/projects/", {"round": provincial.pk}).json()["count"] == 0


def test_a_round_is_changed_by_whoever_opened_it(people, round_2027, tuyen_quang, hanoi):
    agency, doit = api(people["agency"]), api(people["doit"])
    later = (round_2027.deadline + datetime.timedelta(days=15)).isoformat()
    changed = agency.patch(
        f"/api/v1/rounds/{round_2027.pk}/", {"deadline": later, "note": "Gia hạn"}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["deadline"] == later and changed.json()["note"] == "Gia hạn"
    assert ObjectChange.objects.filter(object_id=round_2027.pk, action="update").exists()
    # the national round is the agency's: a DOIT sees it but may not change it (403)
    refused = doit.patch(f"/api/v1/rounds/{round_2027.pk}/", {"name": "Khác"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "Bạn không được sửa đợt đăng ký này."
    # dates in the wrong order, or a province's own deadline before the new opening: 400, named
    backwards = agency.patch(
        f"/api/v1/rounds/{round_2027.pk}/",
        {"opens_on": (TODAY + datetime.timedelta(days=365)).isoformat()},
        format="json",
    )
    assert backwards.status_code == 400 and "deadline" in fields_of(backwards)
    doit.post(f"/api/v1/rounds/{round_2027.pk}/deadline/", {"deadline": TODAY.isoformat()}, format="json")
    after_own = agency.patch(
        f"/api/v1/rounds/{round_2027.pk}/",
        {"opens_on": (TODAY + datetime.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert after_own.status_code == 400
    assert fields_of(after_own) == {
        "opens_on": ["Hạn nộp riêng của một tỉnh trong đợt này sớm hơn ngày này."]
    }
    assert agency.patch(f"/api/v1/rounds/{round_2027.pk}/", {"name": ""}, format="json").status_code == 400
    # a DOIT changes its province's round, not another province's (403) nor as an expert (403)
    own = RegistrationRound.objects.create(
        plan_year=2027, source="kcdp", province=tuyen_quang, name="KCĐP", opens_on=TODAY, deadline=TODAY
    )
    theirs = RegistrationRound.objects.create(
        plan_year=2027, source="kcdp", province=hanoi, name="KCĐP HN", opens_on=TODAY, deadline=TODAY
    )
    assert (
        doit.patch(f"/api/v1/rounds/{own.pk}/", {"name": "KCĐP Tuyên Quang 2027"}, format="json").status_code
        == 200
    )
    assert doit.patch(f"/api/v1/rounds/{theirs.pk}/", {"name": "x"}, format="json").status_code == 403
    assert (
        api(people["expert1"]).patch(f"/api/v1/rounds/{own.pk}/", {"name": "x"}, format="json").status_code
        == 403
    )
    assert doit.patch("/api/v1/rounds/999999/", {"name": "x"}, format="json").status_code == 404
    own.refresh_from_db()
    theirs.refresh_from_db()
    assert own.name == "KCĐP Tuyên Quang 2027" and theirs.name == "KCĐP HN"


def test_the_rounds_page_changes_a_round_through_the_same_service(client, people, round_2027, tuyen_quang):
    from django.urls import reverse

    url = reverse("projects:round_detail", args=[round_2027.pk])
    later = round_2027.deadline + datetime.timedelta(days=7)
    client.force_login(people["agency"])
    assert b'data-testid="round-edit"' in client.get(url).content
    body = {
        "edit_round": "1",
        "name": round_2027.name,
        "opens_on": round_2027.opens_on.isoformat(),
        "deadline": later.isoformat(),
        "note": "Gia hạn",
    }
    assert client.post(url, body).status_code == 302
    round_2027.refresh_from_db()
    assert round_2027.deadline == later and round_2027.note == "Gia hạn"
    wrong = client.post(
        url, {**body, "deadline": (round_2027.opens_on - datetime.timedelta(days=1)).isoformat()}
    )
    assert wrong.status_code == 200 and wrong.context["edit_form"].errors["deadline"]
    round_2027.refresh_from_db()
    assert round_2027.deadline == later
    # the DOIT sees the national round without the form, may not post it (403), and keeps its own
    # deadline form working
    client.force_login(people["doit"])
    page = client.get(url)
    assert b'data-testid="round-edit"' not in page.content and page.context["deadline_form"] is not None
    assert client.post(url, {**body, "name": "Khác"}).status_code == 403
    own = (later + datetime.timedelta(days=3)).isoformat()
    assert client.post(url, {"deadline": own}).status_code == 302
    assert round_2027.province_deadlines.get(province=tuyen_quang).deadline.isoformat() == own
