"""factory_boy factories for tests (and only tests)."""

from __future__ import annotations

import datetime

import factory

from khuyencong.accounts.models import RoleAssignment, User
from khuyencong.geo.models import AdministrativeUnit, Kind, Level, Succession
from khuyencong.orgs.models import Organisation, OrgKind

TEST_PASSWORD = "Kc-test-password-2025"  # noqa: S105


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    level = Level.PROVINCE
    kind = Kind.PROVINCE
    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"Tỉnh thử {n}")
    full_name = factory.LazyAttribute(lambda o: f"Tỉnh {o.name}")
    valid_from = datetime.date(2008, 8, 1)
    valid_until = None


class CommuneFactory(ProvinceFactory):
    level = Level.COMMUNE
    kind = Kind.COMMUNE
    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"Xã thử {n}")
    full_name = factory.LazyAttribute(lambda o: f"Xã {o.name}")
    parent = factory.SubFactory(ProvinceFactory)


class SuccessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Succession

    effective_date = datetime.date(2025, 7, 1)
    kind = "merged"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"org-{n}")
    kind = OrgKind.PARTNER
    name = factory.Sequence(lambda n: f"Tổ chức thử {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = "programme_officer"


def user_with_role(role: str, *, province=None, organisation=None, **user_fields) -> User:
    """A user holding one role (with its scope); ``role=None`` gives a user with no role."""
    user = UserFactory(**user_fields)
    if role is not None:
        RoleAssignmentFactory(user=user, role=role, province=province, organisation=organisation)
    return user


def valid_tax_code(serial: int) -> str:
    """A tax code with a correct check digit (for tests only)."""
    from khuyencong.establishments.validators import tax_code_for

    return tax_code_for(serial)


def establishment_data(commune, **overrides) -> dict:
    """Valid input for ``establishment_create`` in ``commune``."""
    data = {
        "name": "Hộ kinh doanh Mây tre đan Thử Nghiệm",
        "kind": "household",
        "representative": "Nguyễn Thị Thử",
        "address": "Thôn 1",
        "commune": commune,
        "vsic_code": "1629",
        "products": "Sản phẩm mây tre đan",
        "employees": 12,
    }
    data.update(overrides)
    return data
