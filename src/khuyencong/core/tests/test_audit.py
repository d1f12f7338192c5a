"""The audit trail records every create, update and delete with who, when, where, before, after."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction

from khuyencong.core.audit import audit_context
from khuyencong.core.models import ObjectChange
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.orgs.models import Organisation, OrganisationName
from khuyencong.testing.factories import OrganisationFactory, ProvinceFactory, UserFactory

pytestmark = pytest.mark.django_db


def changes_of(obj):
    return list(ObjectChange.objects.for_object(obj).order_by("id"))


def test_create_update_delete_are_recorded_with_before_and_after():
    actor = UserFactory(username="nguoisua")
    with audit_context(user=actor, origin="cli", reason="Thử nghiệm"):
        org = Organisation.objects.create(code="hoi-lang-nghe", kind="partner", name="Hiệp hội Làng nghề")
        org.name = "Hiệp hội Làng nghề Việt Nam"
        org.save()
        org_pk = org.pk
        org.delete()

    records = list(
        ObjectChange.objects.filter(object_id=org_pk, content_type__model="organisation").order_by("id")
    )
    assert [r.action for r in records] == ["create", "update", "delete"]
    created, updated, deleted = records
    assert created.before is None and created.after["name"] == "Hiệp hội Làng nghề"
    assert updated.before["name"] == "Hiệp hội Làng nghề"
    assert updated.after["name"] == "Hiệp hội Làng nghề Việt Nam"
    assert "kind" not in updated.after  # only what changed
    assert deleted.before["name"] == "Hiệp hội Làng nghề Việt Nam" and deleted.after is None
    for r in records:
        assert r.user == actor and r.user_name == "nguoisua"
        assert r.origin == "cli" and r.reason == "Thử nghiệm"


def test_saving_without_change_records_nothing():
    org = OrganisationFactory()
    before = ObjectChange.objects.count()
    Organisation.objects.get(pk=org.pk).save()
    assert ObjectChange.objects.count() == before


def test_change_and_record_share_the_transaction():
    org = OrganisationFactory(name="Trước")
    count = ObjectChange.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        org.name = "Sau"
        org.save()
        raise RuntimeError("rolled back")
    assert ObjectChange.objects.count() == count
    org.refresh_from_db()
    assert org.name == "Trước"


def test_queryset_update_and_bulk_create_are_recorded():
    a, b = OrganisationFactory(name="A"), OrganisationFactory(name="B")
    Organisation.objects.filter(pk__in=[a.pk, b.pk]).update(phone="024 0000")
    for org in (a, b):
        last = changes_of(org)[-1]
        assert (
            last.action == "update" and last.before == {"phone": ""} and last.after == {"phone": "024 0000"}
        )

    units = AdministrativeUnit.objects.bulk_create(
        [
            AdministrativeUnit(
                level="province", kind="province", code="X1", name="Một", full_name="Tỉnh Một"
            ),
            AdministrativeUnit(
                level="province", kind="province", code="X2", name="Hai", full_name="Tỉnh Hai"
            ),
        ]
    )
    for unit in units:
        assert changes_of(unit)[0].action == "create"


def test_bulk_update_records_each_changed_record_once_with_only_its_changes():
    a, b, c = OrganisationFactory(name="A"), OrganisationFactory(name="B"), OrganisationFactory(name="C")
    a.phone, b.name = "024 1111", "B mới"
    with audit_context(origin="import", reason="tep.xlsx"):
        count = Organisation.objects.bulk_update([a, b, c], ["phone", "name"])
    assert count == 3
    assert [(x.before, x.after) for x in changes_of(a)[1:]] == [({"phone": ""}, {"phone": "024 1111"})]
    assert [(x.before, x.after) for x in changes_of(b)[1:]] == [({"name": "B"}, {"name": "B mới"})]
    assert changes_of(c)[1:] == []  # unchanged: no record
    assert {(x.origin, x.reason) for x in changes_of(a) + changes_of(b) if x.action == "update"} == {
        ("import", "tep.xlsx")
    }
    b.refresh_from_db()
    assert b.name == "B mới"


def test_cascaded_delete_is_recorded():
    org = OrganisationFactory()
    name = OrganisationName.objects.create(organisation=org, name="Tên cũ")
    name_pk = name.pk
    org.delete()
    assert ObjectChange.objects.filter(
        content_type__model="organisationname", object_id=name_pk, action="delete"
    ).exists()


def test_password_is_redacted_and_last_login_ignored():
    user = UserFactory()
    user.set_password("Mot-mat-khau-moi-2025")
    user.save()
    last = changes_of(user)[-1]
    assert last.after["password"] == "••••••"
    count = ObjectChange.objects.count()
    from django.utils import timezone

    user.last_login = timezone.now()
    user.save()
    assert ObjectChange.objects.count() == count


def test_child_changes_appear_in_parent_history():
    org = OrganisationFactory()
    OrganisationName.objects.create(organisation=org, name="Tên từ 2017")
    kinds = {c.content_type.model for c in changes_of(org)}
    assert kinds == {"organisation", "organisationname"}


def test_history_cannot_be_edited_or_deleted_through_the_application():
    org = OrganisationFactory()
    change = changes_of(org)[0]
    change.reason = "sửa lịch sử"
    with pytest.raises(PermissionDenied):
        change.save()
    with pytest.raises(PermissionDenied):
        change.delete()
    with pytest.raises(PermissionDenied):
        ObjectChange.objects.filter(pk=change.pk).update(reason="x")
    with pytest.raises(PermissionDenied):
        ObjectChange.objects.filter(pk=change.pk).delete()


def test_database_refuses_to_edit_history():
    unit = ProvinceFactory()
    change = changes_of(unit)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_objectchange SET reason = 'x' WHERE id = %s", [change.pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger exists on PostgreSQL only")
def test_postgresql_refuses_to_delete_history():
    unit = ProvinceFactory()
    change = changes_of(unit)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_objectchange WHERE id = %s", [change.pk])
