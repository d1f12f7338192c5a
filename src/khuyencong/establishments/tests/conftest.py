import datetime

import pytest

from khuyencong.geo.models import AdministrativeUnit, Level

NEW = datetime.date(2025, 7, 1)


@pytest.fixture
def tuyen_quang(db):
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code="08", valid_from=NEW)


@pytest.fixture
def ha_giang(db):
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code="02")


@pytest.fixture
def hanoi(db):
    return AdministrativeUnit.objects.get(level=Level.PROVINCE, code="01", valid_from=NEW)


def commune_of(province, kind="commune", on=None):
    from django.db.models import Q

    qs = AdministrativeUnit.objects.filter(level=Level.COMMUNE, kind=kind).filter(
        Q(parent=province) | Q(parent__parent=province)
    )
    return qs.order_by("code").first()


@pytest.fixture
def tq_commune(tuyen_quang):
    return commune_of(tuyen_quang)


@pytest.fixture
def tq_ward(tuyen_quang):
    return commune_of(tuyen_quang, "ward")


@pytest.fixture
def hg_old_commune(ha_giang):
    return commune_of(ha_giang)


@pytest.fixture
def hanoi_commune(hanoi):
    return commune_of(hanoi)


@pytest.fixture
def tq_officer(make_user, tuyen_quang):
    return make_user("provincial_officer", province=tuyen_quang, username="so_tuyen_quang")


@pytest.fixture
def create(officer):
    from khuyencong.establishments.services import establishment_create
    from khuyencong.testing.factories import establishment_data

    def make(commune, user=None, **fields):
        return establishment_create(user=user or officer, data=establishment_data(commune, **fields))

    return make
