"""Scope, search, duplicates and merge, optimistic locking, filters across geographies."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from khuyencong.core.exceptions import ConflictError
from khuyencong.core.models import ObjectChange
from khuyencong.core.permissions import get_scope
from khuyencong.establishments import services
from khuyencong.establishments.models import Establishment, EstablishmentMerge
from khuyencong.establishments.queries import duplicate_candidates, search
from khuyencong.testing.factories import valid_tax_code

pytestmark = pytest.mark.django_db
OLD = datetime.date(2019, 5, 1)


@pytest.fixture
def hanoi_record(create, hanoi_commune):
    return create(
        hanoi_commune,
        name="Hợp tác xã Gốm sứ Bát Tràng",
        kind="cooperative",
        tax_code=valid_tax_code(100100100),
    )


def test_a_province_cannot_read_another_provinces_record(client, tq_officer, hanoi_record):
    client.force_login(tq_officer)
    assert client.get(hanoi_record.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/establishments/{hanoi_record.pk}/").status_code == 404
    assert client.get(reverse("establishments:edit", args=[hanoi_record.pk])).status_code == 404
    assert hanoi_record.name not in client.get(reverse("establishments:list")).content.decode()
    response = client.patch(
        f"/api/v1/establishments/{hanoi_record.pk}/",
        {"name": "X", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_the_new_province_sees_records_of_the_old_ones(client, create, tq_officer, hg_old_commune):
    old = create(
        hg_old_commune,
        name="Hợp tác xã Chè Shan Tuyết",
        address_as_of=OLD,
        kind="cooperative",
        tax_code=valid_tax_code(200200200),
    )
    client.force_login(tq_officer)
    assert client.get(old.get_absolute_url()).status_code == 200


def test_a_leader_reads_but_cannot_edit(client, make_user, tuyen_quang, create, tq_commune):
    record = create(tq_commune)
    leader = make_user("leader", province=tuyen_quang)
    client.force_login(leader)
    assert client.get(record.get_absolute_url()).status_code == 200
    assert client.get(reverse("establishments:edit", args=[record.pk])).status_code == 403
    assert client.get(reverse("establishments:create")).status_code == 403


@pytest.mark.parametrize("query", ["Gom su Quang Vinh", "gốm sứ quang vinh", "QUANG VINH gom", "gom  su"])
def test_accent_insensitive_search(create, tq_commune, query):
    target = create(tq_commune, name="Cơ sở Gốm sứ Quang Vinh", vsic_code="2393")
    create(tq_commune, name="Cơ sở Mây tre Quang Minh")
    assert list(search(Establishment.objects.all(), query)) == [target]


def test_search_by_tax_code_and_through_the_api(client, officer, create, tq_commune):
    code = valid_tax_code(700700700)
    target = create(tq_commune, name="Công ty TNHH Đồ gỗ Hưng Thịnh", kind="small", tax_code=code)
    assert list(search(Establishment.objects.all(), code[:6])) == [target]
    client.force_login(officer)
    body = client.get("/api/v1/establishments/", {"q": "do go hung thinh"}).json()
    assert [r["id"] for r in body["results"]] == [target.pk]


def test_province_filter_in_either_geography(
    client, officer, create, tq_commune, hg_old_commune, ha_giang, tuyen_quang
):
    new = create(tq_commune, name="Cơ sở mới")
    old = create(hg_old_commune, name="Cơ sở cũ", address_as_of=OLD)
    client.force_login(officer)

    def listed(province):
        response = client.get(reverse("establishments:list"), {"province": province.pk})
        return {e.pk for e in response.context["object_list"]}

    assert listed(tuyen_quang) == {new.pk, old.pk}  # today's Tuyên Quang includes former Hà Giang
    assert listed(ha_giang) == {old.pk}


def test_export_of_a_filtered_list(client, officer, create, tq_commune):
    create(tq_commune, name="Cơ sở Gốm sứ Quang Vinh")
    create(tq_commune, name="Cơ sở khác")
    client.force_login(officer)
    response = client.get(reverse("establishments:list"), {"q": "gom su", "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Cơ sở Gốm sứ Quang Vinh" in text and "Cơ sở khác" not in text


def test_duplicates_are_found_across_the_2025_merger_and_merged_keeping_history(
    client, create, tq_officer, tq_commune, hg_old_commune, make_user
):
    old = create(
        hg_old_commune,
        name="HTX Chè Shan Tuyết Lũng Cú",
        address_as_of=OLD,
        kind="cooperative",
        tax_code=valid_tax_code(400400400),
    )
    new = create(tq_commune, name="Hợp tác xã Chè Shan Tuyết Lũng Cú", kind="cooperative_group")
    services.figure_save(
        user=tq_officer,
        establishment=old,
        year=2019,
        revenue=900_000_000,
        production_value=None,
        employees=20,
    )
    services.figure_save(
        user=tq_officer,
        establishment=new,
        year=2019,
        revenue=950_000_000,
        production_value=None,
        employees=21,
    )
    services.figure_save(
        user=tq_officer,
        establishment=new,
        year=2025,
        revenue=1_500_000_000,
        production_value=None,
        employees=25,
    )
    pairs = duplicate_candidates(get_scope(tq_officer))
    assert [(p.first, p.second) for p in pairs] == [(old, new)]
    merge_url = reverse("establishments:merge", args=[old.pk, new.pk])
    # the province's leader reads the pair but is not offered a merge that would answer 403
    client.force_login(make_user("leader", province=tq_commune.province(), username="tq_leader"))
    page = client.get(reverse("establishments:duplicates")).content.decode()
    assert "Hợp tác xã Chè Shan Tuyết Lũng Cú" in page and merge_url not in page
    client.force_login(tq_officer)
    response = client.get(reverse("establishments:duplicates"))
    assert response.status_code == 200 and merge_url in response.content.decode()
    response = client.post(reverse("establishments:merge", args=[old.pk, new.pk]), {"reason": ""})
    assert "Trường này là bắt buộc" in response.content.decode()
    response = client.post(
        reverse("establishments:merge", args=[old.pk, new.pk]),
        {"reason": "Cùng cơ sở: đăng ký lại sau sáp nhập tỉnh"},
    )
    assert response.status_code == 302
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.status == "merged" and new.merged_into == old
    assert {f.year: f.revenue for f in old.figures.all()} == {2019: 900_000_000, 2025: 1_500_000_000}
    merge = EstablishmentMerge.objects.get()
    assert merge.moved["establishments.EstablishmentFigure"]["dropped"][0]["revenue"] == 950_000_000
    # the absorbed record and its history remain readable
    assert client.get(new.get_absolute_url()).status_code == 200
    assert ObjectChange.objects.for_object(new).filter(action="create").exists()
    assert ObjectChange.objects.for_object(new).latest("id").reason.startswith("gộp bản ghi trùng")
    # merged records leave the default list but can be asked for
    listed = client.get(reverse("establishments:list")).context["object_list"]
    assert new not in listed
    assert new in client.get(reverse("establishments:list"), {"status": "merged"}).context["object_list"]
    with pytest.raises(ValidationError):
        services.establishment_merge(user=tq_officer, survivor=old, absorbed=new, reason="again")


def test_two_users_editing_the_same_record(create, officer, tq_officer, tq_commune):
    record = create(tq_commune)
    services.establishment_update(user=officer, establishment=record, data={"employees": 30}, version=1)
    with pytest.raises(ConflictError) as conflict:
        services.establishment_update(
            user=tq_officer, establishment=record, data={"phone": "0207 000"}, version=1
        )
    assert conflict.value.current_version == 2
    assert conflict.value.changed_fields == ["số lao động"]
    record.refresh_from_db()
    assert record.employees == 30 and record.phone == ""


def test_conflict_in_the_api_is_409_and_on_the_page_keeps_the_input(client, create, officer, tq_commune):
    record = create(tq_commune)
    client.force_login(officer)
    url = f"/api/v1/establishments/{record.pk}/"
    assert (
        client.patch(url, {"employees": 31, "version": 1}, content_type="application/json").status_code == 200
    )
    response = client.patch(url, {"employees": 32, "version": 1}, content_type="application/json")
    assert response.status_code == 409 and response.json()["error"]["current_version"] == 2
    missing = client.patch(url, {"employees": 33}, content_type="application/json")
    assert missing.status_code == 400 and "version" in missing.json()["error"]["fields"]
    form = client.get(reverse("establishments:edit", args=[record.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "commune"}
    data.update(
        commune=record.commune_id,
        province=record.province_id,
        version=1,
        name="Tên mới của tôi",
        kind="household",
        status="active",
        address_as_of=record.address_as_of.isoformat(),
    )
    response = client.post(reverse("establishments:edit", args=[record.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="conflict"' in html and "Tên mới của tôi" in html


def test_create_through_the_page(client, tq_officer, tq_commune, tuyen_quang):
    client.force_login(tq_officer)
    response = client.post(
        reverse("establishments:create"),
        {
            "name": "Cơ sở Rèn Phúc Sen",
            "kind": "household",
            "representative": "Nông Văn Rèn",
            "address": "Thôn Bản Phúc",
            "province": tuyen_quang.pk,
            "commune": tq_commune.pk,
            "address_as_of": datetime.date.today().isoformat(),
            "vsic_code": "2593",
            "products": "Dao, kéo, nông cụ",
            "employees": "8",
            "status": "active",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    record = Establishment.objects.get(name="Cơ sở Rèn Phúc Sen")
    assert record.province_now == tuyen_quang
    change = ObjectChange.objects.for_object(record).get()
    assert change.user == tq_officer and change.origin == "web"


def test_the_commune_list_follows_the_province(client, tq_officer, tuyen_quang):
    client.force_login(tq_officer)
    response = client.get(
        reverse("establishments:create"), {"province": tuyen_quang.pk}, HTTP_HX_REQUEST="true"
    )
    assert (
        response.status_code == 200
        and response.content.decode().count("<option") == tuyen_quang.children.count() + 1
    )
