"""A year typed in a list filter is a year the product accepts anywhere (1900–2100): year 0, -1 or
10000 is a field error on the page and an empty, valid answer from the API – never a 500 (the
database cannot build a date of year 0)."""

import pytest

from khuyencong.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = ("0", "-1", "1899", "2101", "10000", "99999")


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_legal_documents_by_a_year_out_of_range(client, value):
    response = client.get("/danh-muc/van-ban/", {"year": value})  # a public page: no login
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()  # the message under the year field


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_projects_by_a_plan_year_out_of_range(client, value):
    client.force_login(user_with_role("programme_officer", username="agency_years"))
    response = client.get("/de-an/", {"plan_year": value})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()


def test_a_year_in_range_still_filters(client):
    assert client.get("/danh-muc/van-ban/", {"year": "2012"}).status_code == 200
    assert "invalid-feedback" not in client.get("/danh-muc/van-ban/", {"year": "2012"}).content.decode()
