"""Scopes: what each role may see and change, including the 2025 merger of provinces."""

import datetime

import pytest

from khuyencong.core.permissions import CHANGE, VIEW, build_scope, get_scope
from khuyencong.orgs.models import Organisation
from khuyencong.testing.factories import (
    OrganisationFactory,
    ProvinceFactory,
    RoleAssignmentFactory,
    SuccessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_anonymous_and_roleless_users_have_no_scope(make_user):
    from django.contrib.auth.models import AnonymousUser

    assert not get_scope(AnonymousUser()).can_use_workspace
    scope = get_scope(make_user(None))
    assert scope.is_authenticated and not scope.can_use_workspace and not scope.national_read


def test_national_roles(make_user):
    admin = get_scope(make_user("admin"))
    assert admin.is_admin and admin.national_read and admin.national_write
    officer = get_scope(make_user("programme_officer"))
    assert officer.national_read and officer.national_write and not officer.is_admin
    leader = get_scope(make_user("leader"))
    assert leader.national_read and not leader.national_write


def test_provincial_roles_are_limited_to_their_province(make_user, province, other_province):
    scope = get_scope(make_user("provincial_officer", province=province))
    assert not scope.national_read
    assert scope.reads_province(province.pk) and scope.writes_province(province.pk)
    assert not scope.reads_province(other_province.pk)
    leader = get_scope(make_user("leader", province=province))
    assert leader.reads_province(province.pk) and not leader.writes_province(province.pk)


def test_new_province_officer_reaches_the_provinces_merged_into_it(make_user):
    ha_giang = ProvinceFactory(name="Hà Giang", valid_until=datetime.date(2025, 6, 30))
    tuyen_quang_old = ProvinceFactory(name="Tuyên Quang", valid_until=datetime.date(2025, 6, 30))
    tuyen_quang = ProvinceFactory(name="Tuyên Quang", valid_from=datetime.date(2025, 7, 1))
    for old in (ha_giang, tuyen_quang_old):
        SuccessionFactory(predecessor=old, successor=tuyen_quang)
    scope = get_scope(make_user("provincial_officer", province=tuyen_quang))
    assert scope.province_read == {ha_giang.pk, tuyen_quang_old.pk, tuyen_quang.pk}
    assert scope.home_provinces == {tuyen_quang.pk}


def test_expired_and_future_assignments_do_not_count(province):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role="programme_officer", valid_until=datetime.date(2020, 12, 31))
    RoleAssignmentFactory(
        user=user, role="provincial_officer", province=province, valid_from=datetime.date(2030, 1, 1)
    )
    assert not build_scope(user).can_use_workspace


def test_superuser_acts_as_administrator():
    user = UserFactory(is_superuser=True)
    assert get_scope(user).is_admin


def test_restrict_applies_each_models_rule(make_user, province, other_province):
    own = OrganisationFactory(kind="doit", province=province)
    other = OrganisationFactory(kind="doit", province=other_province)
    partner = OrganisationFactory(kind="partner")
    officer = make_user("provincial_officer", province=province)
    ours = Organisation.objects.filter(pk__in=[own.pk, other.pk, partner.pk])
    # organisations are reference data: everyone reads all ...
    assert set(ours.restrict(officer, VIEW)) == {own, other, partner}
    # ... but a province changes only its own bodies
    assert list(ours.restrict(officer, CHANGE)) == [own]
    assert ours.restrict(make_user("leader"), CHANGE).count() == 0
    assert ours.restrict(make_user("admin"), CHANGE).count() == 3
