"""``/api/v1/periodic/``: forms, reports within the scope, values and actions; the lock is a 409."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from khuyencong.periodic.models import State
from khuyencong.periodic.tests.conftest import FILLED

pytestmark = pytest.mark.django_db
D = datetime.date
BASE = "/api/v1/periodic"


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_forms_are_public_reference_data():
    body = api().get(f"{BASE}/forms/").json()
    form = next(f for f in body if f["code"] == "bao-cao-quy")
    assert form["sections"][0]["kind"] == "ledger_funds"
    assert form["sections"][0]["fields"][0]["locked"] is True


def test_the_whole_cycle_through_the_api_and_the_lock_is_409(people, tuyen_quang):
    doit, agency = api(people["doit"]), api(people["agency"])
    opened = doit.post(
        f"{BASE}/reports/",
        {
            "form": "bao-cao-quy",
            "province": tuyen_quang.pk,
            "period_start": "2026-04-01",
            "period_end": "2026-06-30",
        },
        format="json",
    )
    assert opened.status_code == 201, opened.content
    pk = opened.json()["id"]
    bad = doit.post(f"{BASE}/reports/{pk}/values/", {"values": {"ctv-xa": "nhiều"}}, format="json")
    assert bad.status_code == 400
    assert "Số xã có cộng tác viên khuyến công: nhập một số nguyên." in str(bad.json())
    odd = doit.post(
        f"{BASE}/reports/{pk}/values/", {"values": {"ctv-xa": True, "tru-so": 2.5}}, format="json"
    )
    assert odd.status_code == 400 and set(odd.json()["error"]["fields"]) == {"ctv-xa", "tru-so"}
    numbers = doit.post(f"{BASE}/reports/{pk}/values/", {"values": {"ctv-xa": 60.0}}, format="json")
    assert {v["code"]: v["value"] for v in numbers.json()["values"]}["ctv-xa"] == 60
    saved = doit.post(f"{BASE}/reports/{pk}/values/", {"values": FILLED}, format="json")
    assert saved.status_code == 200
    values = {v["code"]: v["value"] for v in saved.json()["values"]}
    assert values["can-bo-tong-so"] == 18 and values["kinh-phi-kcqg"] == 0
    assert [a["name"] for a in doit.get(f"{BASE}/reports/{pk}/actions/").json()] == ["submit"]
    assert doit.post(f"{BASE}/reports/{pk}/actions/submit/").status_code == 200
    assert agency.post(f"{BASE}/reports/{pk}/actions/return/", {}, format="json").status_code == 400
    assert agency.post(f"{BASE}/reports/{pk}/actions/return/", {"reason": "Thiếu số liệu"}).status_code == 200
    assert doit.post(f"{BASE}/reports/{pk}/actions/submit/").status_code == 200
    assert doit.post(f"{BASE}/reports/{pk}/actions/approve/").status_code == 403
    assert agency.post(f"{BASE}/reports/{pk}/actions/accept/").status_code == 200
    approved = agency.post(f"{BASE}/reports/{pk}/actions/approve/")
    assert approved.json()["state"] == State.APPROVED
    assert [e["action"] for e in approved.json()["events"]] == [
        "open",
        "submit",
        "return",
        "submit",
        "accept",
        "approve",
    ]
    refused = doit.post(f"{BASE}/reports/{pk}/values/", {"values": {"ctv-xa": "1"}}, format="json")
    assert refused.status_code == 409
    assert "đã được phê duyệt và khóa số liệu" in refused.json()["error"]["message"]
    assert agency.post(f"{BASE}/reports/{pk}/actions/nothing/").status_code == 404


def test_scope_another_province_and_odd_ids_are_404(people, q2_report):
    other = api(people["other_doit"])
    assert other.get(f"{BASE}/reports/").json()["count"] == 0
    assert other.get(f"{BASE}/reports/{q2_report.pk}/").status_code == 404
    assert (
        other.post(f"{BASE}/reports/{q2_report.pk}/values/", {"values": {}}, format="json").status_code == 404
    )
    assert other.post(f"{BASE}/reports/{q2_report.pk}/actions/submit/").status_code == 404
    doit = api(people["doit"])
    assert doit.get(f"{BASE}/reports/").json()["count"] == 1
    for odd in ["999999", "abc", "99999999999999999999"]:
        assert doit.get(f"{BASE}/reports/{odd}/").status_code == 404, odd
    assert api(people["leader"]).post(f"{BASE}/reports/{q2_report.pk}/actions/submit/").status_code == 403
    assert api().get(f"{BASE}/reports/").status_code in (401, 403)
    assert doit.get(f"{BASE}/reports/?period=abc&state=zzz").status_code in (200, 400)


def test_opening_a_wrong_period_is_a_400_naming_it(people, tuyen_quang):
    response = api(people["doit"]).post(
        f"{BASE}/reports/",
        {
            "form": "bao-cao-quy",
            "province": tuyen_quang.pk,
            "period_start": "2026-04-01",
            "period_end": "2026-05-31",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "Đây không phải là kỳ báo cáo" in str(response.json())


def test_what_the_api_refuses_naming_the_field(people, tuyen_quang, q2_report):
    """Found by trying the API as an attacker would: each is refused with a message naming the
    field, and nothing is stored."""
    doit, pk = api(people["doit"]), q2_report.pk

    def opened(start, end):
        return doit.post(
            f"{BASE}/reports/",
            {"form": "bao-cao-quy", "province": tuyen_quang.pk, "period_start": start, "period_end": end},
            format="json",
        )

    for start, end in (("9999-10-01", "9999-12-31"), ("1900-01-01", "1900-03-31")):
        answer = opened(start, end)
        assert answer.status_code == 400 and "kỳ đã bắt đầu" in str(answer.json()), (start, answer.content)

    def values(body):
        return doit.post(f"{BASE}/reports/{pk}/values/", body, format="json")

    cases = [
        (
            {"values": {"chuong-trinh-tinh-so": {"a": 1}}},
            "chuong-trinh-tinh-so",
            "không phải một giá trị đơn",
        ),
        ({"values": {"kinh-phi-kcqg": "NaN"}}, "kinh-phi-kcqg", "sổ theo dõi kinh phí"),
        ({"comments": {"lao-dong-dao-tao": "y" * 2001}}, "lao-dong-dao-tao", "dài quá 2000 ký tự"),
    ]
    for body, field, message in cases:
        answer = values(body)
        assert answer.status_code == 400, (body, answer.content)
        assert field in answer.json()["error"]["fields"] and message in str(answer.json()), answer.content
    answer = values({"values": "abc"})
    assert answer.status_code == 400 and "Cần một đối tượng JSON" in str(answer.json())
    assert not q2_report.values.filter(text__startswith="{").exists()
    # the agency reviews the province's report; it does not fill it in
    assert (
        api(people["agency"])
        .post(f"{BASE}/reports/{pk}/values/", {"values": FILLED}, format="json")
        .status_code
        == 403
    )


def test_an_action_reason_must_be_text(people, filled_report):
    pk = filled_report.pk
    assert api(people["doit"]).post(f"{BASE}/reports/{pk}/actions/submit/").status_code == 200
    answer = api(people["agency"]).post(
        f"{BASE}/reports/{pk}/actions/return/", {"reason": {"a": 1}}, format="json"
    )
    assert answer.status_code == 400 and "reason" in str(answer.json()), answer.content
    filled_report.refresh_from_db()
    assert filled_report.state == State.SUBMITTED


def test_the_document_number_and_signer_through_the_api(people, q2_report):
    doit, pk = api(people["doit"]), q2_report.pk
    answer = doit.post(
        f"{BASE}/reports/{pk}/values/", {"number": "7/BC-SCT", "signer_name": "Trần Thị B"}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert (answer.json()["number"], answer.json()["signer_name"]) == ("7/BC-SCT", "Trần Thị B")
    answer = doit.post(f"{BASE}/reports/{pk}/values/", {"number": "9" * 41}, format="json")
    assert answer.status_code == 400 and "number" in answer.json()["error"]["fields"]
    assert doit.get(f"{BASE}/reports/{pk}/").json()["number"] == "7/BC-SCT"
