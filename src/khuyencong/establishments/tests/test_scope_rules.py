"""Outside the scope is 404 before any role check; the tax-code check answers only within the scope;
a merged record is still found by its id."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.establishments import services
from khuyencong.establishments.models import EstablishmentFigure
from khuyencong.testing.factories import valid_tax_code

pytestmark = pytest.mark.django_db
FIGURES = {"year": 2024, "revenue": 1_000_000, "production_value": 2_000_000, "employees": 3}


@pytest.fixture
def hanoi_record(create, hanoi_commune):
    return create(
        hanoi_commune, name="HTX Gốm Bát Tràng", kind="cooperative", tax_code=valid_tax_code(100100100)
    )


@pytest.fixture
def readers(make_user, tuyen_quang, hanoi):
    """Roles that may read some records but change none, and one that changes another province's."""
    from khuyencong.orgs.models import Organisation

    return {
        "tq_leader": make_user("leader", province=tuyen_quang, username="ld_tq"),
        "expert": make_user("expert", username="cg_1"),
        "unit": make_user(
            "implementing_unit", organisation=Organisation.objects.get(code="hoi-nong-dan"), username="dv_1"
        ),
        "tq_officer": make_user("provincial_officer", province=tuyen_quang, username="so_tq"),
        "hanoi_leader": make_user("leader", province=hanoi, username="ld_hn"),
    }


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["tq_leader", "expert", "unit", "tq_officer"])
def test_writes_to_a_record_outside_the_scope_are_404_whatever_the_role(client, readers, hanoi_record, who):
    user = readers[who]
    url = f"/api/v1/establishments/{hanoi_record.pk}/"
    assert api(user).patch(url, {"name": "X", "version": 1}, format="json").status_code == 404
    assert api(user).post(url + "figures/", FIGURES, format="json").status_code == 404
    merge = {"absorbed": hanoi_record.pk, "reason": "Trùng"}
    assert api(user).post(url + "merge/", merge, format="json").status_code == 404
    client.force_login(user)
    assert (
        client.post(reverse("establishments:figure_save", args=[hanoi_record.pk]), FIGURES).status_code == 404
    )
    assert (
        client.post(reverse("establishments:edit", args=[hanoi_record.pk]), {"name": "X"}).status_code == 404
    )
    assert not EstablishmentFigure.objects.filter(establishment=hanoi_record).exists()


def test_a_reader_in_scope_gets_403_on_writes(client, readers, hanoi_record):
    user = readers["hanoi_leader"]
    url = f"/api/v1/establishments/{hanoi_record.pk}/"
    assert api(user).get(url).status_code == 200
    assert api(user).patch(url, {"name": "X", "version": 1}, format="json").status_code == 403
    assert api(user).post(url + "figures/", FIGURES, format="json").status_code == 403
    assert api(user).post(url + "figures/", {"year": "x"}, format="json").status_code == 403
    merge = {"absorbed": hanoi_record.pk, "reason": "Trùng"}
    assert api(user).post(url + "merge/", merge, format="json").status_code == 403
    client.force_login(user)
    page = reverse("establishments:figure_save", args=[hanoi_record.pk])
    assert client.post(page, FIGURES).status_code == 403
    assert client.post(page, {"year": ""}).status_code == 403  # the right, before the input
    assert (
        client.post(reverse("establishments:edit", args=[hanoi_record.pk]), {"name": "X"}).status_code == 403
    )
    assert not EstablishmentFigure.objects.filter(establishment=hanoi_record).exists()
    # creating is refused by role, as before
    assert api(user).post("/api/v1/establishments/", {"name": "X"}, format="json").status_code == 403


def test_the_tax_code_check_answers_only_within_the_scope(client, readers, officer, hanoi_record):
    url = reverse("establishments:tax_code_check")
    client.force_login(readers["tq_officer"])  # Hà Nội's record is not theirs to know of
    answer = client.get(url, {"tax_code": hanoi_record.tax_code}).content.decode()
    assert "đã được đăng ký" not in answer and "valid-feedback" in answer
    for user in (readers["hanoi_leader"], officer):  # in scope: told, as before
        client.force_login(user)
        answer = client.get(url, {"tax_code": hanoi_record.tax_code}).content.decode()
        assert "invalid-feedback" in answer and "đã được đăng ký" in answer
        answer = client.get(url, {"tax_code": hanoi_record.tax_code, "pk": hanoi_record.pk}).content.decode()
        assert "valid-feedback" in answer  # the record itself does not count


def test_a_merged_record_is_found_by_its_id(
    readers, officer, admin_user, create, hanoi_commune, hanoi_record
):
    absorbed = create(hanoi_commune, name="HTX Gốm Bát Tràng (trùng)", kind="household")
    services.establishment_merge(user=officer, survivor=hanoi_record, absorbed=absorbed, reason="Trùng hồ sơ")
    for user in (admin_user, officer, readers["hanoi_leader"]):
        response = api(user).get(f"/api/v1/establishments/{absorbed.pk}/")
        assert response.status_code == 200, user
        body = response.json()
        assert body["status"] == "merged" and body["merged_into"] == hanoi_record.pk
        listed = api(user).get("/api/v1/establishments/", {"q": "Bát Tràng"}).json()["results"]
        assert [r["id"] for r in listed] == [hanoi_record.pk]  # the list still hides merged records
        merged = api(user).get("/api/v1/establishments/", {"q": "Bát Tràng", "status": "merged"}).json()
        assert [r["id"] for r in merged["results"]] == [absorbed.pk]
    assert api(readers["tq_officer"]).get(f"/api/v1/establishments/{absorbed.pk}/").status_code == 404


def test_the_merge_form_is_not_offered_to_a_reader(client, readers, create, hanoi_record, tq_commune):
    """A read-only leader sees both records but may change neither: the merge page answers 403 with
    the service's reason (it was shown, and refused only when sent); the officer gets the form."""
    first = create(tq_commune, name="Hộ Mây tre Kim Bình", tax_code=valid_tax_code(200200200))
    second = create(tq_commune, name="Hộ Mây tre Kim Bình (trùng)", tax_code=valid_tax_code(200200201))
    page = reverse("establishments:merge", args=[first.pk, second.pk])
    client.force_login(readers["tq_leader"])
    response = client.get(page)
    assert response.status_code == 403
    assert "Chỉ gộp được các bản ghi bạn có quyền sửa" in response.content.decode()
    client.force_login(readers["tq_officer"])
    assert client.get(page).status_code == 200
    # another province's record stays 404, before any right is considered
    assert client.get(reverse("establishments:merge", args=[first.pk, hanoi_record.pk])).status_code == 404
