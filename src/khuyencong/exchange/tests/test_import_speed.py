"""The fast write of an establishment import: the checked rows are kept in a temporary file and
written as checked (no second reading of the file), with a plain insert – and still audited as the
slow path audits, still all or nothing when the data changed between the check and the write."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from khuyencong.core.audit import audit_context
from khuyencong.core.models import ObjectChange
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.services import establishment_create
from khuyencong.exchange import services
from khuyencong.exchange.kinds.establishments import ESTABLISHMENTS
from khuyencong.exchange.models import ImportedRecord
from khuyencong.exchange.tests.test_imports import check, csv_bytes, do_import, row
from khuyencong.testing.factories import establishment_data, valid_tax_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def kept_dir(tmp_path, monkeypatch):
    folder = tmp_path / "kept"
    folder.mkdir()
    monkeypatch.setattr(services, "KEPT_ROWS_DIR", str(folder))
    return folder


def test_checked_rows_are_kept_while_writing_and_removed_after(officer, tq_commune, kept_dir, monkeypatch):
    seen: list[list[str]] = []
    original = ESTABLISHMENTS.flush

    def flush(context):
        seen.append([p.name for p in kept_dir.iterdir()])
        return original(context)

    monkeypatch.setattr(ESTABLISHMENTS, "flush", flush)
    batch = check(officer, csv_bytes([row(tq_commune, i) for i in range(1, 4)]))
    assert not list(kept_dir.iterdir())  # a dry run keeps nothing
    batch = services.batch_confirm(user=officer, batch=batch)
    assert batch.state == "imported" and batch.created == 3
    assert seen and all(len(names) == 1 for names in seen)  # the rows were written from the kept file
    assert not list(kept_dir.iterdir())


def test_the_kept_file_is_removed_when_the_write_fails(officer, tq_commune, kept_dir, monkeypatch):
    batch = check(officer, csv_bytes([row(tq_commune, i) for i in range(1, 4)]))

    def broken(context):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(ESTABLISHMENTS, "flush", broken)
    with pytest.raises(RuntimeError):
        services.batch_confirm(user=officer, batch=batch)
    assert not list(kept_dir.iterdir())
    assert not Establishment.objects.filter(name__startswith="Công ty TNHH Gốm").exists()


def test_the_kept_file_is_removed_when_the_check_finds_errors(officer, tq_commune, kept_dir):
    batch = check(officer, csv_bytes([row(tq_commune, 1)]))
    bad = csv_bytes([row(tq_commune, 1), row(tq_commune, 2, employees="nhiều")])
    batch.file.save(batch.sha256, ContentFile(bad))
    batch = services.batch_confirm(user=officer, batch=batch)
    assert batch.state == "invalid" and batch.errors[0]["row"] == 3
    assert not list(kept_dir.iterdir())
    assert not Establishment.objects.filter(name__startswith="Công ty TNHH Gốm").exists()


def test_a_tax_code_taken_between_check_and_write_is_a_row_error_and_nothing_is_written(
    officer, make_user, tq_commune, monkeypatch
):
    other = make_user("programme_officer", username="nguoi_khac")
    batch = check(officer, csv_bytes([row(tq_commune, i) for i in range(1, 4)]))
    original = ESTABLISHMENTS.pack
    taken = valid_tax_code(3)

    def meanwhile(rows, context):
        # another user registers row 4's tax code once the rows are checked, before they are written
        establishment_create(user=other, data=establishment_data(tq_commune, tax_code=taken))
        return original(rows, context)

    monkeypatch.setattr(ESTABLISHMENTS, "pack", meanwhile)
    batch = services.batch_confirm(user=officer, batch=batch)
    assert batch.state == "invalid"
    assert [(e["row"], e["column_key"]) for e in batch.errors] == [(4, "tax_code")]
    assert taken in batch.errors[0]["message"]
    assert not Establishment.objects.filter(name__startswith="Công ty TNHH Gốm").exists()
    assert not ImportedRecord.objects.exists()
    assert Establishment.objects.get(tax_code=taken).name == establishment_data(tq_commune)["name"]


def _comparable(change: ObjectChange) -> dict:
    values = {
        f.attname: getattr(change, f.attname)
        for f in ObjectChange._meta.concrete_fields
        if f.attname not in ("id", "time", "object_id", "object_repr")
    }
    values["after"] = {
        k: v
        for k, v in change.after.items()
        if k not in ("id", "tax_code", "name", "search_text", "name_key")
    }
    return values


def test_an_imported_record_is_audited_as_the_slow_path_audits_it(officer, tq_commune):
    batch = do_import(
        officer, csv_bytes([row(tq_commune, 1, women_owned="Có", registration_date="15/03/2016")])
    )
    imported = Establishment.objects.get(tax_code=valid_tax_code(1))
    fast = ObjectChange.objects.get(content_type__model="establishment", object_id=imported.pk)
    # the same record through Django's bulk_create (the audited queryset), in the import's context
    twin = Establishment.objects.get(pk=imported.pk)
    twin.pk, twin.tax_code, twin.name = None, valid_tax_code(2), imported.name + " B"
    twin._state.adding = True
    with audit_context(origin="import", user=officer, reason=batch.file_name):
        Establishment.objects.bulk_create([twin])
    slow = ObjectChange.objects.get(content_type__model="establishment", object_id=twin.pk)
    assert _comparable(fast) == _comparable(slow)
    assert fast.after["id"] == imported.pk and fast.after["tax_code"] == valid_tax_code(1)
    assert fast.object_repr == imported.name and fast.time is not None
    assert set(fast.after) == set(slow.after)
    stored = Establishment.objects.filter(pk__in=[imported.pk, twin.pk]).values()
    first, second = (
        {k: v for k, v in r.items() if k not in ("id", "tax_code", "name", "search_text", "name_key")}
        for r in stored
    )
    assert first == second
