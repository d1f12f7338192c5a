"""Today's API endpoints tried with odd values and from outside the scope (2026-11-30 review):
never a 500; outside the scope 404 (or 403 where the record is visible)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from knox.models import AuthToken

from khuyencong.accounts.services import issue_api_token
from khuyencong.projects.models import ExpertAssignment, RegistrationRound
from khuyencong.projects.tests.test_api import api
from khuyencong.projects.tests.test_history_scope import blind_review  # noqa: F401 – the fixture

pytestmark = pytest.mark.django_db
HUGE = "9" * 30
ODD_IDS = ["abc", "-1", "0", HUGE, "1e3", "%20", "1.5"]
ODD_DATES = ["31/02/2019", "2019-02-31", "", "abc", "0001-01-01", "9999-12-31", "2019-13-01", HUGE]


@pytest.fixture(autouse=True)
def _no_throttle_left_over():
    from django.core.cache import cache

    cache.clear()


def _ok(response) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:300])


def test_review_endpoints_take_odd_values_without_a_crash(people, blind_review):  # noqa: F811
    _project, first, second = blind_review
    for user in people.values():
        client = api(user)
        for pk in [*ODD_IDS, str(first.pk), str(second.pk)]:
            _ok(client.get(f"/api/v1/reviews/{pk}/"))
            _ok(client.post(f"/api/v1/reviews/{pk}/scores/", {}, format="json"))
            _ok(client.post(f"/api/v1/reviews/{pk}/conflict/", {"conflict_reason": "x"}, format="json"))
        for pending in ["true", "false", "xyz", "", HUGE]:
            _ok(client.get("/api/v1/reviews/", {"pending": pending}))
    client = api(people["expert2"])
    criterion = first.council.criteria_set.criteria.first()
    for body in [
        {"scores": [{"criterion": HUGE, "value": 1}]},
        {"scores": [{"criterion": -1, "value": 1}]},
        {"scores": [{"criterion": criterion.pk, "value": HUGE}]},
        {"scores": [{"criterion": criterion.pk, "value": "-5"}]},
        {"scores": [{"criterion": criterion.pk, "value": "1e20"}]},
        {"scores": [{"criterion": criterion.pk, "value": "NaN"}]},
        {"scores": [{"criterion": criterion.pk, "value": "Infinity"}]},
        {"scores": "abc"},
        {"scores": [1, 2]},
        {"scores": {"a": 1}},
        {"recommended_amount": HUGE},
        {"recommended_amount": "-5"},
        {"recommended_amount": "1,5 tỷ"},
        {"recommended_amount": "1e20"},
        {"recommendation": "xyz"},
        {"submit": "xyz"},
        ["a"],
        "abc",
    ]:
        _ok(client.post(f"/api/v1/reviews/{second.pk}/scores/", body, format="json"))
    assert not ExpertAssignment.objects.get(pk=second.pk).submitted_at


def test_a_province_sees_no_review_and_no_council(people, blind_review):  # noqa: F811
    _project, first, second = blind_review
    for who in ("doit", "other_doit", "unit"):
        client = api(people[who])
        assert client.get("/api/v1/reviews/").json()["count"] == 0, who
        for pk in (first.pk, second.pk):
            assert client.get(f"/api/v1/reviews/{pk}/").status_code == 404, who
            assert client.post(f"/api/v1/reviews/{pk}/conflict/", {}, format="json").status_code == 404
            assert client.post(f"/api/v1/reviews/{pk}/scores/", {}, format="json").status_code == 404
        councils = client.get("/api/v1/councils/")
        assert councils.status_code in (403, 404) or councils.json()["count"] == 0, (who, councils.json())
        response = client.get(f"/api/v1/councils/{first.council_id}/")
        assert response.status_code in (403, 404), who


def test_councils_take_odd_values(people, blind_review):  # noqa: F811
    project, first, _second = blind_review
    for user in (people["agency"], people["expert1"], people["doit"]):
        client = api(user)
        for pk in ODD_IDS:
            _ok(client.get(f"/api/v1/councils/{pk}/"))
            _ok(client.post(f"/api/v1/councils/{pk}/assign/", {"project": HUGE}, format="json"))
            _ok(client.post(f"/api/v1/councils/{pk}/sessions/", {"held_on": "31/02/2019"}, format="json"))
        for params in [{"round": "abc"}, {"round": HUGE}, {"plan_year": "abc"}, {"ordering": "xyz"}]:
            _ok(client.get("/api/v1/councils/", params))
        council = first.council_id
        for body in [
            {"project": HUGE, "experts": [HUGE]},
            {"project": project.pk, "experts": "abc"},
            {"project": project.pk, "experts": [-1, "x"]},
            {"held_on": "31/02/2019"},
            {"held_on": "9999-12-31", "number": "x" * 1000},
        ]:
            _ok(client.post(f"/api/v1/councils/{council}/assign/", body, format="json"))
            _ok(client.post(f"/api/v1/councils/{council}/sessions/", body, format="json"))
        for body in [{}, {"name": "x" * 1000}, {"round": HUGE}, {"criteria_set": "abc"}, ["x"]]:
            _ok(client.post("/api/v1/councils/", body, format="json"))


def test_rounds_take_odd_values(people, round_2027, tuyen_quang, hanoi):
    before = RegistrationRound.objects.count()
    for who in ("agency", "doit", "expert1"):
        client = api(people[who])
        for day in ODD_DATES:
            for body in [
                {"plan_year": 2028, "source": "kcqg", "name": "x", "opens_on": day, "deadline": "2028-01-01"},
                {
                    "plan_year": 2028,
                    "source": "kcdp",
                    "province": tuyen_quang.pk,
                    "name": "x",
                    "opens_on": "2027-01-01",
                    "deadline": day,
                },
            ]:
                _ok(client.post("/api/v1/rounds/", body, format="json"))
            _ok(client.post(f"/api/v1/rounds/{round_2027.pk}/deadline/", {"deadline": day}, format="json"))
            _ok(client.patch(f"/api/v1/rounds/{round_2027.pk}/", {"deadline": day}, format="json"))
            _ok(client.patch(f"/api/v1/rounds/{round_2027.pk}/", {"opens_on": day}, format="json"))
        for body in [
            {
                "plan_year": "abc",
                "source": "kcqg",
                "name": "x",
                "opens_on": "2027-01-01",
                "deadline": "2028-01-01",
            },
            {
                "plan_year": HUGE,
                "source": "kcqg",
                "name": "x",
                "opens_on": "2027-01-01",
                "deadline": "2028-01-01",
            },
            {
                "plan_year": 2009,
                "source": "kcqg",
                "name": "x",
                "opens_on": "2027-01-01",
                "deadline": "2028-01-01",
            },
            {
                "plan_year": 2028,
                "source": "xyz",
                "name": "x",
                "opens_on": "2027-01-01",
                "deadline": "2028-01-01",
            },
            {
                "plan_year": 2028,
                "source": "kcdp",
                "province": HUGE,
                "name": "x",
                "opens_on": "2027-01-01",
                "deadline": "2028-01-01",
            },
            {
                "plan_year": 2028,
                "source": "kcdp",
                "province": "abc",
                "name": "x",
                "opens_on": "2027-01-01",
                "deadline": "2028-01-01",
            },
            {
                "plan_year": 2028,
                "source": "kcdp",
                "province": {"a": 1},
                "name": "x",
                "opens_on": "2027-01-01",
                "deadline": "2028-01-01",
            },
            {
                "plan_year": 2028,
                "source": "kcqg",
                "name": "",
                "opens_on": "2027-01-01",
                "deadline": "2028-01-01",
            },
            {
                "plan_year": 2028,
                "source": "kcqg",
                "name": "x" * 1000,
                "opens_on": "2028-01-01",
                "deadline": "2027-01-01",
            },
            ["x"],
            "abc",
        ]:
            _ok(client.post("/api/v1/rounds/", body, format="json"))
        for body in [
            {"deadline": "2027-12-31", "province": HUGE},
            {"deadline": "2027-12-31", "province": -1},
            {"deadline": "2027-12-31", "province": "abc"},
            {"deadline": "2027-12-31", "province": hanoi.pk},
            {"deadline": "1900-01-01", "province": tuyen_quang.pk},
            ["x"],
        ]:
            _ok(client.post(f"/api/v1/rounds/{round_2027.pk}/deadline/", body, format="json"))
        for body in [
            {"name": ""},
            {"name": "x" * 1000},
            {"note": None},
            {"opens_on": "2099-01-01"},
            ["x"],
            "abc",
        ]:
            _ok(client.patch(f"/api/v1/rounds/{round_2027.pk}/", body, format="json"))
        for pk in ODD_IDS:
            _ok(client.get(f"/api/v1/rounds/{pk}/"))
            _ok(client.patch(f"/api/v1/rounds/{pk}/", {"name": "x"}, format="json"))
            _ok(client.post(f"/api/v1/rounds/{pk}/deadline/", {"deadline": "2027-12-31"}, format="json"))
    assert RegistrationRound.objects.count() == before, list(
        RegistrationRound.objects.values("plan_year", "source", "province", "name", "opens_on", "deadline")
    )


def test_history_of_odd_or_hidden_records(people, blind_review):  # noqa: F811
    project, _first, second = blind_review
    for user in people.values():
        client = api(user)
        for path in [
            f"projects/project/{HUGE}",
            "projects/project/0",
            "nothing/project/1",
            "projects/nothing/1",
            "auth/user/1",
            "accounts/user/1",
            "knox/authtoken/1",
            "core/objectchange/1",
            "contenttypes/contenttype/1",
            "sessions/session/1",
            "exchange/importbatch/1",
            f"projects/expertassignment/{second.pk}",
        ]:
            _ok(client.get(f"/api/v1/history/{path}/"))
        for params in [
            {"date_from": "31/02/2019"},
            {"date_to": HUGE},
            {"action": "xyz"},
            {"origin": "xyz"},
            {"user": "x" * 1000},
            {"model": "xyz"},
            {"page": HUGE},
            {"page": "abc"},
            {"page_size": HUGE},
        ]:
            _ok(client.get("/api/v1/history/", params))
    # the expert's draft: outside the province's scope, 404
    ct = ContentType.objects.get_for_model(ExpertAssignment)
    for who in ("doit", "other_doit", "leader", "expert3", "unit"):
        response = api(people[who]).get(f"/api/v1/history/{ct.app_label}/{ct.model}/{second.pk}/")
        assert response.status_code == 404, who
    # another province's project
    response = api(people["other_doit"]).get(f"/api/v1/history/projects/project/{project.pk}/")
    assert response.status_code == 404


def test_tokens_of_another_user_cannot_be_revoked_or_read(people):
    own, _own_key = issue_api_token(people["doit"])
    other, _other_key = issue_api_token(people["agency"])
    client = api(people["doit"])
    listed = client.get("/api/v1/me/tokens/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert other.token_key not in str(rows)
    assert client.delete(f"/api/v1/me/tokens/{other.token_key}/").status_code == 404
    assert AuthToken.objects.filter(pk=other.pk).exists()
    for key in ["", "x" * 2000, "%00", "' OR 1=1 --", HUGE, own.token_key[:4]]:
        _ok(client.delete(f"/api/v1/me/tokens/{key}/"))
    assert AuthToken.objects.filter(pk=other.pk).exists()
    for body in [{"name": "x" * 5000}, {"expiry": HUGE}, {"expiry": -1}, {"days": "abc"}, ["x"], "abc"]:
        _ok(client.post("/api/v1/me/tokens/", body, format="json"))
    for body in [
        {"old_password": "x" * 10000, "new_password1": "a", "new_password2": "a"},
        {"old_password": None},
        ["x"],
        "abc",
    ]:
        _ok(client.post("/api/v1/me/password/", body, format="json"))


def test_a_token_key_with_a_nul_byte_is_404_on_the_page_and_in_the_api(client, people):
    issue_api_token(people["doit"])
    client.force_login(people["doit"])
    for key in ("%00", "ab%00cd", "x" * 2000):
        assert api(people["doit"]).delete(f"/api/v1/me/tokens/{key}/").status_code == 404
        assert client.post(f"/tai-khoan/token/{key}/thu-hoi/").status_code == 404
    assert AuthToken.objects.filter(user=people["doit"]).count() == 1
