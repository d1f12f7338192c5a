"""Eligibility: the rules in force on the date, with reasons and legal basis."""

import datetime

import pytest

from khuyencong.establishments.eligibility import check_eligibility
from khuyencong.testing.factories import valid_tax_code

pytestmark = pytest.mark.django_db

BEFORE = datetime.date(2024, 6, 1)  # Decree 45/2012 as it stood
AFTER = datetime.date(2026, 1, 15)  # amended by Decree 235/2025 (from 15/10/2025)


def test_household_in_a_rural_commune_making_handicrafts_is_eligible(create, tq_commune):
    result = check_eligibility(create(tq_commune), AFTER)
    assert result.outcome == "eligible" and result.rule_set.code == "nd235-2025"
    assert str(result.rule_set.legal_basis.number) == "235/2025/NĐ-CP"
    assert any("xã" in f.reason for f in result.findings)


def test_the_date_decides_which_decree_applies(create, tq_commune):
    artisan = create(tq_commune, kind="artisan", name="Nghệ nhân Nguyễn Văn Mộc", artisan_title="peoples")
    before = check_eligibility(artisan, BEFORE)
    assert before.outcome == "not_eligible" and before.rule_set.code == "nd45-2012"
    assert "Nghệ nhân" in " ".join(before.reasons)
    after = check_eligibility(artisan, AFTER)
    assert after.outcome == "eligible"
    assert [p.value for p in after.priorities] == ["artisan"]
    assert check_eligibility(artisan, datetime.date(2025, 10, 14)).rule_set.code == "nd45-2012"
    assert check_eligibility(artisan, datetime.date(2025, 10, 15)).rule_set.code == "nd235-2025"


def test_a_ward_needs_review_unless_in_a_recognised_craft_village(create, tq_ward):
    plain = create(tq_ward, name="Cơ sở Dệt Phường")
    result = check_eligibility(plain, AFTER)
    assert result.outcome == "review" and "phường" in " ".join(result.reasons)
    village = create(
        tq_ward,
        name="Cơ sở Dệt Làng Nghề",
        in_craft_village=True,
        craft_village="Làng dệt X",
        craft_village_recognised=True,
    )
    assert check_eligibility(village, AFTER).outcome == "eligible"
    assert check_eligibility(village, BEFORE).outcome == "review"  # the craft-village rule came in 2025


def test_size_sector_and_status_reasons(create, tq_commune):
    large = create(tq_commune, kind="large", name="Công ty Lớn", tax_code=valid_tax_code(300000001))
    assert check_eligibility(large, AFTER).outcome == "not_eligible"
    shop = create(tq_commune, name="Cửa hàng bán lẻ", vsic_code="4711")
    result = check_eligibility(shop, AFTER)
    assert result.outcome == "not_eligible" and "không phải sản xuất công nghiệp" in " ".join(result.reasons)
    quarry = create(tq_commune, name="Cơ sở khai thác đá", vsic_code="0810")
    assert check_eligibility(quarry, AFTER).outcome == "review"
    recycling = create(tq_commune, name="Cơ sở tái chế", vsic_code="3830")
    assert check_eligibility(recycling, AFTER).outcome == "eligible"  # the division rule beats section E
    closed = create(tq_commune, name="Cơ sở đã đóng", status="closed")
    assert "ngừng hoạt động" in " ".join(check_eligibility(closed, AFTER).reasons)


def test_priority_groups_only_under_the_amended_decree(create, tq_commune):
    owned = create(tq_commune, name="Cơ sở Thêu Chị Em", women_owned=True, ethnic_minority_owned=True)
    assert {p.value for p in check_eligibility(owned, AFTER).priorities} == {"women", "ethnic_minority"}
    assert check_eligibility(owned, BEFORE).priorities == []


def test_reasons_follow_the_interface_language(create, tq_commune):
    from django.utils import translation

    shop = create(tq_commune, name="Cửa hàng", vsic_code="4711")
    with translation.override("en"):
        assert "Not an industrial or handicraft activity" in " ".join(check_eligibility(shop, AFTER).reasons)


def test_eligibility_api(client, officer, create, tq_commune):
    establishment = create(tq_commune)
    client.force_login(officer)
    body = client.get(f"/api/v1/establishments/{establishment.pk}/eligibility/", {"on": "2024-06-01"}).json()
    assert body["rule_set"] == "nd45-2012" and body["legal_basis"].endswith("45/2012/NĐ-CP")
    response = client.get(f"/api/v1/establishments/{establishment.pk}/eligibility/", {"on": "01-06-2024"})
    assert response.status_code == 400 and "on" in response.json()["error"]["fields"]
