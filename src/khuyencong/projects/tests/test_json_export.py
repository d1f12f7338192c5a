"""The project list as JSON (``?export=json``): the list's columns under their keys, numbers as
numbers, within the user's scope and the list's filters, streamed."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from khuyencong.orgs.models import Organisation
from khuyencong.projects.services import transitions

pytestmark = pytest.mark.django_db


def _json(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.streaming  # written row by row, never held whole
    return json.loads(b"".join(response.streaming_content))


@pytest.fixture
def two_provinces(people, make_proposal, hanoi):
    mine = transitions.project_submit(user=people["doit"], project=make_proposal(state=120_000_000))
    theirs = make_proposal(
        user=people["other_doit"],
        state=70_000_000,
        lead_province=hanoi,
        implementing_org=Organisation.objects.get(code="ttkc-01-2025"),
    )
    transitions.project_submit(user=people["other_doit"], project=theirs)
    return mine, theirs


def test_a_province_exports_only_its_own_projects(client, people, two_provinces):
    mine, theirs = two_provinces
    client.force_login(people["doit"])
    data = _json(client.get(reverse("projects:list"), {"export": "json"}))
    codes = [row["code"] for row in data["rows"]]
    assert mine.code in codes and theirs.code not in codes
    assert data["count"] == len(data["rows"]) == 1
    # the agency reads both
    client.force_login(people["agency"])
    both = _json(client.get(reverse("projects:list"), {"export": "json"}))
    assert {mine.code, theirs.code} <= {row["code"] for row in both["rows"]}


def test_the_json_holds_the_csv_columns_and_numbers_as_numbers(client, people, two_provinces):
    mine, _theirs = two_provinces
    client.force_login(people["agency"])
    data = _json(client.get(reverse("projects:list"), {"export": "json", "q": mine.code}))
    text = b"".join(client.get(reverse("projects:list"), {"export": "csv", "q": mine.code}).streaming_content)
    header, *lines = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert [c["label"] for c in data["columns"]] == header  # the same columns, in the same order
    assert len(data["rows"]) == len(lines) == 1
    row = data["rows"][0]
    assert list(row) == [c["key"] for c in data["columns"]]
    requested = next(c for c in data["columns"] if c["label"] == "Đăng ký (đồng)")["key"]
    assert row[requested] == 120_000_000 and isinstance(row[requested], int)
    assert row["plan_year"] == 2027


def test_the_json_follows_the_filters(client, people, two_provinces, hanoi):
    _mine, theirs = two_provinces
    client.force_login(people["agency"])
    page = client.get(reverse("projects:list"))
    assert "export=json" in page.content.decode()  # offered beside CSV and Excel
    only = _json(client.get(reverse("projects:list"), {"export": "json", "q": theirs.code}))
    assert [row["code"] for row in only["rows"]] == [theirs.code]
    nothing = _json(client.get(reverse("projects:list"), {"export": "json", "q": "khong-co-ma-nay"}))
    assert nothing["rows"] == [] and nothing["count"] == 0


def test_a_formula_in_a_name_stays_as_typed_in_json(client, people, make_proposal):
    project = make_proposal(name='=HYPERLINK("http://x","y")')
    client.force_login(people["doit"])
    data = _json(client.get(reverse("projects:list"), {"export": "json", "q": project.code}))
    assert data["rows"][0]["name"] == '=HYPERLINK("http://x","y")'  # JSON runs nothing: kept exact
