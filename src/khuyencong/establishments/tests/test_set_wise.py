"""Checking and writing many establishments at once (imports) applies the same rules as one at a time
(forms, API): the same answers, record by record, without a query per record."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.core.audit import audit_context
from khuyencong.core.exceptions import ConflictError
from khuyencong.core.models import ObjectChange
from khuyencong.establishments import services
from khuyencong.establishments.models import Establishment, ReferenceData, Status
from khuyencong.establishments.services import (
    CONSTRAINTS_IN_PYTHON,
    EstablishmentWriter,
    establishment_check,
    establishment_update,
    establishments_check,
)
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.testing.factories import establishment_data, valid_tax_code

pytestmark = pytest.mark.django_db

FUTURE = datetime.date.today() + datetime.timedelta(days=30)


def data_in(place, **overrides) -> dict:
    return {**establishment_data(place), **overrides}


def tax_codes(start: int, n: int) -> list[str]:
    """``n`` valid tax codes (a serial whose check digit would be 10 has none)."""
    codes = []
    while len(codes) < n:
        code = valid_tax_code(start)
        if len(code) == 10:
            codes.append(code)
        start += 1
    return codes


def answer_of(call):
    """What a check answers, comparable: the record's fields, or the refusal's kind and messages."""
    try:
        result = call()
    except (ValidationError, PermissionDenied, ConflictError) as error:
        result = error
    return comparable(result)


def comparable(result):
    if result is None:
        return ("ok", None)
    if isinstance(result, ValidationError):
        return ("invalid", result.message_dict if hasattr(result, "error_dict") else result.messages)
    if isinstance(result, Exception):
        return (type(result).__name__, str(result))
    return ("ok", {f.attname: getattr(result, f.attname) for f in Establishment._meta.concrete_fields})


def bad_cases(commune, province, old_commune):
    """Data breaking each rule of the model, one at a time (and some together)."""
    return {
        "valid": {},
        "tax code format": {"tax_code": "12345"},
        "tax code check digit": {"tax_code": "0100233480", "kind": "micro"},
        "enterprise without tax code": {"kind": "small"},
        "future dates": {"registration_date": FUTURE, "status_since": FUTURE},
        "commune gone on the address date": {
            "commune": old_commune,
            "address_as_of": datetime.date(2026, 1, 5),
        },
        "a province is no commune": {"commune": province},
        "unknown VSIC division": {"vsic_code": "00"},
        "VSIC letters": {"vsic_code": "23a"},
        "craft village unnamed": {"in_craft_village": True, "craft_village": " "},
        "recognised without village": {"craft_village_recognised": True},
        "required text empty": {"name": "", "products": ""},
        "too long": {"address": "x" * 301, "phone": "1" * 51},
        "bad e-mail": {"email": "not an address"},
        "too many employees": {"employees": 1_000_001},
        "bad choice": {"kind": "giant", "artisan_title": "emperor"},
        "several at once": {"tax_code": "12", "vsic_code": "00", "email": "x", "registration_date": FUTURE},
    }


@pytest.fixture
def places(tq_commune, tuyen_quang, hg_old_commune):
    return tq_commune, tuyen_quang, hg_old_commune


def test_every_check_constraint_has_its_python_twin():
    names = {c.name for c in Establishment._meta.constraints if hasattr(c, "condition")}
    assert names == set(CONSTRAINTS_IN_PYTHON)


@pytest.mark.parametrize("status", [Status.ACTIVE, Status.MERGED])
@pytest.mark.parametrize("merged", [False, True])
def test_constraint_twins_answer_as_the_database(status, merged, tq_commune, officer):
    """Each twin says what the database's check of the same constraint says."""
    e = Establishment(**establishment_data(tq_commune), address_as_of=datetime.date.today(), status=status)
    if merged:
        e.merged_into = services.establishment_create(user=officer, data=establishment_data(tq_commune))
    for constraint in Establishment._meta.constraints:
        try:
            constraint.validate(Establishment, e)
            database = True
        except ValidationError:
            database = False
        assert CONSTRAINTS_IN_PYTHON[constraint.name][1](e) is database


@pytest.mark.parametrize(
    "case",
    [*bad_cases(None, None, None), "merged without target"],
)
def test_model_rules_without_queries_answer_as_full_clean(case, places):
    """Django's ``full_clean`` (a query for the commune, one for the sector, one per constraint) and
    the set-wise check from reference data read once give the same errors – with no query."""
    commune, province, old = places
    overrides = {} if case == "merged without target" else bad_cases(commune, province, old)[case]
    data = data_in(commune, **overrides)
    reference = ReferenceData()

    def candidate():
        e = Establishment(address_as_of=datetime.date.today())
        for name, value in data.items():
            setattr(e, name, value)
        if case == "merged without target":
            e.status = Status.MERGED  # past ``_apply``'s own refusal: the constraint's turn
        return e

    by_database = services._model_errors(candidate(), None)
    with CaptureQueriesContext(connection) as queries:
        by_reference = services._model_errors(candidate(), reference)
    # (a unit that is no commune: Django's own check of the field, with its query, says so)
    assert len(queries) == (1 if case == "a province is no commune" else 0)
    assert comparable(by_reference) == comparable(by_database)
    assert (by_database is None) == (case == "valid")


def items_for(officer, tq_officer, commune, province, old, hanoi_commune, create):
    """Items for the set-wise check covering every rule: the model's, scope, tax code, permission."""
    taken_here = create(commune, tax_code=valid_tax_code(501), kind="micro", name="Công ty Đã Có")
    taken_there = create(hanoi_commune, tax_code=valid_tax_code(502), kind="micro", name="Công ty Hà Nội")
    mine = create(commune, name="Hộ Của Tôi")
    theirs = create(hanoi_commune, name="Hộ Hà Nội")
    items = [(data_in(commune, **o), None) for o in bad_cases(commune, province, old).values()]
    items += [
        (establishment_data(hanoi_commune), None),  # outside the user's provinces
        (establishment_data(commune, tax_code=valid_tax_code(501), kind="micro"), None),  # taken, visible
        (establishment_data(commune, tax_code=valid_tax_code(502), kind="micro"), None),  # taken elsewhere
        ({"employees": 7}, mine),
        ({"employees": 7, "vsic_code": "00"}, mine),
        ({"commune": hanoi_commune}, mine),  # moving it out of the user's provinces
        ({"employees": 7}, theirs),  # a record the user may not change
        ({"tax_code": valid_tax_code(501), "kind": "micro"}, mine),  # another record's tax code
        ({"tax_code": valid_tax_code(501)}, taken_here),  # its own tax code: fine
        ({"version": 9}, mine),  # not a field the user sets
    ]
    assert taken_there.province_now_id != taken_here.province_now_id
    return items


@pytest.mark.parametrize("who", ["officer", "tq_officer"])
def test_set_wise_check_answers_as_the_check_of_each_record(
    who, request, officer, tq_officer, places, hanoi_commune, create
):
    commune, province, old = places
    user = request.getfixturevalue(who)
    items = items_for(officer, tq_officer, commune, province, old, hanoi_commune, create)
    one_by_one = [
        answer_of(lambda d=data, e=existing: establishment_check(user=user, data=d, establishment=e))
        for data, existing in items
    ]
    together = [comparable(a) for a in establishments_check(user=user, items=items)]
    assert together == one_by_one
    kinds = [a[0] for a in together]
    assert kinds.count("ok") >= 3 and "invalid" in kinds
    if who == "tq_officer":
        assert "PermissionDenied" in kinds  # the Hà Nội record


def test_set_wise_check_costs_a_few_queries_whatever_the_number_of_records(officer, tq_commune, create):
    existing = [create(tq_commune, name=f"Hộ Có Sẵn {i}") for i in range(30)]

    def items(n):
        new = [
            (establishment_data(tq_commune, tax_code=code, kind="micro"), None) for code in tax_codes(700, n)
        ]
        return new + [({"employees": 3}, e) for e in existing[:n]]

    reference = ReferenceData()
    establishments_check(user=officer, items=items(1), reference=reference)  # the user's scope, read once
    counts = []
    for n in (3, 30):
        with CaptureQueriesContext(connection) as queries:
            answers = establishments_check(user=officer, items=items(n), reference=reference)
        assert all(isinstance(a, Establishment) for a in answers)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 3  # the records' permission, the tax codes


def test_a_tax_code_given_twice_in_a_set_is_refused(officer, tq_commune):
    data = establishment_data(tq_commune, tax_code=valid_tax_code(801), kind="micro")
    first, second = establishments_check(
        user=officer, items=[(data, None), ({**data, "name": "Công ty Thứ Hai"}, None)]
    )
    assert isinstance(first, Establishment)
    assert isinstance(second, ValidationError) and "tax_code" in second.message_dict


def test_writer_creates_with_one_audit_record_each_readable_in_the_history(client, officer, tq_commune):
    writer = EstablishmentWriter(user=officer)
    datas = [
        establishment_data(tq_commune, tax_code=code, kind="micro", name=f"Công ty Số {i}")
        for i, code in enumerate(tax_codes(900, 5))
    ]
    with audit_context(origin="import", user=officer, reason="co-so-2026.xlsx"):
        records = [writer.create(d) for d in datas]
        assert all(r.pk is None for r in records)
        assert writer.flush() == {}
    assert all(r.pk for r in records)
    for record in records:
        stored = Establishment.objects.get(pk=record.pk)
        # derived as a single save derives them
        assert (stored.province_id, stored.province_now_id) == (tq_commune.province().pk,) * 2
        assert (stored.section, stored.division.code, stored.version) == ("C", "16", 1)
        assert stored.name_key and stored.search_text
        change = ObjectChange.objects.for_object(stored).get()
        assert (change.action, change.origin, change.reason, change.user) == (
            "create",
            "import",
            "co-so-2026.xlsx",
            officer,
        )
        assert change.after["tax_code"] == stored.tax_code and change.after["commune_id"] == tq_commune.pk
    client.force_login(officer)
    page = client.get(
        reverse("core:object_history", args=["establishments", "establishment", records[0].pk])
    ).content.decode()
    assert "co-so-2026.xlsx" in page


def test_writer_updates_record_the_same_history_as_one_update(officer, tq_commune, tq_ward, create):
    """An update through the writer leaves the record and its history as establishment_update does."""
    a, b = create(tq_commune, name="Hộ Một"), create(tq_commune, name="Hộ Một")
    change = {"employees": 44, "commune": tq_ward, "phone": "0912 000 111", "name": "Hộ  Một Mới"}
    with audit_context(origin="import", user=officer, reason="tep.csv"):
        by_service = establishment_update(user=officer, establishment=a, data=change, version=a.version)
        writer = EstablishmentWriter(user=officer)
        writer.update(b, change, version=b.version)
        assert writer.flush() == {}
    by_writer = Establishment.objects.get(pk=b.pk)
    fields = [f.attname for f in Establishment._meta.concrete_fields if f.attname != "id"]
    assert {f: getattr(by_writer, f) for f in fields} == {
        f: getattr(Establishment.objects.get(pk=by_service.pk), f) for f in fields
    }
    assert by_writer.version == 2
    one, many = (ObjectChange.objects.for_object(e).filter(action="update").get() for e in (a, b))
    assert (many.before, many.after) == (one.before, one.after)
    assert set(many.after) == {
        "employees",
        "commune_id",
        "phone",
        "name",
        "name_key",
        "search_text",
        "version",
    }
    assert (many.origin, many.reason) == ("import", "tep.csv")


def test_writer_writes_nothing_of_a_refused_set_and_says_why_by_position(officer, tq_commune, create):
    mine = create(tq_commune, name="Hộ Của Tôi")
    before = (Establishment.objects.count(), ObjectChange.objects.count())
    writer = EstablishmentWriter(user=officer)
    writer.create(establishment_data(tq_commune, name="Hộ Tốt"))
    writer.create(establishment_data(tq_commune, vsic_code="00"))
    writer.update(mine, {"employees": 3}, version=mine.version + 1)  # someone saved since
    writer.update(mine, {"nonsense": 1}, version=mine.version)
    refusals = writer.flush()
    assert sorted(refusals) == [1, 2, 3]
    assert "vsic_code" in refusals[1].message_dict
    assert isinstance(refusals[2], ConflictError)
    assert "nonsense" in refusals[3].message_dict
    assert (Establishment.objects.count(), ObjectChange.objects.count()) == before
    assert writer.flush() == {}  # refused records are not handed over again


def test_writer_keeps_scope_and_role(make_user, tuyen_quang, tq_commune, hanoi_commune, create):
    province_user = make_user("provincial_officer", province=tuyen_quang, username="so_tq_ghi")
    theirs = create(hanoi_commune, name="Hộ Hà Nội")
    writer = EstablishmentWriter(user=province_user)
    writer.create(establishment_data(hanoi_commune))
    writer.update(theirs, {"employees": 3}, version=theirs.version)
    writer.create(establishment_data(tq_commune))
    refusals = writer.flush()
    assert sorted(refusals) == [0, 1]
    assert "commune" in refusals[0].message_dict and isinstance(refusals[1], PermissionDenied)
    public = make_user("public", username="congchung_ghi")
    writer = EstablishmentWriter(user=public)
    writer.create(establishment_data(tq_commune))
    assert isinstance(writer.flush()[0], PermissionDenied)
    assert not Establishment.objects.filter(commune=tq_commune).exists()


def test_reference_data_answers_as_the_database(tq_commune, hg_old_commune):
    reference = ReferenceData()
    from khuyencong.geo.queries import province_now

    for unit in (tq_commune, hg_old_commune):
        assert reference.province_now(reference.unit(unit.pk).province()) == province_now(unit)
    communes = set(AdministrativeUnit.objects.filter(level=Level.COMMUNE).values_list("pk", flat=True)[:50])
    assert all(reference.is_commune(pk) for pk in communes)
    assert not reference.is_commune(tq_commune.province().pk) and not reference.is_commune(None)
