"""What the pages of registration rounds, support norms and the report catalogue show, read through
the API with the same permissions: rounds for the workspace, norms and advance rules for everyone
(as their page), the catalogue for the workspace (as /bao-cao/)."""

from __future__ import annotations

import datetime

import pytest

from khuyencong.projects.models import AdvanceRule, ProvinceDeadline, SupportNorm
from khuyencong.reporting.catalogue import REPORTS
from khuyencong.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_rounds_as_the_rounds_page_shows_them(client, people, round_2027, tuyen_quang):
    ProvinceDeadline.objects.create(
        round=round_2027, province=tuyen_quang, deadline=datetime.date(2026, 5, 10)
    )
    assert client.get("/api/v1/rounds/").status_code in (401, 403)  # the page asks for a sign-in
    client.force_login(user_with_role("public", username="nguoi_dan_2"))
    assert client.get("/api/v1/rounds/").status_code == 403  # a portal account has no workspace
    client.force_login(people["doit"])
    body = client.get("/api/v1/rounds/", {"plan_year": 2027}).json()
    assert [r["id"] for r in body["results"]] == [round_2027.pk]
    row = client.get(f"/api/v1/rounds/{round_2027.pk}/").json()
    assert row["deadline"] == round_2027.deadline.isoformat() and row["province"] is None
    assert row["province_deadlines"] == [
        {"province": tuyen_quang.pk, "province_name": tuyen_quang.name, "deadline": "2026-05-10"}
    ]
    assert client.get("/api/v1/rounds/", {"plan_year": "abc"}).status_code == 400


def test_norms_and_advance_rules_are_public_as_their_page(client):
    norms = client.get("/api/v1/norms/", {"page_size": 500})
    assert norms.status_code == 200
    assert norms.json()["count"] == SupportNorm.objects.count() > 0
    norm = SupportNorm.objects.select_related("content", "legal_basis").first()
    row = client.get(f"/api/v1/norms/{norm.pk}/").json()
    assert (row["code"], row["content_code"], row["legal_basis_number"]) == (
        norm.code,
        norm.content.code,
        norm.legal_basis.number,
    )
    assert row["max_amount"] == norm.max_amount  # whole đồng, a number
    rules = client.get("/api/v1/advance-rules/", {"page_size": 500}).json()
    assert rules["count"] == AdvanceRule.objects.count() > 0
    assert client.post("/api/v1/norms/", {}).status_code in (401, 403, 405)  # nobody writes here


def test_the_report_catalogue_as_the_reports_page(client, people):
    assert client.get("/api/v1/reports/").status_code in (401, 403)
    client.force_login(people["agency"])
    body = client.get("/api/v1/reports/").json()
    assert [r["name"] for r in body] == list(REPORTS)
    first = body[0]
    assert first["title"] == str(REPORTS[first["name"]].title)
    assert {p["name"] for p in first["parameters"]} == set(REPORTS[first["name"]].form.base_fields)
    # each entry's parameters with their defaults read the report itself
    report = client.get(f"/api/v1/reports/{first['name']}/").json()
    defaults = {p["name"]: p["initial"] for p in first["parameters"] if p["initial"] is not None}
    assert {k: report["parameters"].get(k) for k in defaults} == defaults
