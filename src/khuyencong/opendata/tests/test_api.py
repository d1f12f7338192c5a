"""``/api/v1/open-data/``: the package's resources and their rows as JSON, without a token."""

from __future__ import annotations

import pytest

from khuyencong.opendata import package

pytestmark = pytest.mark.django_db


def test_the_resources_are_listed_without_a_token(client, published):
    response = client.get("/api/v1/open-data/")
    assert response.status_code == 200
    body = response.json()
    assert [r["name"] for r in body["resources"]] == package.NAMES == [r.name for r in package.resources()]
    projects = body["resources"][0]
    assert projects["schema"]["primaryKey"] == ["code"]
    assert projects["rows"].endswith("/api/v1/open-data/projects/")
    assert projects["csv"].endswith("/du-lieu-mo/data/projects.csv")
    assert body["licenses"][0]["name"] == "CC-BY-4.0"


def test_rows_page_by_page_as_the_csv_holds_them(client, published):
    first = client.get("/api/v1/open-data/projects/", {"page_size": 1}).json()
    assert first["count"] == 2 and len(first["results"]) == 1 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["next"] is None and second["previous"]
    codes = [first["results"][0]["code"], second["results"][0]["code"]]
    assert codes == sorted([published["approved"].code, published["own"].code])
    row = first["results"][0]
    assert list(row) == [f.name for f in package.get("projects").fields]
    assert row["plan_year"] == 2020 and row["start_date"] == "2020-03-01"
    amounts = client.get("/api/v1/open-data/funds-by-year-content/").json()["results"]
    assert amounts[0]["approved"] == 130_000_000  # a number, not text


def test_wrong_requests_are_named(client, published):
    assert client.get("/api/v1/open-data/khong-co/").status_code == 404
    too_many = client.get("/api/v1/open-data/projects/", {"page_size": 5000})
    assert too_many.status_code == 400 and "page_size" in too_many.json()["error"]["fields"]
    beyond = client.get("/api/v1/open-data/projects/", {"page": 99}).json()
    assert beyond["results"] == [] and beyond["count"] == 2
