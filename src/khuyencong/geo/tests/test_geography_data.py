"""The geography loaded from the versioned files: both generations, regions, succession."""

import datetime
from collections import Counter

import pytest

from khuyencong.geo.models import AdministrativeUnit, Kind, Level, RegionMembership, Succession
from khuyencong.geo.queries import predecessors_of, provinces_on, rollup_map, successor_of, units_valid_on

pytestmark = pytest.mark.django_db

OLD = datetime.date(2020, 1, 1)
NEW = datetime.date(2025, 7, 1)


def province(code, on):
    return provinces_on(on).get(code=code)


def test_63_provinces_before_and_34_after_the_reorganisation():
    assert provinces_on(OLD).count() == 63
    assert provinces_on(datetime.date(2025, 6, 30)).count() == 63
    assert provinces_on(NEW).count() == 34
    assert provinces_on(datetime.date(2026, 11, 22)).count() == 34


def test_communes_wards_and_special_zones_of_2025():
    communes = units_valid_on(NEW, Level.COMMUNE)
    assert communes.count() == 3321
    kinds = Counter(communes.values_list("kind", flat=True))
    assert kinds == {Kind.COMMUNE: 2621, Kind.WARD: 687, Kind.SPECIAL_ZONE: 13}
    # the old structure: the last list before the reorganisation (start dates unknown)
    old = units_valid_on(OLD, Level.COMMUNE)
    assert old.count() == 10051
    assert Counter(old.values_list("kind", flat=True)) == {
        Kind.COMMUNE: 7717,
        Kind.WARD: 1716,
        Kind.TOWNSHIP: 618,
    }
    assert units_valid_on(OLD, Level.DISTRICT).count() == 696
    assert not units_valid_on(NEW, Level.DISTRICT).exists()  # districts were abolished


def test_every_old_province_has_exactly_one_successor():
    for unit in provinces_on(OLD):
        assert Succession.objects.filter(predecessor=unit).count() == 1, unit


def test_every_new_province_has_predecessors_and_one_seat():
    for unit in provinces_on(NEW):
        links = Succession.objects.filter(successor=unit)
        assert links.exists() and links.filter(is_seat=True).count() == 1, unit
    assert Succession.objects.filter(kind="merged").values("successor").distinct().count() == 23


@pytest.mark.parametrize(
    ("code", "sizes"),
    [
        ("economic", {"DBSH": 11, "TDMNPB": 14, "BTB_DHMT": 13, "TN": 5, "DNB": 7, "DBSCL": 13}),
        ("conference", {"BAC": 28, "TRUNG_TN": 15, "NAM": 20}),
    ],
)
def test_regions_of_the_63_provinces(code, sizes):
    old = provinces_on(OLD)
    counts = Counter(
        RegionMembership.objects.filter(region__scheme=code, unit__in=old).values_list(
            "region__code", flat=True
        )
    )
    assert counts == sizes


def test_every_2025_province_has_one_region_per_scheme():
    for unit in provinces_on(NEW):
        assert sorted(unit.region_memberships.values_list("region__scheme", flat=True)) == [
            "conference",
            "economic",
        ]


def test_successor_and_rollup():
    ha_giang = province("02", OLD)
    tuyen_quang = province("08", NEW)
    assert successor_of(ha_giang, NEW) == tuyen_quang
    assert successor_of(ha_giang, OLD) == ha_giang  # still valid then: its own successor
    assert successor_of(tuyen_quang, NEW) == tuyen_quang
    mapping = rollup_map(Level.PROVINCE, NEW)
    assert mapping[ha_giang.pk] == tuyen_quang.pk
    # no old province is lost or counted twice: 63 + 34 units map onto exactly the 34
    assert set(mapping.values()) == set(provinces_on(NEW).values_list("pk", flat=True))
    lam_dong = province("68", NEW)
    assert {
        u.name for u in AdministrativeUnit.objects.filter(pk__in=predecessors_of([lam_dong.pk])[lam_dong.pk])
    } == {"Lâm Đồng", "Đắk Nông", "Bình Thuận"}


def test_an_old_commune_rolls_up_to_its_2025_province():
    from khuyencong.geo.queries import province_now

    old_commune = AdministrativeUnit.objects.get(level=Level.COMMUNE, valid_from=None, name="Lũng Cú")
    assert old_commune.province().name == "Hà Giang"
    assert province_now(old_commune).name == "Tuyên Quang"
    new_ward = AdministrativeUnit.objects.get(level=Level.COMMUNE, code="00070", valid_from=NEW)
    assert province_now(new_ward).name == "Hà Nội" and province_now(new_ward).valid_from == NEW


def test_names_and_kinds():
    hue_old = province("46", OLD)
    assert hue_old.name == "Thừa Thiên Huế" and "Huế" in hue_old.other_names
    assert province("46", NEW).kind == Kind.CENTRAL_CITY
    assert province("17", OLD).name == "Hòa Bình"
    ward = AdministrativeUnit.objects.get(level=Level.COMMUNE, code="00070", valid_from=NEW)
    assert ward.full_name == "Phường Hoàn Kiếm" and ward.is_urban and ward.parent.name == "Hà Nội"


def test_accent_insensitive_unit_search(client):
    response = client.get("/api/v1/units/", {"q": "ha giang", "level": "province"})
    names = [u["name"] for u in response.json()["results"]]
    assert names[0] == "Hà Giang"  # ordered by code; “Hậu Giang” matches too (ha… giang)
    assert set(names) == {"Hà Giang", "Hậu Giang"}
    response = client.get("/api/v1/units/", {"q": "TUYEN QUANG", "level": "province"})
    assert [u["name"] for u in response.json()["results"]] == ["Tuyên Quang", "Tuyên Quang"]


def test_predecessors_are_followed_through_every_generation_and_only_from_the_units_asked(
    django_assert_max_num_queries,
):
    """A → B → C: C's predecessors are B and A, read in one query from the units asked for, not the
    whole succession table (every provincial request builds its scope from it); a cycle in the
    data ends."""
    tuyen_quang = province("08", NEW)
    units = [
        AdministrativeUnit.objects.create(
            level=Level.COMMUNE, code=f"9990{i}", name=f"Xã thử {i}", parent=tuyen_quang, valid_from=start
        )
        for i, start in enumerate([None, datetime.date(2026, 1, 1), datetime.date(2027, 1, 1)])
    ]
    a, b, c = units
    for pred, succ in [(a, b), (b, c)]:
        Succession.objects.create(
            predecessor=pred, successor=succ, effective_date=succ.valid_from, kind="merged"
        )
    with django_assert_max_num_queries(1):  # one recursive query
        found = predecessors_of(u.pk for u in [c, b])  # any iterable, read once
    assert found == {c.pk: {a.pk, b.pk, c.pk}, b.pk: {a.pk, b.pk}}
    assert predecessors_of([a.pk]) == {a.pk: {a.pk}}
    assert predecessors_of([]) == {}
    Succession.objects.create(
        predecessor=c, successor=a, effective_date=datetime.date(2028, 1, 1), kind="merged"
    )
    assert predecessors_of([a.pk]) == {a.pk: {a.pk, b.pk, c.pk}}
