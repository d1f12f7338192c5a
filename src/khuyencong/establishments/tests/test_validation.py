"""Bad input gets a clear error naming the field; nothing is half-saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from khuyencong.establishments.models import Establishment
from khuyencong.establishments.services import establishment_create
from khuyencong.establishments.validators import normalise_tax_code
from khuyencong.testing.factories import establishment_data, valid_tax_code

pytestmark = pytest.mark.django_db


def errors_of(callable_):
    with pytest.raises(ValidationError) as info:
        callable_()
    return {field: " ".join(str(m) for m in messages) for field, messages in info.value.message_dict.items()}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0100233488", "0100233488"),
        ("01.00.233.488", "0100233488"),
        ("0314409058-002", "0314409058-002"),
        (" 0314409058 002 ", "0314409058-002"),
        ("", None),
    ],
)
def test_tax_codes_are_normalised(value, expected):
    assert normalise_tax_code(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12345", "10 chữ số"),
        ("0100233480", "chữ số kiểm tra"),
        ("01002334AB", "chỉ gồm chữ số"),
        ("01002334881234", "10 chữ số"),
    ],
)
def test_bad_tax_codes_are_refused_with_the_reason(officer, tq_commune, value, message):
    errors = errors_of(
        lambda: establishment_create(
            user=officer,
            data=establishment_data(tq_commune, kind="small", name="Công ty TNHH Thử", tax_code=value),
        )
    )
    assert message in errors["tax_code"]


def test_enterprises_need_a_tax_code(officer, tq_commune):
    errors = errors_of(
        lambda: establishment_create(user=officer, data=establishment_data(tq_commune, kind="micro"))
    )
    assert "mã số thuế" in errors["tax_code"]


def test_future_dates_and_negative_numbers(officer, tq_commune):
    future = datetime.date.today() + datetime.timedelta(days=3)
    errors = errors_of(
        lambda: establishment_create(
            user=officer,
            data=establishment_data(
                tq_commune,
                registration_date=future,
                established_on=future,
                employees=-4,
            ),
        )
    )
    assert "tương lai" in errors["registration_date"] and "tương lai" in errors["established_on"]
    assert "lớn hơn hoặc bằng 0" in errors["employees"]


def test_a_commune_must_exist_on_the_address_date(officer, hg_old_commune, tq_commune):
    errors = errors_of(lambda: establishment_create(user=officer, data=establishment_data(hg_old_commune)))
    assert "không còn tồn tại vào ngày" in errors["commune"] and "30/06/2025" in errors["commune"]
    old = establishment_create(
        user=officer,
        data=establishment_data(
            hg_old_commune,
            address_as_of=datetime.date(2019, 5, 1),
            name="Hợp tác xã Chè Shan Tuyết Lũng Cú",
            kind="cooperative",
            tax_code=valid_tax_code(500000001),
        ),
    )
    assert old.province.name == "Hà Giang" and old.province_now.name == "Tuyên Quang"
    errors = errors_of(
        lambda: establishment_create(
            user=officer, data=establishment_data(tq_commune, address_as_of=datetime.date(2019, 5, 1))
        )
    )
    assert "commune" in errors


def test_unknown_sector_and_missing_craft_village(officer, tq_commune):
    errors = errors_of(
        lambda: establishment_create(
            user=officer, data=establishment_data(tq_commune, vsic_code="04", in_craft_village=True)
        )
    )
    assert "04" in errors["vsic_code"] and "làng nghề" in errors["craft_village"]


def test_a_province_registers_only_in_its_own_communes(tq_officer, hanoi_commune):
    errors = errors_of(lambda: establishment_create(user=tq_officer, data=establishment_data(hanoi_commune)))
    assert "Hà Nội" in errors["commune"]
    assert not Establishment.objects.exists()


def test_duplicate_tax_code_names_the_existing_record(create, officer, tq_officer, tq_commune, hanoi_commune):
    code = valid_tax_code(123456789)
    create(hanoi_commune, kind="small", name="Công ty TNHH Gốm Hà Nội", tax_code=code)
    errors = errors_of(
        lambda: establishment_create(
            user=officer,
            data=establishment_data(tq_commune, kind="small", name="Công ty khác", tax_code=code),
        )
    )
    assert "Công ty TNHH Gốm Hà Nội" in errors["tax_code"]
    # a province that cannot see the other record is told where to ask, not its name
    errors = errors_of(
        lambda: establishment_create(
            user=tq_officer,
            data=establishment_data(tq_commune, kind="small", name="Công ty khác", tax_code=code),
        )
    )
    assert "tỉnh khác" in errors["tax_code"] and "Gốm Hà Nội" not in errors["tax_code"]


def test_api_gives_field_errors_and_saves_nothing(client, officer, tq_commune):
    client.force_login(officer)
    response = client.post(
        "/api/v1/establishments/",
        {
            "name": "",
            "kind": "small",
            "tax_code": "0100233480",
            "representative": "A",
            "address": "B",
            "commune": 99999999,
            "vsic_code": "10",
            "products": "x",
            "employees": -1,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"name", "commune", "employees"} <= set(fields)
    assert "99999999" in fields["commune"][0]
    assert not Establishment.objects.exists()
