"""The change log through /api/v1/history/: the same records, the same scope filter and the same
presentation as the history pages – a project's history never shows an expert's blind review to
the province, the leaders or an expert who has not submitted."""

import pytest
from django.contrib.contenttypes.models import ContentType

from khuyencong.core.models import ObjectChange
from khuyencong.projects.models import Council
from khuyencong.projects.tests.test_api import api
from khuyencong.projects.tests.test_history_scope import (  # noqa: F401 – the fixture
    SECRET_AMOUNT,
    SECRET_COMMENT,
    blind_review,
    history_url,
    shown_records,
)
from khuyencong.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


def api_url(obj) -> str:
    ct = ContentType.objects.get_for_model(type(obj))
    return f"/api/v1/history/{ct.app_label}/{ct.model}/{obj.pk}/"


def test_the_api_shows_each_viewer_what_the_history_page_shows(client, people, blind_review):  # noqa: F811
    project, first, second = blind_review
    for who, user in people.items():
        client.force_login(user)
        reader = api(user)
        for obj in (project, first, second, Council.objects.get()):
            page = client.get(history_url(obj))
            answer = reader.get(api_url(obj), {"page_size": 500})
            assert answer.status_code == page.status_code, (who, obj)
            if page.status_code != 200:
                continue
            body = answer.json()
            changes = ObjectChange.objects.filter(pk__in=[row["id"] for row in body["results"]])
            assert {(c.content_type.model_class(), c.object_id) for c in changes} == shown_records(page), (
                who,
                obj,
            )
            assert body["count"] == page.context["page_obj"].paginator.count


@pytest.mark.parametrize("who", ["doit", "provincial_leader", "leader", "expert2"])
def test_the_blind_review_stays_out_of_the_projects_history_in_the_api(people, blind_review, who):  # noqa: F811
    project, first, _second = blind_review
    reader = api(people[who])
    answer = reader.get(api_url(project), {"page_size": 500})
    assert answer.status_code == 200
    text = answer.content.decode()
    assert SECRET_COMMENT not in text and SECRET_AMOUNT not in text and "123456000" not in text
    assert people["expert1"].get_full_name() not in text
    assert reader.get(api_url(first)).status_code == 404


def test_the_history_reads_as_the_page_reads_it_and_outside_the_scope_is_404(people, blind_review):  # noqa: F811
    project, _first, _second = blind_review
    body = api(people["agency"]).get(api_url(project), {"page_size": 500}).json()
    text = str(body)
    assert SECRET_COMMENT in text and f"{SECRET_AMOUNT} đồng" in text
    created = [row for row in body["results"] if row["action"] == "create" and row["kind"] == "Đề án"]
    assert created and created[0]["action_display"]
    assert all("/" in row["time_display"] for row in body["results"])
    # another province's project, an unknown kind of record, a record that is not audited
    assert api(people["other_doit"]).get(api_url(project)).status_code == 404
    assert api(people["agency"]).get("/api/v1/history/projects/nothing/1/").status_code == 404
    assert api(people["agency"]).get("/api/v1/history/contenttypes/contenttype/1/").status_code == 404
    assert api(people["public"]).get(api_url(project)).status_code == 403
    assert api().get(api_url(project)).status_code in (401, 403)


def test_only_administrators_read_the_whole_change_log(people, blind_review):  # noqa: F811
    admin = user_with_role("admin", username="p_admin")
    everything = api(admin).get("/api/v1/history/", {"page_size": 500})
    assert everything.status_code == 200 and everything.json()["count"] == ObjectChange.objects.count()
    by_action = api(admin).get("/api/v1/history/", {"action": "delete", "model": "score"}).json()
    assert (
        by_action["count"]
        == ObjectChange.objects.filter(action="delete", content_type__model="score").count()
    )
    assert api(admin).get("/api/v1/history/", {"date_from": "not a date"}).status_code == 200
    for who in ("agency", "doit", "leader"):
        refused = api(people[who]).get("/api/v1/history/")
        assert refused.status_code == 403
        assert refused.json()["error"]["message"] == (
            "Chỉ quản trị hệ thống của Bộ mới xem được toàn bộ nhật ký thay đổi."
        )
