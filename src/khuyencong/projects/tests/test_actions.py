"""The table of project actions is the one home of each action: the page and the API read it alike."""

import inspect

import pytest
from django import forms
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.core.actions import Action
from khuyencong.projects.actions import PROJECT_ACTIONS
from khuyencong.projects.models import Status
from khuyencong.projects.services import transitions
from khuyencong.projects.services.roles import owner_doit_or_agency

pytestmark = pytest.mark.django_db
NOTES: list[dict] = []


class NoteForm(forms.Form):
    text = forms.CharField(label="Text", max_length=50)


def record_note(*, user, project, text):
    """The service of the action registered by the test below."""
    NOTES.append({"user": user, "project": project.pk, "text": text})


NOTE = Action(
    "note",
    "Write a note",
    sources=frozenset({Status.DRAFT}),
    allowed=owner_doit_or_agency,
    form=NoteForm,
    service=f"{__name__}.record_note",
)


def test_every_action_has_a_form_and_a_service_that_takes_its_fields():
    assert len(PROJECT_ACTIONS) == 17
    for action in PROJECT_ACTIONS:
        assert action.form is not None, action.name
        parameters = inspect.signature(PROJECT_ACTIONS.service(action.name)).parameters
        takes_any = any(p.kind == p.VAR_KEYWORD for p in parameters.values())
        for name in ["user", "project", *action.form.base_fields, *action.files]:
            assert name in parameters or (takes_any and name not in ("user", "project")), (action.name, name)
        for name, parameter in parameters.items():
            # every argument the service requires comes from the form (or is the actor and the project)
            if parameter.default is parameter.empty and parameter.kind == parameter.KEYWORD_ONLY:
                assert name in ("user", "project", *action.form.base_fields, *action.files), (
                    action.name,
                    name,
                )
    # the services check the very entry the pages offer
    assert transitions.ACTIONS is PROJECT_ACTIONS


def test_an_action_is_declared_once_and_the_page_and_the_api_both_serve_it(
    people, make_proposal, monkeypatch
):
    monkeypatch.setitem(PROJECT_ACTIONS._actions, "note", NOTE)
    NOTES.clear()
    project = make_proposal()

    page = reverse("projects:action", args=[project.pk, "note"])
    client = APIClient()
    client.force_login(people["doit"])
    assert "Write a note" in client.get(page).content.decode()
    refused = client.post(page, {"text": ""})
    assert refused.status_code == 200 and not NOTES
    assert client.post(page, {"text": "from the page"}).status_code == 302
    assert [n["text"] for n in NOTES] == ["from the page"]

    base = f"/api/v1/projects/{project.pk}/actions"
    offered = {a["name"]: a for a in client.get(f"{base}/").json()}
    assert offered["note"]["fields"] == [
        {"name": "text", "label": "Text", "type": "string", "required": True}
    ]
    assert client.post(f"{base}/note/", {}, format="json").status_code == 400
    assert client.post(f"{base}/note/", {"text": "from the API"}, format="json").status_code == 200
    assert [n["text"] for n in NOTES] == ["from the page", "from the API"]

    # who may: the same entry refuses the same people in both doors
    other = APIClient()
    other.force_login(people["leader"])
    assert other.post(page, {"text": "x"}).status_code == 403
    assert other.post(f"{base}/note/", {"text": "x"}, format="json").status_code == 403
    assert len(NOTES) == 2


def test_an_action_not_in_the_table_is_404_in_both_doors(people, make_proposal):
    project = make_proposal()
    client = APIClient()
    client.force_login(people["doit"])
    assert client.get(reverse("projects:action", args=[project.pk, "note"])).status_code == 404
    assert client.post(f"/api/v1/projects/{project.pk}/actions/note/", {}, format="json").status_code == 404
