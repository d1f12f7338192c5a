"""Bad ids and numbers sent to the project cycle answer 404, 400 or a field error – never a 500
(issue 9 §3)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.projects.models import ExpertAssignment, Score
from khuyencong.projects.tests.test_api import to_review

pytestmark = pytest.mark.django_db
HUGE = "100000000000000000000"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/decisions/{id}/issue/",
        "/api/v1/decisions/{id}/lines/",
        "/api/v1/projects/{id}/actions/return/",
    ],
)
def test_custom_api_actions_answer_404_for_an_id_that_cannot_be_one(people, url):
    client = APIClient()
    client.force_login(people["agency"])
    for value in ("abc", HUGE, "0", "1.5"):
        response = client.post(url.format(id=value), {}, format="json")
        assert response.status_code == 404, (value, response.content)
        assert response.json()["error"]["status"] == 404


def test_a_score_that_is_not_a_number_is_a_field_error(client, people, make_proposal):
    project = make_proposal()
    to_review(people, project.pk)
    assignment = ExpertAssignment.objects.get(project=project, expert=people["expert1"])
    criterion = assignment.council.criteria_set.criteria.first()
    client.force_login(people["expert1"])
    for value in ("abc", "NaN", "Infinity", "-Infinity", "1e400", "sNaN"):
        response = client.post(
            reverse("projects:review", args=[assignment.pk]), {f"score_{criterion.pk}": value}
        )
        assert response.status_code == 200, value
        assert "Nhập điểm bằng một số" in response.content.decode(), value
    assert not Score.objects.filter(assignment=assignment).exists()
    response = client.post(reverse("projects:review", args=[assignment.pk]), {f"score_{criterion.pk}": "7,5"})
    assert response.status_code == 302
    assert Score.objects.get(assignment=assignment, criterion=criterion).value == 7.5


def test_every_error_of_a_score_sheet_is_shown_at_once_and_nothing_is_saved(client, people, make_proposal):
    """Scores above the maximum, not numbers or between half points and an amount that cannot be
    read: each field's error on the same answer, not the amount's alone."""
    project = make_proposal()
    to_review(people, project.pk)
    assignment = ExpertAssignment.objects.get(project=project, expert=people["expert1"])
    first, second, *_rest = assignment.council.criteria_set.criteria.all()
    client.force_login(people["expert1"])
    url = reverse("projects:review", args=[assignment.pk])
    response = client.post(
        url,
        {
            f"score_{first.pk}": str(first.max_score + 1),
            f"score_{second.pk}": "abc",
            "recommended_amount": "-100",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Điểm phải từ 0 đến {first.max_score}." in page
    assert "Nhập điểm bằng một số" in page
    assert "Số tiền không được âm." in page
    response = client.post(url, {f"score_{first.pk}": "1,3", f"score_{second.pk}": "1"})
    assert "Điểm chấm theo bước nửa điểm, ví dụ 7 hoặc 7,5." in response.content.decode()
    response = client.post(url, {f"score_{first.pk}": "1", "recommended_amount": "abc"})
    assert response.status_code == 200
    assert not Score.objects.filter(assignment=assignment).exists()  # the readable score was not kept


def test_forwarding_ignores_ids_that_cannot_be_ids(client, people, round_2027):
    client.force_login(people["doit"])
    response = client.post(
        reverse("projects:round_forward", args=[round_2027.pk]), {"projects": ["abc", HUGE, "²"]}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/decisions/", "province"),
        ("/api/v1/decisions/", "plan_year"),
        ("/api/v1/projects/", "plan_year"),
        ("/api/v1/projects/", "content"),
        ("/api/v1/reviews/", "project"),
        ("/api/v1/reviews/", "council"),
        ("/api/v1/users/", "organisation"),
    ],
)
def test_api_filters_refuse_what_cannot_be_a_number_with_a_400(people, make_user, url, name):
    client = APIClient()
    client.force_login(make_user("admin", username="bad_input_admin"))
    for value in ("abc", HUGE, "-" + HUGE, "1e400"):
        response = client.get(url, {name: value})
        assert response.status_code == 400, (url, name, value, response.content)
        assert name in response.json()["error"]["fields"]
