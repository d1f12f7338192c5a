"""``POST /api/v1/projects/forward/``: a DOIT forwards several appraised proposals to the agency at
once, as from the registration round's page – the same service (``transitions.projects_forward``),
all or none, the same scope and roles."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from khuyencong.core.models import ObjectChange
from khuyencong.projects.models import Project, ProjectEvent, Status
from khuyencong.projects.services import transitions
from khuyencong.projects.services.ledger import money_of
from khuyencong.projects.tests.test_api import TODAY, api
from khuyencong.testing.factories import user_with_role

pytestmark = pytest.mark.django_db
URL = "/api/v1/projects/forward/"


def submitted(people, make_proposal) -> Project:
    project = make_proposal()
    transitions.project_submit(user=people["doit"], project=project)
    return project


def appraised(people, make_proposal, recommendation: str = "approve") -> Project:
    project = submitted(people, make_proposal)
    transitions.project_doit_appraise(
        user=people["doit"],
        project=project,
        appraised_on=TODAY,
        body="Hội đồng thẩm định Sở Công Thương",
        recommendation=recommendation,
        recommended_amount=money_of(project).requested,
    )
    return project


def statuses(*projects: Project) -> list[str]:
    return [Project.objects.get(pk=p.pk).status for p in projects]


def error_of(response) -> dict:
    body = response.json()
    assert "error" in body, body
    return body["error"]


def test_a_doit_forwards_several_appraised_proposals_at_once(people, make_proposal):
    first, second = appraised(people, make_proposal), appraised(people, make_proposal)
    response = api(people["doit"]).post(URL, {"projects": [second.pk, first.pk]}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(p["id"] for p in body) == sorted([first.pk, second.pk])
    assert {p["status"] for p in body} == {"forwarded"}
    assert statuses(first, second) == [Status.FORWARDED, Status.FORWARDED]
    for project in (first, second):
        event = ProjectEvent.objects.filter(project=project).latest("id")
        assert (event.kind, event.user, event.to_status) == ("forwarded", people["doit"], Status.FORWARDED)
        assert ObjectChange.objects.filter(object_id=project.pk, origin="api", user=people["doit"]).exists()


def test_the_agency_forwards_too(people, make_proposal):
    project = appraised(people, make_proposal)
    assert api(people["agency"]).post(URL, {"projects": [project.pk]}, format="json").status_code == 200
    assert statuses(project) == [Status.FORWARDED]


def test_another_provinces_proposal_is_not_found_and_nothing_is_forwarded(people, make_proposal):
    mine = appraised(people, make_proposal)
    hanoi = api(people["other_doit"])  # Hà Nội's DOIT: Tuyên Quang's proposals are outside its scope
    response = hanoi.post(URL, {"projects": [mine.pk]}, format="json")
    assert response.status_code == 404
    with translation.override("vi"):
        assert error_of(response)["message"] == _("There is no proposal %(id)s among those you can see.") % {
            "id": mine.pk
        }
    # one outside the scope among the user's own: 404 and none forwarded
    other = appraised(people, make_proposal)
    missing = Project.objects.order_by("-pk").first().pk + 1000
    assert api(people["doit"]).post(URL, {"projects": [other.pk, missing]}, format="json").status_code == 404
    assert statuses(mine, other) == [Status.DOIT_APPRAISED, Status.DOIT_APPRAISED]


def test_a_proposal_in_the_wrong_status_stops_all_and_is_named(people, make_proposal):
    ready = appraised(people, make_proposal)
    waiting = submitted(people, make_proposal)
    response = api(people["doit"]).post(URL, {"projects": [ready.pk, waiting.pk]}, format="json")
    assert response.status_code == 400
    (message,) = error_of(response)["fields"]["projects"]
    assert message.startswith(f"{waiting.code}: ") and ready.code not in message
    with translation.override("vi"):
        assert f"“{Project.objects.get(pk=waiting.pk).get_status_display()}”" in message
    assert statuses(ready, waiting) == [Status.DOIT_APPRAISED, Status.SUBMITTED]
    assert not ProjectEvent.objects.filter(kind="forwarded").exists()


def test_a_proposal_the_doit_does_not_recommend_is_refused(people, make_proposal):
    ready = appraised(people, make_proposal)
    rejected = appraised(people, make_proposal, recommendation="reject")
    response = api(people["doit"]).post(URL, {"projects": [ready.pk, rejected.pk]}, format="json")
    assert response.status_code == 403
    assert error_of(response)["message"].startswith(f"{rejected.code}: ")
    assert statuses(ready, rejected) == [Status.DOIT_APPRAISED, Status.DOIT_APPRAISED]


@pytest.mark.parametrize("role", ["expert", "public", "leader", "implementing_unit"])
def test_roles_that_do_not_forward_are_refused(people, make_proposal, role):
    project = appraised(people, make_proposal)
    user = user_with_role(role, username=f"f_{role}")
    response = api(user).post(URL, {"projects": [project.pk]}, format="json")
    assert response.status_code == 403
    assert api().post(URL, {"projects": [project.pk]}, format="json").status_code == 401
    assert statuses(project) == [Status.DOIT_APPRAISED]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"projects": []}, "Choose at least one proposal."),
        ({}, "Choose at least one proposal."),
        ({"projects": None}, "Choose at least one proposal."),
        ({"projects": {"a": 1}}, "Choose at least one proposal."),
        ({"projects": "abc"}, None),
        ({"projects": ["abc"]}, None),
        ({"projects": [10**30]}, None),
        ({"projects": [1e30]}, None),
        ({"projects": [-1, 0]}, None),
        ({"projects": [True]}, None),
        ({"projects": [[1]]}, None),
        ({"projects": [{"id": 1}]}, None),
        ({"projects": ["²"]}, None),
        ({"projects": list(range(1, 502))}, "Choose at most %(max)s at once."),
        ("not an object", "Choose at least one proposal."),
        ([1, 2], "Choose at least one proposal."),
    ],
)
def test_odd_input_is_a_400_naming_the_field(people, make_proposal, body, message):
    project = appraised(people, make_proposal)
    response = api(people["doit"]).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    fields = error_of(response)["fields"]
    assert list(fields) == ["projects"] and fields["projects"][0]
    if message is not None:
        with translation.override("vi"):
            assert fields["projects"] == [_(message) % {"max": 500}]
    assert statuses(project) == [Status.DOIT_APPRAISED]


def test_an_id_given_twice_is_a_400(people, make_proposal):
    project = appraised(people, make_proposal)
    response = api(people["doit"]).post(URL, {"projects": [project.pk, str(project.pk)]}, format="json")
    assert response.status_code == 400
    with translation.override("vi"):
        assert error_of(response)["fields"]["projects"] == [
            _("%(pk)s is given more than once.") % {"pk": project.pk}
        ]
    assert statuses(project) == [Status.DOIT_APPRAISED]


def test_a_form_encoded_body_works_too(people, make_proposal):
    project = appraised(people, make_proposal)
    response = api(people["doit"]).post(URL, {"projects": [project.pk]})  # multipart, as a form sends
    assert response.status_code == 200, response.content
    assert statuses(project) == [Status.FORWARDED]


def test_the_schema_documents_the_endpoint(people):
    schema = api(people["agency"]).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][URL]["post"]
    assert "200" in operation["responses"] and operation["requestBody"]


def test_the_round_page_forwards_all_or_none_through_the_same_service(people, make_proposal, round_2027):
    ready = appraised(people, make_proposal)
    waiting = submitted(people, make_proposal)
    client = Client()
    client.force_login(people["doit"])
    forward = reverse("projects:round_forward", args=[round_2027.pk])
    response = client.post(forward, {"projects": [ready.pk, waiting.pk]}, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and shown[0].startswith(f"{waiting.code}: ")
    assert statuses(ready, waiting) == [Status.DOIT_APPRAISED, Status.SUBMITTED]
    client.post(forward, {"projects": [ready.pk]})
    assert statuses(ready) == [Status.FORWARDED]
