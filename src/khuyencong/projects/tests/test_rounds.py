"""Registration rounds and the provinces' own deadlines: through the pages (HTTP) and the service."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from khuyencong.core.models import ObjectChange
from khuyencong.projects.models import ProvinceDeadline, RegistrationRound, Status
from khuyencong.projects.services import rounds, transitions
from khuyencong.projects.services.ledger import money_of

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
ROUNDS = reverse("projects:round_list")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def round_post(**overrides) -> dict:
    data = {
        "plan_year": 2028,
        "source": "kcqg",
        "province": "",
        "name": "Đăng ký KCQG năm 2028",
        "opens_on": TODAY.isoformat(),
        "deadline": (TODAY + datetime.timedelta(days=60)).isoformat(),
        "note": "",
    }
    data.update(overrides)
    return data


def test_the_agency_opens_a_national_round_recorded_in_the_audit_trail(people):
    client = login(people["agency"])
    assert client.get(ROUNDS).context["form"] is not None
    response = client.post(ROUNDS, round_post())
    created = RegistrationRound.objects.get(plan_year=2028)
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert created.province is None and created.source == "kcqg"
    change = ObjectChange.objects.for_object(created).get()
    assert change.user == people["agency"] and change.origin == "web"
    assert client.get(created.get_absolute_url()).status_code == 200


def test_a_doit_opens_only_its_own_provinces_round(people, tuyen_quang, hanoi):
    client = login(people["doit"])
    own = client.post(ROUNDS, round_post(source="kcdp", province=tuyen_quang.pk, name="KCĐP 2028"))
    assert own.status_code == 302
    assert RegistrationRound.objects.get(plan_year=2028, source="kcdp").province == tuyen_quang

    other = client.post(ROUNDS, round_post(plan_year=2029, source="kcdp", province=hanoi.pk))
    assert other.status_code == 200 and "province" in other.context["form"].errors
    national = client.post(ROUNDS, round_post(plan_year=2029))  # the national round is the agency's
    assert national.status_code == 200 and national.context["form"].errors
    assert not RegistrationRound.objects.filter(plan_year=2029).exists()


def test_a_reader_sees_the_rounds_without_a_form_and_may_not_post(people, round_2027):
    client = login(people["leader"])
    page = client.get(ROUNDS)
    assert page.status_code == 200 and page.context["form"] is None
    assert round_2027.name in page.content.decode()
    assert client.post(ROUNDS, round_post()).status_code == 403
    assert not RegistrationRound.objects.filter(plan_year=2028).exists()
    assert Client().get(ROUNDS).status_code == 302  # anonymous: to the sign-in page


def test_a_deadline_before_the_round_opens_is_refused_on_its_field(people):
    client = login(people["agency"])
    yesterday = TODAY - datetime.timedelta(days=1)
    response = client.post(ROUNDS, round_post(deadline=yesterday.isoformat()))
    assert response.status_code == 200 and response.context["form"].errors
    assert not RegistrationRound.objects.filter(plan_year=2028).exists()
    data = {"plan_year": 2028, "source": "kcqg", "name": "X", "opens_on": TODAY, "deadline": yesterday}
    with pytest.raises(ValidationError) as error:  # the same rule for every door, on its field
        rounds.round_create(user=people["agency"], data=data)
    assert list(error.value.message_dict) == ["deadline"]


def test_a_doit_sets_its_own_deadline_in_the_national_round(people, round_2027, tuyen_quang):
    page = round_2027.get_absolute_url()
    client = login(people["doit"])
    assert client.get(page).context["deadline_form"] is not None
    later = round_2027.deadline + datetime.timedelta(days=10)
    response = client.post(page, {"deadline": later.isoformat()})
    assert response.status_code == 302
    own = ProvinceDeadline.objects.get(round=round_2027, province=tuyen_quang)
    assert own.deadline == later and round_2027.deadline_for(tuyen_quang.pk) == later
    assert ObjectChange.objects.for_object(own).get().user == people["doit"]
    shown = client.get(page)
    assert shown.context["my_deadline"] == later

    too_early = client.post(
        page, {"deadline": (round_2027.opens_on - datetime.timedelta(days=1)).isoformat()}
    )
    assert too_early.status_code == 200 and "deadline" in too_early.context["deadline_form"].errors
    own.refresh_from_db()
    assert own.deadline == later

    # the agency and a reader have no province deadline to set
    assert login(people["agency"]).get(page).context["deadline_form"] is None
    leader = login(people["leader"])
    assert leader.get(page).context["deadline_form"] is None
    leader.post(page, {"deadline": TODAY.isoformat()})
    assert ProvinceDeadline.objects.filter(round=round_2027).count() == 1


def test_the_province_deadline_service_checks_who_and_which_round(people, round_2027, tuyen_quang, hanoi):
    with pytest.raises(PermissionDenied):
        rounds.province_deadline_set(
            user=people["doit"], registration_round=round_2027, province_id=hanoi.pk, deadline=TODAY
        )
    provincial = rounds.round_create(
        user=people["doit"],
        data={
            "plan_year": 2028,
            "source": "kcdp",
            "province": tuyen_quang,
            "name": "KCĐP 2028",
            "opens_on": TODAY,
            "deadline": TODAY + datetime.timedelta(days=30),
        },
    )
    with pytest.raises(ValidationError):
        rounds.province_deadline_set(
            user=people["doit"], registration_round=provincial, province_id=tuyen_quang.pk, deadline=TODAY
        )
    with pytest.raises(PermissionDenied):
        rounds.round_create(
            user=people["other_doit"],
            data={
                "plan_year": 2028,
                "source": "kcdp",
                "province": tuyen_quang,
                "name": "X",
                "opens_on": TODAY,
                "deadline": TODAY,
            },
        )
    with pytest.raises(ValidationError) as error:
        rounds.round_create(
            user=people["agency"],
            data={"plan_year": 2030, "source": "kcdp", "name": "X", "opens_on": TODAY, "deadline": TODAY},
        )
    assert "province" in error.value.message_dict


def test_a_doit_forwards_its_appraised_proposals_from_the_round_page(people, make_proposal, round_2027):
    project = make_proposal()
    transitions.project_submit(user=people["doit"], project=project)
    transitions.project_doit_appraise(
        user=people["doit"],
        project=project,
        appraised_on=TODAY,
        body="Hội đồng thẩm định Sở Công Thương",
        recommendation="approve",
        recommended_amount=money_of(project).requested,
    )
    page = round_2027.get_absolute_url()
    client = login(people["doit"])
    assert [p.pk for p in client.get(page).context["forwardable"]] == [project.pk]
    forward = reverse("projects:round_forward", args=[round_2027.pk])
    # another province's officer cannot forward it (it is not in their scope: nothing happens)
    login(people["other_doit"]).post(forward, {"projects": [project.pk]})
    project.refresh_from_db()
    assert project.status == Status.DOIT_APPRAISED

    response = client.post(forward, {"projects": [project.pk]})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.FORWARDED
    assert client.get(page).context["forwardable"] == []
