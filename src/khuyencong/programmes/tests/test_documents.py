"""A province adds its own legal documents to the registry; periodic reports link to them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from khuyencong.core.models import ObjectChange
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.programmes.models import LegalDocument
from khuyencong.testing.factories import user_with_role

pytestmark = pytest.mark.django_db
NEW = datetime.date(2025, 7, 1)


def province(code: str, new: bool = True) -> AdministrativeUnit:
    units = AdministrativeUnit.objects.filter(level=Level.PROVINCE, code=code)
    return units.get(valid_from=NEW) if new else units.exclude(valid_from=NEW).get()


@pytest.fixture
def officer(db):
    return user_with_role("provincial_officer", province=province("08"), username="doc_tq")


def form_data(**changes):
    data = {
        "number": "1234/QĐ-UBND",
        "kind": "provincial_programme",
        "title": "Phê duyệt Chương trình khuyến công tỉnh Tuyên Quang giai đoạn 2026-2030",
        "issuer": "UBND tỉnh Tuyên Quang",
        "issued_on": "2026-03-15",
        "province": province("08").pk,
    }
    data.update(changes)
    return data


def test_a_province_adds_and_corrects_its_own_document(client, officer):
    client.force_login(officer)
    assert client.get(reverse("programmes:document_create")).status_code == 200
    answer = client.post(reverse("programmes:document_create"), form_data())
    document = LegalDocument.objects.get(number="1234/QĐ-UBND")
    assert answer.status_code == 302 and answer["Location"] == document.get_absolute_url()
    assert document.province == province("08") and document.kind == "provincial_programme"
    created = ObjectChange.objects.get(object_id=document.pk, content_type__model="legaldocument")
    assert created.user == officer and created.action == "create"
    page = client.get(document.get_absolute_url()).content.decode()
    assert reverse("programmes:document_edit", args=[document.pk]) in page
    answer = client.post(
        reverse("programmes:document_edit", args=[document.pk]), form_data(number="1235/QĐ-UBND")
    )
    assert answer.status_code == 302
    document.refresh_from_db()
    assert document.number == "1235/QĐ-UBND"
    # a document of a province it was formed from (former Hà Giang) is its own too
    answer = client.post(
        reverse("programmes:document_create"),
        form_data(
            number="56/2022/QĐ-UBND", kind="provincial_regulation", province=province("02", new=False).pk
        ),
    )
    assert answer.status_code == 302


def test_what_a_province_may_not_add_is_refused_naming_the_field(client, officer):
    client.force_login(officer)
    cases = [
        (form_data(kind="decree"), "kind"),  # not a choice for a province
        (form_data(province=province("01").pk), "province"),  # Hà Nội is not theirs
        (form_data(issued_on="2099-01-01"), "issued_on"),
        (form_data(effective_from="2026-04-01", effective_until="2026-03-01"), "effective_until"),
        (form_data(number=""), "number"),
    ]
    for data, field in cases:
        answer = client.post(reverse("programmes:document_create"), data)
        assert answer.status_code == 400, data
        assert f'data-testid="error-{field}"' in answer.content.decode(), (field, data)
    assert not LegalDocument.objects.filter(
        title__startswith="Phê duyệt Chương trình khuyến công tỉnh"
    ).exists()
    # the same number from the same issuer twice
    assert client.post(reverse("programmes:document_create"), form_data()).status_code == 302
    answer = client.post(reverse("programmes:document_create"), form_data())
    assert answer.status_code == 400 and "Cơ quan ban hành đã có văn bản" in answer.content.decode()


def test_others_read_but_do_not_change_a_provinces_document(client, officer):
    client.force_login(officer)
    client.post(reverse("programmes:document_create"), form_data())
    document = LegalDocument.objects.get(number="1234/QĐ-UBND")
    hanoi = user_with_role("provincial_officer", province=province("01"), username="doc_hn")
    client.force_login(hanoi)
    assert client.get(document.get_absolute_url()).status_code == 200
    assert client.get(reverse("programmes:document_edit", args=[document.pk])).status_code == 403
    assert (
        client.post(reverse("programmes:document_edit", args=[document.pk]), form_data()).status_code == 403
    )
    assert client.get(reverse("programmes:document_edit", args=[10**12])).status_code == 404
    client.logout()
    assert client.get(reverse("programmes:document_create")).status_code == 302  # to the login page
    # a national document is the administrators'
    decree = LegalDocument.objects.filter(province__isnull=True).first()
    client.force_login(officer)
    assert client.get(reverse("programmes:document_edit", args=[decree.pk])).status_code == 403


def test_the_same_through_the_api(officer):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(officer)
    body = {**form_data(), "issued_on": "2026-03-15"}
    answer = api.post("/api/v1/legal-documents/", body, format="json")
    assert answer.status_code == 201, answer.content
    pk = answer.json()["id"]
    answer = api.patch(f"/api/v1/legal-documents/{pk}/", {"title": "Trích yếu đã sửa"}, format="json")
    assert answer.status_code == 200 and answer.json()["title"] == "Trích yếu đã sửa"
    # refused, naming the field: a national kind, a duplicate number, another province
    for changes, field in [
        ({"kind": "decree", "number": "9/2026/NĐ-CP"}, "kind"),
        ({}, "number"),
        ({"number": "77/QĐ-UBND", "province": province("01").pk}, "province"),
    ]:
        answer = api.post("/api/v1/legal-documents/", {**body, **changes}, format="json")
        assert answer.status_code == 400 and field in answer.json()["error"]["fields"], answer.content
    # others: anonymous and the public read, do not write; another province may not change it
    assert APIClient().post("/api/v1/legal-documents/", body, format="json").status_code in (401, 403)
    hanoi = APIClient()
    hanoi.force_authenticate(
        user_with_role("provincial_officer", province=province("01"), username="doc_hn2")
    )
    assert hanoi.patch(f"/api/v1/legal-documents/{pk}/", {"title": "x"}, format="json").status_code == 403
    assert hanoi.get(f"/api/v1/legal-documents/{pk}/").status_code == 200
